/**
 * The MADT model: what the declaration in spec.ts decodes to and encodes
 * from; keys are the declaration's (test/acpi/madt-model-types.test.ts holds
 * them together). Type and Length are derived; reserved bytes appear only
 * when not zero; `trailing` only when a Length covers bytes past the fields.
 * The structures ridmap reads (I/O APICs for IVRS, GIC ITSes for IORT,
 * processors) are typed field by field; the others by their declaration.
 */
import type { AcpiHeader } from '../header.js';

type Kept = { trailing?: Uint8Array };
/** A structure's reserved bytes, when not zero. */
type Reserved = { reserved?: Uint8Array };

export type MadtLocalApic = Kept & { type: 'LocalApic'; processorId: number; id: number; lapicFlags: number };

/** An I/O APIC: `id` is the APIC ID an IVRS special device entry's Handle names. */
export type MadtIoApic = Kept & Reserved & { type: 'IoApic'; id: number; address: number; globalIrqBase: number };

export type MadtLocalX2apic = Kept & Reserved & { type: 'LocalX2apic'; localApicId: number; lapicFlags: number; uid: number };

/** A GIC ITS: `translationId` is what an IORT ITS group's identifiers name. */
export type MadtGicIts = Kept & Reserved & {
  type: 'GicIts';
  flags: number;
  translationId: number;
  baseAddress: bigint;
  reserved2?: Uint8Array;
};

/** GICC: the fields after armMpidr are there as far as the structure's Length goes. */
export type MadtGicc = Kept & Reserved & {
  type: 'Gicc';
  cpuInterfaceNumber: number;
  uid: number;
  flags: number;
  parkingVersion: number;
  performanceInterrupt: number;
  parkedAddress: bigint;
  baseAddress: bigint;
  gicvBaseAddress: bigint;
  gichBaseAddress: bigint;
  vgicInterrupt: number;
  gicrBaseAddress: bigint;
  armMpidr: bigint;
  efficiencyClass?: number;
  reserved2?: Uint8Array;
  speInterrupt?: number;
  trbeInterrupt?: number;
};

/** Any other structure ridmap declares (spec.ts names its fields). */
export type MadtDeclaredStructure = Kept & {
  type: Exclude<MadtStructureName, 'LocalApic' | 'IoApic' | 'LocalX2apic' | 'GicIts' | 'Gicc'>;
  [field: string]: unknown;
};

export type MadtStructureName =
  | 'LocalApic' | 'IoApic' | 'InterruptOverride' | 'NmiSource' | 'LocalApicNmi' | 'LocalApicOverride' | 'IoSapic'
  | 'LocalSapic' | 'InterruptSource' | 'LocalX2apic' | 'LocalX2apicNmi' | 'Gicc' | 'Gicd' | 'GicMsiFrame' | 'Gicr'
  | 'GicIts' | 'MultiprocWakeup' | 'CorePic' | 'LioPic' | 'HtPic' | 'EioPic' | 'MsiPic' | 'BioPic' | 'LpcPic'
  | 'Rintc' | 'Imsic' | 'Aplic' | 'Plic' | 'Gicv5Irs' | 'Gicv5Its' | 'Gicv5ItsTranslate';

/** A reserved (1Fh-7Fh) or OEM (80h-FFh) structure: its bytes after Length. */
export type MadtOtherStructure = { type: number; raw: Uint8Array };

export type MadtStructure = MadtLocalApic | MadtIoApic | MadtLocalX2apic | MadtGicIts | MadtGicc | MadtDeclaredStructure | MadtOtherStructure;

export type MadtTable = AcpiHeader & {
  /** The 32-bit physical address of every processor's local interrupt controller. */
  address: number;
  /** Bit 0: the machine also has dual 8259 PICs (PC-AT compatible). */
  flags: number;
  structures: MadtStructure[];
  trailing?: Uint8Array;
};

/** A decoded MADT and where findings about it point: its structure-path root (`APIC`) and its input file. */
export interface MadtSubject {
  model: MadtTable;
  name: string;
  file: string;
}
