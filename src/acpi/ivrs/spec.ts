/**
 * IVRS, the I/O Virtualization Reporting Structure (AMD-Vi IOMMUs), declared
 * once: this declaration alone drives decode, encode, text and JSON. Layout
 * from the AMD I/O Virtualization Technology specification (rev 3.x, section
 * 5.2), labels from ACPICA (actbl2.h, dmtbinfo2.c) so that text lines up with
 * `iasl -d`; Linux's drivers/iommu/amd/init.c reads the same bytes.
 *
 * After the header come IVHD blocks (one IOMMU each: types 10h, 11h, 40h)
 * and IVMD blocks (memory ranges: 20h, 21h, 22h), each with Type, Flags and
 * a 16-bit Length. An IVHD's device entries carry no length: bits 7:6 of the
 * type say 4, 8, 16 or 32 bytes, and type F0h (ACPI HID device) says its own
 * through its UID Length. Blocks and entries of other types are kept as
 * their bytes.
 */
import {
  ascii,
  bytesToHexPairs,
  displayText,
  hexUpper,
  hexUpperBig,
  countField,
  enumOf,
  field,
  flags,
  lengthField,
  list,
  reserved,
  rest,
  struct,
  tagField,
  u16le,
  u32le,
  u64le,
  u8,
  union,
  type FlagBit,
  type Member,
  type Model,
  type StructSpec,
} from '../../codec/index.js';
import { acpiHeaderMembers } from '../header.js';
import { once } from '../../once.js';

export const IVRS_DESCRIPTION = 'I/O Virtualization Reporting Structure';

/** Block types (IVHD: one IOMMU; IVMD: memory a device may or must not reach). */
export const IvrsBlockType = {
  IVHD_10: 0x10,
  IVHD_11: 0x11,
  IVHD_40: 0x40,
  IVMD_ALL: 0x20,
  IVMD_SELECT: 0x21,
  IVMD_RANGE: 0x22,
} as const;

/** Device entry types of an IVHD (Linux: IVHD_DEV_*; ACPICA: ACPI_IVRS_TYPE_*). */
export const IvrsEntryType = {
  PAD: 0x00,
  PAD8: 0x40,
  ALL: 0x01,
  SELECT: 0x02,
  RANGE_START: 0x03,
  RANGE_END: 0x04,
  ALIAS_SELECT: 0x42,
  ALIAS_RANGE_START: 0x43,
  EXT_SELECT: 0x46,
  EXT_RANGE_START: 0x47,
  SPECIAL: 0x48,
  ACPI_HID: 0xf0,
} as const;

/** Bytes of an F0h entry before its UID. */
export const IVRS_HID_FIXED_SIZE = 22;
/** Offset of an F0h entry's UID Length byte. */
const HID_UID_LENGTH_OFFSET = 21;

/**
 * A device entry's size: type F0h is 22 bytes plus its UID Length, every
 * other type 4 << bits 7:6 (what ACPICA does; Linux's ivhd_entry_length
 * agrees for the types it knows).
 */
export function ivrsEntrySize(type: number, byteAt: (offset: number) => number | undefined): number {
  if (type === IvrsEntryType.ACPI_HID) return IVRS_HID_FIXED_SIZE + (byteAt(HID_UID_LENGTH_OFFSET) ?? 0);
  return 4 << (type >> 6);
}

/** IVHD Flags (ACPICA's labels). */
const IVHD_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'HtTunEn', label: 'HtTunEn' },
  { bit: 1, name: 'PassPW', label: 'PassPW' },
  { bit: 2, name: 'ResPassPW', label: 'ResPassPW' },
  { bit: 3, name: 'Isoc', label: 'Isoc Control' },
  { bit: 4, name: 'IotlbSup', label: 'Iotlb Support' },
  { bit: 5, name: 'Coherent', label: 'Coherent' },
  { bit: 6, name: 'PrefSup', label: 'Prefetch Support' },
  { bit: 7, name: 'PPRSup', label: 'PPR Support' },
];

/** IVMD Flags: bits 0-2 ask for a unity (identity) mapping with these permissions, bit 3 an exclusion range. */
const IVMD_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'Unity', label: 'Unity' },
  { bit: 1, name: 'IR', label: 'Readable' },
  { bit: 2, name: 'IW', label: 'Writeable' },
  { bit: 3, name: 'ExclusionRange', label: 'Exclusion Range' },
];

/** A device entry's DTE setting: what the IOMMU passes through for the device's interrupts. */
const DATA_SETTING_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'INITPass', label: 'INITPass' },
  { bit: 1, name: 'EIntPass', label: 'EIntPass' },
  { bit: 2, name: 'NMIPass', label: 'NMIPass' },
  // Reserved, but iasl prints it among the others (ACPI_DMT_IVRS_DE_HEADER).
  { bit: 3, name: 'Reserved', label: 'Reserved' },
  { bit: 4, width: 2, name: 'SysMgt', label: 'System MGMT' },
  { bit: 6, name: 'Lint0Pass', label: 'LINT0 Pass' },
  { bit: 7, name: 'Lint1Pass', label: 'LINT1 Pass' },
];
/** Bit 3 is printed by name yet stays reserved: a set bit 3 is still reported. */
const DATA_SETTING = { ...flags(u8, DATA_SETTING_BITS), reservedMask: 1 << 3 };

const BLOCK_TITLES: Record<number, string> = {
  [IvrsBlockType.IVHD_10]: 'Hardware Definition Block (IVHD)',
  [IvrsBlockType.IVHD_11]: 'Hardware Definition Block (IVHD)',
  [IvrsBlockType.IVHD_40]: 'Hardware Definition Block - Mixed Format (IVHD)',
  [IvrsBlockType.IVMD_ALL]: 'Memory Definition Block (IVMD)',
  [IvrsBlockType.IVMD_SELECT]: 'Memory Definition Block (IVMD)',
  [IvrsBlockType.IVMD_RANGE]: 'Memory Definition Block (IVMD)',
};

/** iasl's names for the device entry types (AcpiDmIvrsDevEntryNames; padding is one of its reserved types). */
const ENTRY_TITLES: Record<number, string> = {
  [IvrsEntryType.PAD]: 'Unknown/Reserved Device Entry Type',
  [IvrsEntryType.PAD8]: 'Unknown/Reserved Device Entry Type',
  [IvrsEntryType.ALL]: 'Device Entry: Select All Devices',
  [IvrsEntryType.SELECT]: 'Device Entry: Select One Device',
  [IvrsEntryType.RANGE_START]: 'Device Entry: Start of Range',
  [IvrsEntryType.RANGE_END]: 'Device Entry: End of Range',
  [IvrsEntryType.ALIAS_SELECT]: 'Device Entry: Alias Select',
  [IvrsEntryType.ALIAS_RANGE_START]: 'Device Entry: Alias Start of Range',
  [IvrsEntryType.EXT_SELECT]: 'Device Entry: Extended Select',
  [IvrsEntryType.EXT_RANGE_START]: 'Device Entry: Extended Start of Range',
  [IvrsEntryType.SPECIAL]: 'Device Entry: Special Device',
  [IvrsEntryType.ACPI_HID]: 'Device Entry: ACPI HID Named Device',
};

// ---------------------------------------------------------------------------
// Device entries

/** Every entry starts with Type, a 16-bit Device ID (bus << 8 | devfn) and the DTE setting. */
function entry(name: string, typeName: string, tag: number, body: Member[]): StructSpec {
  return struct({
    name,
    typeName,
    tag,
    members: [
      tagField('Subtable Type', u8, tag, ENTRY_TITLES[tag]!),
      field('deviceId', 'Device ID', u16le),
      field('dataSetting', 'Data Setting (decoded below)', DATA_SETTING),
      ...body,
    ],
  });
}

/** 42h/43h: the device (or range) sends requests as Source Used Device ID (a PCIe-to-PCI bridge's alias). */
const aliasBody = (): Member[] => [
  reserved('Reserved', 1, 'int'),
  field('sourceDeviceId', 'Source Used Device ID', u16le),
  reserved('Reserved', 1, 'int', 'reserved2'),
];

/** 46h/47h: a 32-bit Extended Data word (bit 31: ATS disabled). */
const extendedBody = (): Member[] => [field('extendedData', 'Extended Data', u32le)];

/** What a special device entry names (Variety). */
export const IvrsSpecialVariety = { IOAPIC: 1, HPET: 2 } as const;

/** UID Format: the UID is absent (0), an integer (1) or a string without NUL (2). */
export const IvrsUidFormat = { NONE: 0, INTEGER: 1, STRING: 2 } as const;

/**
 * An _HID or _CID of 8 bytes as iasl prints it: a string when its first three
 * bytes are letters (an EISA or ACPI ID: "AMDI0020"), else the little-endian
 * integer of the 8 bytes (ACPICA's UtIsIdInteger).
 */
function idText(b: Uint8Array): string {
  const letters = [0, 1, 2].every((i) => /[A-Za-z]/.test(String.fromCharCode(b[i] ?? 0)));
  return letters ? '"' + displayText(String.fromCharCode(...b)) + '"' : hexUpperBig(littleEndian(b), 2 * b.length);
}

function littleEndian(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s.padEnd(8, '\0'), (c) => c.charCodeAt(0));
const u64Bytes = (v: bigint): Uint8Array => Uint8Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));

/**
 * The UID as iasl prints it: format 2 as a string, any other as an integer.
 * iasl reads 8 bytes for an integer whatever UID Length says; ridmap prints
 * the UID Length bytes (the same line when they are 8).
 */
function uidText(b: Uint8Array, m: Model): string {
  if (m['uidFormat'] === IvrsUidFormat.STRING) return '"' + displayText(String.fromCharCode(...b)) + '"';
  return b.length > 8 ? bytesToHexPairs(b) : hexUpperBig(littleEndian(b), 2 * b.length);
}

/** iasl prints UID Format, UID Length and UID only when UID Length is not 0 (the bytes are in its Raw Table Data dump). */
const hasUid = (m: Model): boolean => m['uid'] instanceof Uint8Array && m['uid'].length > 0;

// ---------------------------------------------------------------------------
// Blocks

/*
 * Block declarations are named by type (IVHD10, IVMD21): a union tells its
 * variants apart by name, and 10h, 11h and 40h are three layouts.
 */

/** The common head of an IVHD: one IOMMU, the PCI function at DeviceId in PCI Segment Group. */
function ivhdHead(tag: number): Member[] {
  return [
    tagField('Subtable Type', u8, tag, BLOCK_TITLES[tag]!),
    field('flags', 'Flags (decoded below)', flags(u8, IVHD_FLAG_BITS)),
    lengthField('Length', u16le),
    field('deviceId', 'DeviceId', u16le),
    field('capabilityOffset', 'Capability Offset', u16le),
    field('baseAddress', 'Base Address', u64le),
    field('pciSegment', 'PCI Segment Group', u16le),
    field('info', 'Virtualization Info', u16le),
  ];
}

/** 11h and 40h: IOMMU Attributes and an image of the EFR registers; 40h may carry F0h entries. */
function ivhdEfr(tag: number, name: string, typeName: string, entryList: Member): StructSpec {
  return struct({
    name,
    typeName,
    tag,
    members: [
      ...ivhdHead(tag),
      field('attributes', 'Attributes', u32le),
      field('efrImage', 'EFR Image', u64le),
      // EFR2 since spec rev 3.05 (Linux reads it as efr_reg2); labelled as iasl labels it.
      field('efrImage2', 'Reserved', u64le),
      entryList,
    ],
  });
}

/** 20h (every device), 21h (the device DeviceId), 22h (devices DeviceId..Auxiliary Data). */
function ivmd(tag: number, name: string, typeName: string): StructSpec {
  return struct({
    name,
    typeName,
    tag,
    members: [
      tagField('Subtable Type', u8, tag, BLOCK_TITLES[tag]!),
      field('flags', 'Flags (decoded below)', flags(u8, IVMD_FLAG_BITS)),
      lengthField('Length', u16le),
      field('deviceId', 'DeviceId', u16le),
      // 22h: the last device of the range.
      field('auxData', 'Auxiliary Data', u16le),
      reserved('Reserved', 8, 'int'),
      field('startAddress', 'Start Address', u64le),
      field('memoryLength', 'Memory Length', u64le),
    ],
  });
}

/**
 * Every structure of the IVRS, built on first use rather than when the
 * module loads: ridmap loads every table's module (the registry names them
 * all), and a run that reads no IVRS need not pay for building its
 * declarations. Still one declaration per structure: built once.
 */
function declare() {
  const padEntry = entry('Pad', 'IvrsPadEntry', IvrsEntryType.PAD, []);

  /** 40h: 8 bytes of padding (ACPICA's ACPI_IVRS_TYPE_PAD8), its last 4 labelled as iasl labels them (AcpiDmTableInfoIvrs8b). */
  const pad8Entry = entry('Pad8', 'IvrsPad8Entry', IvrsEntryType.PAD8, [reserved('Extended Data', 4, 'int')]);

  const allEntry = entry('All', 'IvrsAllEntry', IvrsEntryType.ALL, []);

  const selectEntry = entry('Select', 'IvrsSelectEntry', IvrsEntryType.SELECT, []);

  const rangeStartEntry = entry('RangeStart', 'IvrsRangeStartEntry', IvrsEntryType.RANGE_START, []);

  const rangeEndEntry = entry('RangeEnd', 'IvrsRangeEndEntry', IvrsEntryType.RANGE_END, []);

  const aliasSelectEntry = entry('AliasSelect', 'IvrsAliasSelectEntry', IvrsEntryType.ALIAS_SELECT, aliasBody());

  const aliasRangeStartEntry = entry('AliasRangeStart', 'IvrsAliasRangeStartEntry', IvrsEntryType.ALIAS_RANGE_START, aliasBody());

  const extSelectEntry = entry('ExtSelect', 'IvrsExtSelectEntry', IvrsEntryType.EXT_SELECT, extendedBody());

  const extRangeStartEntry = entry('ExtRangeStart', 'IvrsExtRangeStartEntry', IvrsEntryType.EXT_RANGE_START, extendedBody());

  /** 48h: an IOAPIC (by its APIC ID, Handle) or HPET (by its number) and the PCI requester ID its interrupts carry. */
  const specialEntry = entry('Special', 'IvrsSpecialEntry', IvrsEntryType.SPECIAL, [
    field('handle', 'Handle', u8),
    field('sourceDeviceId', 'Source Used Device ID', u16le),
    // iasl prints the number alone.
    field('variety', 'Variety', enumOf(u8, { [IvrsSpecialVariety.IOAPIC]: 'IOAPIC', [IvrsSpecialVariety.HPET]: 'HPET' }, 'Reserved', { printName: false })),
  ]);

  /** F0h: an ACPI device (by _HID, _CID, _UID) behind Device ID; 22 bytes plus the UID. */
  const acpiHidEntry = entry('AcpiHid', 'IvrsAcpiHidEntry', IvrsEntryType.ACPI_HID, [
    // Not NUL-terminated when 8 characters long; shorter IDs are NUL-padded (PNP0D40).
    field('hid', 'ACPI HID', ascii(8, '\0'), { text: (v) => idText(latin1Bytes(v as string)) }),
    field('cid', 'ACPI CID', u64le, { text: (v) => idText(u64Bytes(v as bigint)) }),
    // iasl prints the number alone.
    field('uidFormat', 'UID Format', enumOf(u8, { [IvrsUidFormat.NONE]: 'None', [IvrsUidFormat.INTEGER]: 'Integer', [IvrsUidFormat.STRING]: 'String' }, 'Reserved', { printName: false }), { shownIf: hasUid }),
    { ...countField('UID Length', u8, 'uid', 'uidLength'), shownIf: hasUid },
    // An integer (format 1) or a string without NUL (format 2): kept as its bytes.
    rest('uid', 'UID', { text: uidText }),
  ]);

  const ENTRY_SPECS: readonly StructSpec[] = [
    padEntry, pad8Entry, allEntry, selectEntry, rangeStartEntry, rangeEndEntry, aliasSelectEntry, aliasRangeStartEntry,
    extSelectEntry, extRangeStartEntry, specialEntry, acpiHidEntry,
  ];

  const entries = union({
    name: 'DeviceEntry',
    tag: { key: 'type', label: 'Subtable Type', type: u8, offset: 0 },
    length: { size: ivrsEntrySize },
    // The smallest entry: fewer bytes than this at an IVHD's end are kept as its trailing bytes.
    headerSize: 4,
    variants: ENTRY_SPECS,
    unknownTitle: 'Unknown/Reserved Device Entry Type',
    // Every entry starts with these: an entry of an unknown type keeps them apart from its other bytes.
    rawMembers: [field('deviceId', 'Device ID', u16le), field('dataSetting', 'Data Setting (decoded below)', DATA_SETTING)],
    // iasl notes it, then prints those first 4 bytes (its size as ridmap reads it: see ivrsEntrySize).
    unknownNote: {
      header: 'after',
      text: (tag, offset, size) => `\n**** Unknown IVRS device entry type/length: 0x${hexUpper(tag, 2)}/0x${hexUpper(size, 1)} at offset 0x${hexUpper(offset, 4)}: (header below)`,
    },
  });

  // Each entry is a block of its own (a blank line before it): none more before the first.
  const entryList = list('entries', 'Device Entries', entries);

  /** 10h: the legacy IVHD; IOMMU Feature Reporting instead of the EFR image. */
  const ivhd10 = struct({
    name: 'IVHD10',
    typeName: 'IvrsIvhd10',
    tag: IvrsBlockType.IVHD_10,
    members: [...ivhdHead(IvrsBlockType.IVHD_10), field('featureReporting', 'Feature Reporting', u32le), entryList],
  });

  const ivhd11 = ivhdEfr(IvrsBlockType.IVHD_11, 'IVHD11', 'IvrsIvhd11', entryList);

  const ivhd40 = ivhdEfr(IvrsBlockType.IVHD_40, 'IVHD40', 'IvrsIvhd40', entryList);

  const ivmd20 = ivmd(IvrsBlockType.IVMD_ALL, 'IVMD20', 'IvrsIvmdAll');

  const ivmd21 = ivmd(IvrsBlockType.IVMD_SELECT, 'IVMD21', 'IvrsIvmdSelect');

  const ivmd22 = ivmd(IvrsBlockType.IVMD_RANGE, 'IVMD22', 'IvrsIvmdRange');

  const BLOCK_SPECS: readonly StructSpec[] = [ivhd10, ivhd11, ivhd40, ivmd20, ivmd21, ivmd22];

  /** IVHD and IVMD blocks; a block of another type (a type 51h is out there) is kept as its bytes, with a warning. */
  const blocks = union({
    name: 'Block',
    tag: { key: 'type', label: 'Subtable Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u16le, offset: 2 },
    variants: BLOCK_SPECS,
    unknownTitle: 'Unknown Subtable Type',
    // An unknown block keeps its Flags as Flags (no reserved-bytes warning on top of the unknown type's).
    headerGap: field('flags', 'Flags', u8),
    // iasl skips it with this line (its bytes are in the Raw Table Data dump).
    unknownNote: { text: (tag) => `**** Unknown IVRS subtable type 0x${hexUpper(tag, 1)}` },
  });

  /** The IVRS: the ACPI header, IVinfo, 8 reserved bytes, then the blocks to the end. */
  const ivrsSpec: StructSpec = struct({
    name: 'IVRS',
    typeName: 'IvrsTable',
    members: [
      ...acpiHeaderMembers(IVRS_DESCRIPTION),
      // IVinfo: EFRSup (bit 0), DMA remap support (bit 1), GVA/PA/VA sizes (bits 7:5, 14:8, 21:15), HT ATS reserved (bit 22).
      { ...field('ivInfo', 'Virtualization Info', u32le), block: true },
      reserved('Reserved', 8, 'int'),
      list('blocks', 'Blocks', blocks),
    ],
  });
  return {
    padEntry, pad8Entry, allEntry, selectEntry, rangeStartEntry, rangeEndEntry, aliasSelectEntry,
    aliasRangeStartEntry, extSelectEntry, extRangeStartEntry, specialEntry, acpiHidEntry, ENTRY_SPECS, ivhd10, ivhd11,
    ivhd40, ivmd20, ivmd21, ivmd22, BLOCK_SPECS, ivrsSpec,
  };
}

/** The IVRS's structure declarations (built on the first call). */
export const ivrsDeclarations: () => ReturnType<typeof declare> = once(declare);

/** The IVRS table's declaration. */
export const ivrsSpec = (): StructSpec => ivrsDeclarations().ivrsSpec;
