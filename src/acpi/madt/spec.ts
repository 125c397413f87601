/**
 * MADT, the Multiple APIC Description Table (signature "APIC"), declared
 * once: this declaration alone drives decode, encode, text and JSON. Layout
 * from the ACPI 6.6 specification (section 5.2.12), labels and the flag
 * bits printed from ACPICA 20260408 (actbl2.h, dmtbinfo2.c) so that the text
 * is what `iasl -d` prints (test/acpi/madt-iasl-text.test.ts lists where
 * ridmap prints otherwise on purpose).
 *
 * ridmap reads the MADT for what the IOMMU tables point at: the I/O APICs an
 * IVRS must name (Linux's check_ioapic_information) and the GIC ITSes an
 * IORT's ITS groups name. After the header come Interrupt Controller
 * Structures, each with Type (u8) and Length (u8); types 1Fh-7Fh are
 * reserved and 80h-FFh are OEM data: both are kept as their bytes.
 *
 * Structures the specification grew are read as far as their Length goes
 * (GICC: 76 bytes in ACPI 5.1, 80 in 6.0, 82 in 6.5; the Multiprocessor
 * Wakeup's Reset Vector since 6.6). GICR and GIC ITS are declared in their
 * MADT revision 7 form (a Flags byte where older revisions had a reserved
 * 16-bit word; for revisions up to 6 text prints that word, as iasl does,
 * but from where it is: iasl reads it one byte late), and GICC's Flags with every bit revision 7 defines (text
 * shows the bits the table's revision defines, as iasl does).
 */
import {
  cstring,
  field,
  flags,
  lengthField,
  list,
  reserved,
  struct,
  tagField,
  u16le,
  u32le,
  u64le,
  u8,
  union,
  type FlagBit,
  type Member,
  type StructSpec,
} from '../../codec/index.js';
import { acpiHeaderMembers } from '../header.js';
import { once } from '../../once.js';

export const MADT_SIGNATURE = 'APIC';
export const MADT_DESCRIPTION = 'Multiple APIC Description Table (MADT)';

/** Interrupt Controller Structure types (ACPICA's ACPI_MADT_TYPE_*). */
export const MadtType = {
  LOCAL_APIC: 0,
  IO_APIC: 1,
  INTERRUPT_OVERRIDE: 2,
  NMI_SOURCE: 3,
  LOCAL_APIC_NMI: 4,
  LOCAL_APIC_OVERRIDE: 5,
  IO_SAPIC: 6,
  LOCAL_SAPIC: 7,
  INTERRUPT_SOURCE: 8,
  LOCAL_X2APIC: 9,
  LOCAL_X2APIC_NMI: 10,
  GICC: 11,
  GICD: 12,
  GIC_MSI_FRAME: 13,
  GICR: 14,
  GIC_ITS: 15,
  MULTIPROC_WAKEUP: 16,
  CORE_PIC: 17,
  LIO_PIC: 18,
  HT_PIC: 19,
  EIO_PIC: 20,
  MSI_PIC: 21,
  BIO_PIC: 22,
  LPC_PIC: 23,
  RINTC: 24,
  IMSIC: 25,
  APLIC: 26,
  PLIC: 27,
  GICV5_IRS: 28,
  GICV5_ITS: 29,
  GICV5_ITS_TRANSLATE: 30,
} as const;

/** iasl's names for the structure types (AcpiDmMadtSubnames; "Mutiprocessor" is iasl's spelling). */
const TITLES: Record<number, string> = {
  [MadtType.LOCAL_APIC]: 'Processor Local APIC',
  [MadtType.IO_APIC]: 'I/O APIC',
  [MadtType.INTERRUPT_OVERRIDE]: 'Interrupt Source Override',
  [MadtType.NMI_SOURCE]: 'NMI Source',
  [MadtType.LOCAL_APIC_NMI]: 'Local APIC NMI',
  [MadtType.LOCAL_APIC_OVERRIDE]: 'Local APIC Address Override',
  [MadtType.IO_SAPIC]: 'I/O SAPIC',
  [MadtType.LOCAL_SAPIC]: 'Local SAPIC',
  [MadtType.INTERRUPT_SOURCE]: 'Platform Interrupt Sources',
  [MadtType.LOCAL_X2APIC]: 'Processor Local x2APIC',
  [MadtType.LOCAL_X2APIC_NMI]: 'Local x2APIC NMI',
  [MadtType.GICC]: 'Generic Interrupt Controller',
  [MadtType.GICD]: 'Generic Interrupt Distributor',
  [MadtType.GIC_MSI_FRAME]: 'Generic MSI Frame',
  [MadtType.GICR]: 'Generic Interrupt Redistributor',
  [MadtType.GIC_ITS]: 'Generic Interrupt Translator',
  [MadtType.MULTIPROC_WAKEUP]: 'Mutiprocessor Wakeup',
  [MadtType.CORE_PIC]: 'CPU Core Interrupt Controller',
  [MadtType.LIO_PIC]: 'Legacy I/O Interrupt Controller',
  [MadtType.HT_PIC]: 'HT Interrupt Controller',
  [MadtType.EIO_PIC]: 'Extend I/O Interrupt Controller',
  [MadtType.MSI_PIC]: 'MSI Interrupt Controller',
  [MadtType.BIO_PIC]: 'Bridge I/O Interrupt Controller',
  [MadtType.LPC_PIC]: 'LPC Interrupt Controller',
  [MadtType.RINTC]: 'RISC-V Interrupt Controller',
  [MadtType.IMSIC]: 'RISC-V Incoming MSI Controller',
  [MadtType.APLIC]: 'RISC-V APLIC Controller',
  [MadtType.PLIC]: 'RISC-V PLIC Controller',
  [MadtType.GICV5_IRS]: 'Generic Interrupt v5 Router',
  [MadtType.GICV5_ITS]: 'Generic Interrupt v5 Translator Config',
  [MadtType.GICV5_ITS_TRANSLATE]: 'Generic Interrupt v5 Translator Entry',
};

/** GICC's size in ACPI 6.5 (MADT revision 6 and later). */
export const GICC_SIZE = 82;

/**
 * Every structure of the table, built on first use rather than when the
 * module loads: ridmap loads every table's module (the registry names them
 * all), and a run that reads no MADT (a DMAR decode) need not pay for its
 * ~30 declarations. One declaration per structure all the same: built once.
 */
function declare() {
  /** MPS INTI flags: polarity (bits 1:0) and trigger mode (bits 3:2) of an interrupt input. */
  const INTI_FLAGS = flags(u16le, [
    { bit: 0, width: 2, name: 'Polarity', label: 'Polarity' },
    { bit: 2, width: 2, name: 'TriggerMode', label: 'Trigger Mode' },
  ]);
  const intiFlags = (): Member => field('intiFlags', 'Flags (decoded below)', INTI_FLAGS);

  /** Local APIC Flags: Enabled, and Online Capable (ACPI 6.3: the OS may enable a disabled processor). */
  const LAPIC_FLAG_BITS: readonly FlagBit[] = [
    { bit: 0, name: 'Enabled', label: 'Processor Enabled' },
    { bit: 1, name: 'OnlineCapable', label: 'Runtime Online Capable' },
  ];
  /** iasl decodes only Enabled for the Local SAPIC and x2APIC. */
  const ENABLED_ONLY: readonly FlagBit[] = [{ bit: 0, name: 'Enabled', label: 'Processor Enabled' }];

  /** A flag bit a MADT revision defined: iasl prints it for tables of that revision and later (its Madt11/11a/11b). */
  const since = (value: number) => ({ rootKey: 'revision', value });

  /** GICC Flags, as MADT revision 7 defines them. */
  const GICC_FLAG_BITS: readonly FlagBit[] = [
    { bit: 0, name: 'Enabled', label: 'Processor Enabled' },
    { bit: 1, name: 'PerformanceInterruptMode', label: 'Performance Interrupt Trigger Mode' },
    { bit: 2, name: 'VgicMaintenanceInterruptMode', label: 'Virtual GIC Interrupt Trigger Mode' },
    { bit: 3, name: 'OnlineCapable', label: 'Online Capable', printedSince: since(6) },
    { bit: 4, name: 'GicrNonCoherent', label: 'GICR non-coherent', printedSince: since(7) },
  ];

  /** A structure: Type and Length, then its fields; bytes its Length covers beyond them are kept as trailing bytes. */
  function ics(name: string, tag: number, body: Member[]): StructSpec {
    return struct({
      name,
      typeName: `Madt${name}`,
      tag,
      members: [tagField('Subtable Type', u8, tag, TITLES[tag]!), lengthField('Length', u8), ...body],
    });
  }

  const localApic = ics('LocalApic', MadtType.LOCAL_APIC, [
    field('processorId', 'Processor ID', u8),
    field('id', 'Local Apic ID', u8),
    field('lapicFlags', 'Flags (decoded below)', flags(u32le, LAPIC_FLAG_BITS)),
  ]);

  /** An I/O APIC: its APIC ID is what an IVRS special device entry's Handle names. */
  const ioApic = ics('IoApic', MadtType.IO_APIC, [
    field('id', 'I/O Apic ID', u8),
    reserved('Reserved', 1, 'int'),
    field('address', 'Address', u32le),
    field('globalIrqBase', 'Interrupt', u32le),
  ]);

  const interruptOverride = ics('InterruptOverride', MadtType.INTERRUPT_OVERRIDE, [
    field('bus', 'Bus', u8),
    field('sourceIrq', 'Source', u8),
    field('globalIrq', 'Interrupt', u32le),
    intiFlags(),
  ]);

  const nmiSource = ics('NmiSource', MadtType.NMI_SOURCE, [intiFlags(), field('globalIrq', 'Interrupt', u32le)]);

  const localApicNmi = ics('LocalApicNmi', MadtType.LOCAL_APIC_NMI, [
    field('processorId', 'Processor ID', u8),
    intiFlags(),
    field('lint', 'Interrupt Input LINT', u8),
  ]);

  const localApicOverride = ics('LocalApicOverride', MadtType.LOCAL_APIC_OVERRIDE, [
    reserved('Reserved', 2, 'int'),
    field('address', 'APIC Address', u64le),
  ]);

  const ioSapic = ics('IoSapic', MadtType.IO_SAPIC, [
    field('id', 'I/O Sapic ID', u8),
    reserved('Reserved', 1, 'int'),
    field('globalIrqBase', 'Interrupt Base', u32le),
    field('address', 'Address', u64le),
  ]);

  /** Local SAPIC: 16 bytes and a NUL-terminated UID string. */
  const localSapic = ics('LocalSapic', MadtType.LOCAL_SAPIC, [
    field('processorId', 'Processor ID', u8),
    field('id', 'Local Sapic ID', u8),
    field('eid', 'Local Sapic EID', u8),
    reserved('Reserved', 3, 'int'),
    field('lapicFlags', 'Flags (decoded below)', flags(u32le, ENABLED_ONLY)),
    field('uid', 'Processor UID', u32le),
    cstring('uidString', 'Processor UID String'),
  ]);

  const interruptSource = ics('InterruptSource', MadtType.INTERRUPT_SOURCE, [
    intiFlags(),
    field('interruptType', 'InterruptType', u8),
    field('processorId', 'Processor ID', u8),
    field('processorEid', 'Processor EID', u8),
    field('ioSapicVector', 'I/O Sapic Vector', u8),
    field('globalIrq', 'Interrupt', u32le),
    field('flags', 'Flags (decoded below)', flags(u32le, [{ bit: 0, name: 'CpeiOverride', label: 'CPEI Override' }])),
  ]);

  const localX2apic = ics('LocalX2apic', MadtType.LOCAL_X2APIC, [
    reserved('Reserved', 2, 'int'),
    field('localApicId', 'Processor x2Apic ID', u32le),
    field('lapicFlags', 'Flags (decoded below)', flags(u32le, ENABLED_ONLY)),
    field('uid', 'Processor UID', u32le),
  ]);

  const localX2apicNmi = ics('LocalX2apicNmi', MadtType.LOCAL_X2APIC_NMI, [
    intiFlags(),
    field('uid', 'Processor UID', u32le),
    field('lint', 'Interrupt Input LINT', u8),
    reserved('Reserved', 3, 'int'),
  ]);

  /** GICC: 76 bytes (ACPI 5.1), then Efficiency Class (6.0), SPE (6.3) and TRBE (6.5) interrupts where Length has room. */
  const gicc = ics('Gicc', MadtType.GICC, [
    reserved('Reserved', 2, 'int'),
    field('cpuInterfaceNumber', 'CPU Interface Number', u32le),
    field('uid', 'Processor UID', u32le),
    field('flags', 'Flags (decoded below)', flags(u32le, GICC_FLAG_BITS)),
    field('parkingVersion', 'Parking Protocol Version', u32le),
    field('performanceInterrupt', 'Performance Interrupt', u32le),
    field('parkedAddress', 'Parked Address', u64le),
    field('baseAddress', 'Base Address', u64le),
    field('gicvBaseAddress', 'Virtual GIC Base Address', u64le),
    field('gichBaseAddress', 'Hypervisor GIC Base Address', u64le),
    field('vgicInterrupt', 'Virtual GIC Interrupt', u32le),
    field('gicrBaseAddress', 'Redistributor Base Address', u64le),
    field('armMpidr', 'ARM MPIDR', u64le),
    field('efficiencyClass', 'Efficiency Class', u8, { optional: true }),
    { ...reserved('Reserved', 1, 'int', 'reserved2'), optional: true },
    field('speInterrupt', 'SPE Overflow Interrupt', u16le, { optional: true }),
    field('trbeInterrupt', 'TRBE Interrupt', u16le, { optional: true }),
  ]);

  const gicd = ics('Gicd', MadtType.GICD, [
    reserved('Reserved', 2, 'int'),
    field('gicId', 'Local GIC Hardware ID', u32le),
    field('baseAddress', 'Base Address', u64le),
    field('globalIrqBase', 'Interrupt Base', u32le),
    field('version', 'Version', u8),
    reserved('Reserved', 3, 'int', 'reserved2'),
  ]);

  const gicMsiFrame = ics('GicMsiFrame', MadtType.GIC_MSI_FRAME, [
    reserved('Reserved', 2, 'int'),
    field('msiFrameId', 'MSI Frame ID', u32le),
    field('baseAddress', 'Base Address', u64le),
    field('flags', 'Flags (decoded below)', flags(u32le, [{ bit: 0, name: 'SpiSelect', label: 'Select SPI' }])),
    field('spiCount', 'SPI Count', u16le),
    field('spiBase', 'SPI Base', u16le),
  ]);

  /** Up to MADT revision 6, GICR's and GIC ITS's bytes 2-3 were one reserved u16: text prints them so for those tables. */
  const RESERVED_WORD_BEFORE_7 = { joinIf: { rootKey: 'revision', below: 7, label: 'Reserved', join: 1 } };

  const gicr = ics('Gicr', MadtType.GICR, [
    field('flags', 'Flags (decoded below)', flags(u8, [{ bit: 0, name: 'NonCoherent', label: 'GICR non-coherent' }]), RESERVED_WORD_BEFORE_7),
    reserved('Reserved', 1, 'int'),
    field('baseAddress', 'Base Address', u64le),
    // The redistributors' discovery range ("Length" in iasl; `length` is the structure's own).
    field('rangeLength', 'Length', u32le),
  ]);

  /** A GIC ITS: the Translation ID is what an IORT ITS group's identifiers name. */
  const gicIts = ics('GicIts', MadtType.GIC_ITS, [
    field('flags', 'Flags (decoded below)', flags(u8, [{ bit: 0, name: 'NonCoherent', label: 'GIC ITS non-coherent' }]), RESERVED_WORD_BEFORE_7),
    reserved('Reserved', 1, 'int'),
    field('translationId', 'Translation ID', u32le),
    field('baseAddress', 'Base Address', u64le),
    reserved('Reserved', 4, 'int', 'reserved2'),
  ]);

  const multiprocWakeup = ics('MultiprocWakeup', MadtType.MULTIPROC_WAKEUP, [
    field('mailboxVersion', 'Mailbox Version', u16le),
    reserved('Reserved', 4, 'int'),
    field('baseAddress', 'Mailbox Address', u64le),
    // ACPI 6.6 (mailbox version 1): where a processor starts after a reset; ACPICA 20251212's label.
    field('resetVector', 'ResetVector', u64le, { optional: true }),
  ]);

  // LoongArch interrupt controllers (ACPI 6.5).
  const corePic = ics('CorePic', MadtType.CORE_PIC, [
    field('version', 'Version', u8),
    field('processorId', 'ProcessorId', u32le),
    field('coreId', 'CoreId', u32le),
    field('flags', 'Flags', u32le),
  ]);
  const lioPic = ics('LioPic', MadtType.LIO_PIC, [
    field('version', 'Version', u8),
    field('address', 'Address', u64le),
    field('size', 'Size', u16le),
    field('cascade', 'Cascade', u16le),
    field('cascadeMap', 'CascadeMap', u64le),
  ]);
  const htPic = ics('HtPic', MadtType.HT_PIC, [
    field('version', 'Version', u8),
    field('address', 'Address', u64le),
    field('size', 'Size', u16le),
    field('cascade', 'Cascade', u64le),
  ]);
  const eioPic = ics('EioPic', MadtType.EIO_PIC, [
    field('version', 'Version', u8),
    field('cascade', 'Cascade', u8),
    field('node', 'Node', u8),
    field('nodeMap', 'NodeMap', u64le),
  ]);
  const msiPic = ics('MsiPic', MadtType.MSI_PIC, [
    field('version', 'Version', u8),
    field('msgAddress', 'MsgAddress', u64le),
    field('start', 'Start', u32le),
    field('count', 'Count', u32le),
  ]);
  const bioPic = ics('BioPic', MadtType.BIO_PIC, [
    field('version', 'Version', u8),
    field('address', 'Address', u64le),
    field('size', 'Size', u16le),
    field('id', 'Id', u16le),
    field('gsiBase', 'GsiBase', u16le),
  ]);
  const lpcPic = ics('LpcPic', MadtType.LPC_PIC, [
    field('version', 'Version', u8),
    field('address', 'Address', u64le),
    field('size', 'Size', u16le),
    field('cascade', 'Cascade', u8),
  ]);

  // RISC-V interrupt controllers (ACPI 6.6).
  const rintc = ics('Rintc', MadtType.RINTC, [
    field('version', 'Version', u8),
    reserved('Reserved', 1, 'int'),
    field('flags', 'Flags', u32le),
    field('hartId', 'HartId', u64le),
    field('uid', 'Uid', u32le),
    field('extIntcId', 'ExtIntcId', u32le),
    field('imsicAddr', 'ImsicAddr', u64le),
    field('imsicSize', 'ImsicSize', u32le),
  ]);
  const imsic = ics('Imsic', MadtType.IMSIC, [
    field('version', 'Version', u8),
    reserved('Reserved', 1, 'int'),
    field('flags', 'Flags', u32le),
    field('numIds', 'NumIds', u16le),
    field('numGuestIds', 'NumGuestIds', u16le),
    field('guestIndexBits', 'GuestIndexBits', u8),
    field('hartIndexBits', 'HartIndexBits', u8),
    field('groupIndexBits', 'GroupIndexBits', u8),
    field('groupIndexShift', 'GroupIndexShift', u8),
  ]);
  const aplic = ics('Aplic', MadtType.APLIC, [
    field('version', 'Version', u8),
    field('id', 'Id', u8),
    field('flags', 'Flags', u32le),
    field('hwId', 'HwId', u64le),
    field('numIdcs', 'NumIdcs', u16le),
    field('numSources', 'NumSources', u16le),
    field('gsiBase', 'GsiBase', u32le),
    field('baseAddr', 'BaseAddr', u64le),
    field('size', 'Size', u32le),
  ]);
  const plic = ics('Plic', MadtType.PLIC, [
    field('version', 'Version', u8),
    field('id', 'Id', u8),
    field('hwId', 'HwId', u64le),
    field('numIrqs', 'NumIrqs', u16le),
    field('maxPrio', 'MaxPrio', u16le),
    field('flags', 'Flags', u32le),
    field('size', 'Size', u32le),
    field('baseAddr', 'BaseAddr', u64le),
    field('gsiBase', 'GsiBase', u32le),
  ]);

  // Arm GICv5 (ACPI 6.7; ACPICA 20260408 decodes them, 20250404 calls them unknown types). Labels are iasl's.
  const gicv5Irs = ics('Gicv5Irs', MadtType.GICV5_IRS, [
    field('version', 'Gic version', u8),
    reserved('Reserved', 1, 'int'),
    field('irsId', 'Irs Id', u32le),
    field('flags', 'Flags (decoded below)', flags(u32le, [{ bit: 0, name: 'NonCoherent', label: 'GICV5 IRS non-coherent' }])),
    reserved('Reserved', 4, 'int', 'reserved2'),
    field('configBaseAddress', 'Irs Config Frame Physical Base Address', u64le),
    field('setlpiBaseAddress', 'Irs Setlpi Frame Physical Base Address', u64le),
  ]);
  const gicv5Its = ics('Gicv5Its', MadtType.GICV5_ITS, [
    field('flags', 'Flags (decoded below)', flags(u8, [{ bit: 0, name: 'NonCoherent', label: 'GICV5 ITS non-coherent' }])),
    reserved('Reserved', 1, 'int'),
    field('translatorId', 'Gic Its Id', u32le),
    field('baseAddress', 'Physical Base Address', u64le),
  ]);
  const gicv5ItsTranslate = ics('Gicv5ItsTranslate', MadtType.GICV5_ITS_TRANSLATE, [
    reserved('Reserved', 2, 'int'),
    field('linkedTranslatorId', 'Linked Its Id', u32le),
    field('translateFrameId', 'Its Translate Id', u32le),
    reserved('Reserved', 4, 'int', 'reserved2'),
    field('baseAddress', 'Its Translate Frame Physical Base Address', u64le),
  ]);

  const MADT_STRUCTURE_SPECS: readonly StructSpec[] = [
    localApic, ioApic, interruptOverride, nmiSource, localApicNmi, localApicOverride, ioSapic, localSapic,
    interruptSource, localX2apic, localX2apicNmi, gicc, gicd, gicMsiFrame, gicr, gicIts, multiprocWakeup,
    corePic, lioPic, htPic, eioPic, msiPic, bioPic, lpcPic, rintc, imsic, aplic, plic, gicv5Irs, gicv5Its, gicv5ItsTranslate,
  ];

  /** Types 80h-FFh are OEM data (ACPICA's ACPI_MADT_TYPE_OEM_RESERVED). */
  const MADT_OEM_TYPES = 0x80;

  /** Interrupt Controller Structures; reserved (1Fh-7Fh) and OEM (80h-FFh) types are kept as their bytes. */
  const structures = union({
    name: 'Structure',
    tag: { key: 'type', label: 'Subtable Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u8, offset: 1 },
    variants: MADT_STRUCTURE_SPECS,
    unknownTitle: 'Unknown Subtable Type',
    // Linux asks the MADT for the types it handles and skips the rest; OEM types are the spec's own. Kept, and said, not warned.
    unknownSeverity: 'info',
    // iasl prints a reserved type's header, a blank line and this note, not its body (AcpiDmDumpMadt); OEM types' bytes are printed.
    unknownNote: {
      header: 'before',
      text: (tag) => (tag < MADT_OEM_TYPES ? `\n**** Unknown MADT subtable type 0x${tag.toString(16).toUpperCase()}\n` : undefined),
    },
  });

  /**
   * The table's Flags: bit 0 says dual 8259 PICs are there too. Bits 1-31 are
   * reserved, but firmware fills them (the corpus's Star Labs StarLite writes
   * 0xc63a754e) and Linux reads bit 0 alone: not reported, as nothing reads them.
   */
  const MADT_FLAGS = { ...flags(u32le, [{ bit: 0, name: 'PcatCompat', label: 'PC-AT Compatibility' }]), reservedMask: 0 };

  /** The MADT: the ACPI header, the local interrupt controller address and flags, then the structures to the end. */
  const madtSpec: StructSpec = struct({
    name: 'MADT',
    typeName: 'MadtTable',
    members: [
      ...acpiHeaderMembers(MADT_DESCRIPTION),
      { ...field('address', 'Local Apic Address', u32le), block: true },
      field('flags', 'Flags (decoded below)', MADT_FLAGS),
      // Each structure starts with a blank line of its own (iasl's), so the list itself starts none.
      list('structures', 'Interrupt Controller Structures', structures),
    ],
  });
  return {
    localApic, ioApic, interruptOverride, nmiSource, localApicNmi, localApicOverride, ioSapic, localSapic,
    interruptSource, localX2apic, localX2apicNmi, gicc, gicd, gicMsiFrame, gicr, gicIts, multiprocWakeup,
    corePic, lioPic, htPic, eioPic, msiPic, bioPic, lpcPic, rintc, imsic, aplic, plic, gicv5Irs, gicv5Its, gicv5ItsTranslate,
    MADT_STRUCTURE_SPECS, madtSpec,
  };
}

/** The MADT's structure declarations (built on the first call). */
export const madtDeclarations: () => ReturnType<typeof declare> = once(declare);

/** The MADT: the ACPI header, the local interrupt controller address and flags, then the structures to the end. */
export const madtSpec = (): StructSpec => madtDeclarations().madtSpec;
