/**
 * The IVRS model: what the declaration in spec.ts decodes to and encodes
 * from. Names follow the AMD IOMMU specification and ACPICA's structures
 * (acpi_ivrs_hardware1, acpi_ivrs_de_header, ...); keys are the
 * declaration's (test/acpi/ivrs-model-types.test.ts holds them together).
 * Derived fields are not here: each block's Length and Type and an F0h
 * entry's UID Length are computed by encode. Reserved bytes appear only when
 * not zero; `trailing` only when a block's Length covers bytes its entries
 * do not.
 */
import type { AcpiHeader } from '../header.js';

/** Bytes a structure's Length covers beyond its fields (not for device entries: their type fixes their size). */
type Kept = {
  trailing?: Uint8Array;
};

/** Every device entry: the device (bus << 8 | devfn in the IVHD's segment) and its DTE setting bits. */
type EntryHead = Kept & {
  deviceId: number;
  dataSetting: number;
};

/** 00h (padding), 01h (every device), 02h (one device), 03h/04h (start and end of a range). */
export type IvrsPadEntry = EntryHead & { type: 'Pad' };
/** 40h: 8 bytes of padding; its last 4 bytes are reserved. */
export type IvrsPad8Entry = EntryHead & { type: 'Pad8'; reserved?: Uint8Array };
export type IvrsAllEntry = EntryHead & { type: 'All' };
export type IvrsSelectEntry = EntryHead & { type: 'Select' };
export type IvrsRangeStartEntry = EntryHead & { type: 'RangeStart' };
export type IvrsRangeEndEntry = EntryHead & { type: 'RangeEnd' };

/** 42h/43h: the device (or the range this starts) reaches the IOMMU as sourceDeviceId. */
export type IvrsAliasEntry = EntryHead & {
  type: 'AliasSelect' | 'AliasRangeStart';
  sourceDeviceId: number;
  /** The reserved bytes before and after sourceDeviceId, when not zero. */
  reserved?: Uint8Array;
  reserved2?: Uint8Array;
};

/** 46h/47h: with 32 bits of extended data (bit 31: ATS disabled). */
export type IvrsExtendedEntry = EntryHead & {
  type: 'ExtSelect' | 'ExtRangeStart';
  extendedData: number;
};

/** 48h: the IOAPIC (variety 1, handle = its APIC ID) or HPET (variety 2) whose interrupts carry sourceDeviceId. */
export type IvrsSpecialEntry = EntryHead & {
  type: 'Special';
  handle: number;
  sourceDeviceId: number;
  variety: number;
};

/** F0h: an ACPI device by _HID/_CID/_UID; the UID as its bytes (an integer or a string, as uidFormat says). */
export type IvrsAcpiHidEntry = EntryHead & {
  type: 'AcpiHid';
  hid: string;
  cid: bigint;
  uidFormat: number;
  uid: Uint8Array;
};

/**
 * An entry of a type the specification does not define: the Device ID and
 * DTE setting every entry starts with, then its other bytes, as many as bits
 * 7:6 say.
 */
export type IvrsOtherEntry = { type: number; deviceId: number; dataSetting: number; raw: Uint8Array };

export type IvrsDeviceEntry =
  | IvrsPadEntry | IvrsPad8Entry | IvrsAllEntry | IvrsSelectEntry | IvrsRangeStartEntry | IvrsRangeEndEntry
  | IvrsAliasEntry | IvrsExtendedEntry | IvrsSpecialEntry | IvrsAcpiHidEntry | IvrsOtherEntry;

type IvhdHead = Kept & {
  flags: number;
  /** The IOMMU's own PCI function. */
  deviceId: number;
  capabilityOffset: number;
  baseAddress: bigint;
  pciSegment: number;
  info: number;
  entries: IvrsDeviceEntry[];
};

/** 10h: the legacy IVHD. */
export type IvrsIvhd10 = IvhdHead & { type: 'IVHD10'; featureReporting: number };

/** 11h and 40h: with the IOMMU Attributes and the EFR register images; 40h may hold F0h entries. */
export type IvrsIvhdEfr = IvhdHead & {
  type: 'IVHD11' | 'IVHD40';
  attributes: number;
  efrImage: bigint;
  efrImage2: bigint;
};

/** 20h (every device), 21h (deviceId), 22h (deviceId..auxData): a memory range with flags. */
export type IvrsIvmd = Kept & {
  type: 'IVMD20' | 'IVMD21' | 'IVMD22';
  flags: number;
  deviceId: number;
  auxData: number;
  reserved?: Uint8Array;
  startAddress: bigint;
  memoryLength: bigint;
};

/** A block of a type the specification does not define: its Flags and the bytes after its Length. */
export type IvrsOtherBlock = { type: number; flags: number; raw: Uint8Array };

export type IvrsBlock = IvrsIvhd10 | IvrsIvhdEfr | IvrsIvmd | IvrsOtherBlock;

export type IvrsTable = AcpiHeader & {
  /** IVinfo: EFRSup, DMA remap support, the GVA/PA/VA sizes. */
  ivInfo: number;
  /** The header's 8 reserved bytes, when not zero. */
  reserved?: Uint8Array;
  blocks: IvrsBlock[];
  trailing?: Uint8Array;
};
