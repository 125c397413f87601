/**
 * DMAR, the DMA Remapping Reporting table of the Intel VT-d specification
 * (chapter "BIOS Considerations"), declared once for decode, encode, text and
 * JSON. Covers every remapping structure through VT-d 4.x: DRHD, RMRR, ATSR,
 * RHSA, ANDD, SATC and SIDP, and device scopes of every type with the Flags
 * byte of VT-d 3.4+. Older tables decode with the same declaration: fields
 * that were reserved in their spec revision (DRHD Size, scope Flags) simply
 * read as zero.
 *
 * Labels, and which flag bits are printed, are current iasl's (20260408), so
 * that the text is what `iasl -d` prints; iasl decodes only DRHD Size, so
 * the other flags print as a value and their bits are named for JSON and
 * checks only. Older iasl's labels are in codec/iasl-form.ts.
 */
import {
  array,
  cstring,
  enumOf,
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

/** DMAR Flags (table header). Bits 1 and 2 came with VT-d 2.3 (Oct 2014). */
export const DMAR_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'INTR_REMAP', label: 'Interrupt Remapping' },
  { bit: 1, name: 'X2APIC_OPT_OUT', label: 'x2APIC Opt Out' },
  // ACPICA calls this bit ACPI_DMAR_X2APIC_MODE; the VT-d spec, EDK2 and
  // Linux call it DMA_CTRL_PLATFORM_OPT_IN_FLAG, which is what it means.
  { bit: 2, name: 'DMA_CTRL_PLATFORM_OPT_IN', label: 'DMA Control Platform Opt In' },
];

/** DRHD Flags. */
export const DRHD_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'INCLUDE_PCI_ALL', label: 'Include PCI All' },
  // Named as the project's issue names it; ACPICA (2025) defines only bit 0
  // (ACPI_DMAR_INCLUDE_ALL) and the June 2022 VT-d layout shows bit 1 as
  // reserved, so this name is not confirmed by a primary source here.
  { bit: 1, name: 'ATSR_REQUIRED', label: 'ATSR Required' },
];

/** DRHD Size: bits 3:0 = N, the register set spans 2^N 4 KiB pages (reserved before VT-d 3.x). */
export const DRHD_SIZE_BITS: readonly FlagBit[] = [
  { bit: 0, width: 4, name: 'REGISTER_SET_SIZE', label: 'Size (pages, log2)' },
];

export const ATSR_FLAG_BITS: readonly FlagBit[] = [{ bit: 0, name: 'ALL_PORTS', label: 'All Ports' }];

export const SATC_FLAG_BITS: readonly FlagBit[] = [{ bit: 0, name: 'ATC_REQUIRED', label: 'ATC Required' }];

/** Device scope Flags (VT-d 3.4+, used by SIDP; formerly the low byte of a reserved u16). */
export const SCOPE_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'REQ_WO_PASID_NESTED_NOTALLOWED', label: 'Req w/o PASID Nested Not Allowed' },
  { bit: 1, name: 'REQ_WO_PASID_PWSNP_NOTALLOWED', label: 'Req w/o PASID PWSNP Not Allowed' },
  { bit: 2, name: 'REQ_WO_PASID_PGSNP_NOTALLOWED', label: 'Req w/o PASID PGSNP Not Allowed' },
  { bit: 3, name: 'ATC_HARDENED', label: 'ATC Hardened' },
  { bit: 4, name: 'ATC_REQUIRED', label: 'ATC Required' },
];

/** Device scope types; 0 and 6+ are reserved. */
export const DmarScopeType = {
  PCI_ENDPOINT: 1,
  PCI_SUB_HIERARCHY: 2,
  IOAPIC: 3,
  MSI_CAPABLE_HPET: 4,
  ACPI_NAMESPACE_DEVICE: 5,
} as const;

const scopeType = enumOf(u8, {
  0: 'Reserved value',
  [DmarScopeType.PCI_ENDPOINT]: 'PCI Endpoint Device',
  [DmarScopeType.PCI_SUB_HIERARCHY]: 'PCI Bridge Device',
  [DmarScopeType.IOAPIC]: 'IOAPIC Device',
  [DmarScopeType.MSI_CAPABLE_HPET]: 'Message-capable HPET Device',
  [DmarScopeType.ACPI_NAMESPACE_DEVICE]: 'Namespace Device',
}, 'Unknown Scope Type');

/** One hop of a scope path: (device, function) on the bus below the previous hop. */
const pciPath: StructSpec = struct({
  name: 'Path',
  typeName: 'DmarPciPath',
  members: [field('device', 'Device', u8), field('function', 'Function', u8)],
  line: {
    label: 'PCI Path',
    write: (m, out) => out.hex(m['device'] as number, 2).str(',').hex(m['function'] as number, 2),
  },
});

export const deviceScope: StructSpec = struct({
  name: 'DeviceScope',
  typeName: 'DmarDeviceScope',
  blankAfter: true,
  members: [
    field('type', 'Device Scope Type', scopeType),
    lengthField('Entry Length', u8),
    field('flags', 'Flags', flags(u8, SCOPE_FLAG_BITS, { printBits: false })),
    reserved('Reserved', 1),
    field('enumerationId', 'Enumeration ID', u8),
    field('startBusNumber', 'PCI Bus Number', u8),
    // 2 bytes a hop; an odd byte is kept as trailing and reported.
    array('path', 'Path', pciPath),
  ],
});

/** Device scopes: the type byte is data (every type has the same layout), the length byte sizes each. */
const deviceScopes = union({
  name: 'DeviceScope',
  tag: { key: 'type', label: 'Device Scope Type', type: u8, offset: 0 },
  length: { label: 'Entry Length', type: u8, offset: 1 },
  fallback: deviceScope,
  unknownTitle: 'Reserved',
});

/** The common header of remapping structures: Type (u16), Length (u16). */
function remapping(name: string, typeName: string, tag: number, title: string, body: Member[]): StructSpec {
  const members: Member[] = [tagField('Subtable Type', u16le, tag, title), lengthField('Length', u16le)];
  // The body's first member opens a block (iasl's blank line after the header); no destructuring: it iterates.
  for (let i = 0; i < body.length; i++) members.push(i === 0 ? { ...body[0]!, block: true } : body[i]!);
  return struct({ name, typeName, tag, members });
}

const scopes = list('deviceScopes', 'Device Scope', deviceScopes);

export const drhd = remapping('DRHD', 'DmarDrhd', 0, 'Hardware Unit Definition', [
  field('flags', 'Flags', flags(u8, DRHD_FLAG_BITS, { printBits: false })),
  field('size', 'Size (decoded below)', flags(u8, DRHD_SIZE_BITS)),
  field('segmentNumber', 'PCI Segment Number', u16le),
  field('registerBaseAddress', 'Register Base Address', u64le),
  scopes,
]);

export const rmrr = remapping('RMRR', 'DmarRmrr', 1, 'Reserved Memory Region', [
  reserved('Reserved', 2),
  field('segmentNumber', 'PCI Segment Number', u16le),
  field('baseAddress', 'Base Address', u64le),
  // Inclusive: the last byte of the region.
  field('limitAddress', 'End Address (limit)', u64le),
  scopes,
]);

/** ATSR and SATC share one layout: Flags, Reserved, Segment Number, device scopes; only the flag bits differ. */
function flagsSegmentScopes(bits: readonly FlagBit[]): Member[] {
  return [field('flags', 'Flags', flags(u8, bits, { printBits: false })), reserved('Reserved', 1), field('segmentNumber', 'PCI Segment Number', u16le), scopes];
}

export const atsr = remapping('ATSR', 'DmarAtsr', 2, 'Root Port ATS Capability', flagsSegmentScopes(ATSR_FLAG_BITS));

export const rhsa = remapping('RHSA', 'DmarRhsa', 3, 'Remapping Hardware Static Affinity', [
  reserved('Reserved', 4),
  field('registerBaseAddress', 'Base Address', u64le),
  field('proximityDomain', 'Proximity Domain', u32le),
]);

export const andd = remapping('ANDD', 'DmarAndd', 4, 'ACPI Namespace Device Declaration', [
  reserved('Reserved', 3),
  field('acpiDeviceNumber', 'Device Number', u8),
  // NUL-terminated full path (`\_SB.PCI0.I2C0`); bytes after the NUL (padding) are kept.
  cstring('acpiObjectName', 'Device Name'),
]);

export const satc = remapping('SATC', 'DmarSatc', 5, 'SoC Integrated Address Translation Cache', flagsSegmentScopes(SATC_FLAG_BITS));

export const sidp = remapping('SIDP', 'DmarSidp', 6, 'SoC Integrated Device Property', [
  reserved('Reserved', 2),
  field('segmentNumber', 'PCI Segment Number', u16le),
  scopes,
]);

/** Remapping structures; types 7+ are reserved and kept as raw bytes (Linux skips them too). */
export const remappingStructures = union({
  name: 'Subtable',
  tag: { key: 'type', label: 'Subtable Type', type: u16le, offset: 0 },
  length: { label: 'Length', type: u16le, offset: 2 },
  variants: [drhd, rmrr, atsr, rhsa, andd, satc, sidp],
  unknownTitle: 'Unknown Subtable Type',
  // iasl stops the subtables there; ridmap goes on, as Linux does.
  unknownNote: { header: 'before', text: (type) => `\n\n**** Unknown DMAR subtable type 0x${type.toString(16).toUpperCase()}\n` },
});

export const DMAR_DESCRIPTION = 'DMA Remapping Table';

export const dmarSpec: StructSpec = struct({
  name: 'DMAR',
  typeName: 'DmarTable',
  members: [
    ...acpiHeaderMembers(DMAR_DESCRIPTION),
    // N-1 where N is the maximum DMA physical address width.
    field('hostAddressWidth', 'Host Address Width', u8, { block: true }),
    field('flags', 'Flags', flags(u8, DMAR_FLAG_BITS, { printBits: false })),
    reserved('Reserved', 10, 'bytes'),
    list('remappingStructures', 'Remapping Structures', remappingStructures),
  ],
});
