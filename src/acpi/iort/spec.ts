/**
 * IORT, the Arm IO Remapping Table (DEN 0049), declared once: every on-disk
 * structure is a codec declaration here, and node-kinds.ts says where each
 * node type keeps its parts. Labels are iasl's, so that our text lines up
 * with `iasl -d`; where the spec has grown past what iasl prints (RC PASID
 * capabilities and Flags, SMMUv3 DeviceID valid, IWB) the label follows the
 * spec.
 *
 * Counts, offsets, lengths and node references appear here as plain fields:
 * they are what the bytes hold. The IORT model (model.ts) has none of them;
 * the layout pass (layout.ts) computes them and the reader checks them.
 */
import {
  cstring,
  field,
  flags,
  reserved,
  struct,
  u16le,
  u32le,
  u64le,
  u8,
  type FieldMember,
  type FlagBit,
  type StructSpec,
} from '../../codec/index.js';
import { acpiHeaderMembers } from '../header.js';

export const IORT_DESCRIPTION = 'IO Remapping Table';
export const IORT_HEADER_SIZE = 48;
export const NODE_HEADER_SIZE = 16;

/** The table header: the ACPI header, then where the nodes are. */
export const tableHeader: StructSpec = struct({
  name: 'IORT',
  typeName: 'IortTable',
  members: [
    ...acpiHeaderMembers(IORT_DESCRIPTION),
    field('nodeCount', 'Node Count', u32le, { block: true }),
    field('nodeOffset', 'Node Offset', u32le),
    reserved('Reserved', 4),
  ],
});

/**
 * The node header. Bytes 4-7 are "Reserved" in table revision 0 (issue D and
 * before) and the node Identifier since E.b (table revision 3); the model
 * calls them `identifier` either way, the text says what the revision means.
 */
function nodeHeader(identifierLabel: string): StructSpec {
  return struct({
    name: 'Node',
    typeName: 'IortNodeHeader',
    members: [
      field('type', 'Type', u8),
      field('length', 'Length', u16le),
      field('revision', 'Revision', u8),
      field('identifier', identifierLabel, u32le),
      field('mappingCount', 'Mapping Count', u32le),
      field('mappingOffset', 'Mapping Offset', u32le),
    ],
  });
}

const headerWithReserved = nodeHeader('Reserved');
const headerWithIdentifier = nodeHeader('Identifier');

export function nodeHeaderFor(tableRevision: number): StructSpec {
  return tableRevision === 0 ? headerWithReserved : headerWithIdentifier;
}

export const ID_MAPPING_FLAG_BITS: readonly FlagBit[] = [{ bit: 0, name: 'SINGLE_MAPPING', label: 'Single Mapping' }];
export const SINGLE_MAPPING = 1;

/** One ID mapping: input IDs [base, base + Number of IDs] go to the node at Output Reference. */
export const idMapping: StructSpec = struct({
  name: 'IdMapping',
  typeName: 'IortIdMapping',
  members: [
    field('inputBase', 'Input base', u32le),
    // The number of IDs in the range minus one (0 = one ID).
    field('numberOfIds', 'ID Count', u32le),
    field('outputBase', 'Output Base', u32le),
    // An offset from the start of the table; the model holds the node instead.
    field('outputReference', 'Output Reference', u32le),
    field('flags', 'Flags (decoded below)', flags(u32le, ID_MAPPING_FLAG_BITS)),
  ],
});

// ---------------------------------------------------------------------------
// Memory access properties (named component and root complex)

export const ALLOCATION_HINT_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'TR', label: 'Transient' },
  { bit: 1, name: 'WA', label: 'Write Allocate' },
  { bit: 2, name: 'RA', label: 'Read Allocate' },
  { bit: 3, name: 'AHO', label: 'Override' },
];

export const MEMORY_ACCESS_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'CPM', label: 'Coherency' },
  { bit: 1, name: 'DACS', label: 'Device Attribute' },
  // E.f (2024): the device's writes are cacheable and write-back shareable.
  { bit: 2, name: 'CANWBS', label: 'Cacheable And Write-Back Shareable' },
];

export const memoryAccessProperties: StructSpec = struct({
  name: 'MemoryProperties',
  typeName: 'IortMemoryAccessProperties',
  members: [
    field('cacheCoherency', 'Cache Coherency', u32le),
    field('allocationHints', 'Hints (decoded below)', flags(u8, ALLOCATION_HINT_BITS)),
    reserved('Reserved', 2),
    field('memoryAccessFlags', 'Memory Flags (decoded below)', flags(u8, MEMORY_ACCESS_FLAG_BITS)),
  ],
});

// ---------------------------------------------------------------------------
// Node bodies (after the 16-byte header)

const body = (name: string, members: FieldMember[]): StructSpec => struct({ name, typeName: `Iort${name}`, members });

export const itsGroupBody = body('ItsGroup', [field('itsCount', 'ItsCount', u32le)]);

export const itsIdentifier: StructSpec = struct({
  name: 'ItsIdentifier',
  typeName: 'IortItsIdentifier',
  members: [field('identifier', 'Identifiers', u32le)],
});

export const NAMED_COMPONENT_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'STALL_SUPPORTED', label: 'Stall Supported' },
  // Issue D: SubstreamID (PASID) width the component supports.
  { bit: 1, width: 5, name: 'PASID_BITS', label: 'PASID Bits' },
];

export const namedComponentFlags = body('NamedComponent', [field('nodeFlags', 'Node Flags', flags(u32le, NAMED_COMPONENT_FLAG_BITS))]);
export const namedComponentLimit = body('NamedComponentLimit', [field('memoryAddressLimit', 'Memory Size Limit', u8)]);

/** NUL-terminated full ACPI path (`\_SB_.ETH0`); read to its NUL, padding kept apart. */
export const deviceName: StructSpec = struct({ name: 'DeviceName', typeName: 'IortDeviceName', members: [cstring('deviceName', 'Device Name')] });

export const ATS_ATTRIBUTE_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'ATS_SUPPORTED', label: 'ATS Supported' },
  { bit: 1, name: 'PRI_SUPPORTED', label: 'PRI Supported' },
  { bit: 2, name: 'PASID_FWD_SUPPORTED', label: 'PASID Forwarding Supported' },
];

export const rootComplexBody = body('RootComplex', [
  field('atsAttribute', 'ATS Attribute', flags(u32le, ATS_ATTRIBUTE_BITS)),
  field('pciSegmentNumber', 'PCI Segment Number', u32le),
]);

export const PASID_CAPABILITY_BITS: readonly FlagBit[] = [{ bit: 0, width: 5, name: 'PASID_MAX_WIDTH', label: 'Max PASID Width' }];

/**
 * Root complex fields later node revisions add after the segment number:
 * Memory address size limit (issue D, node revision 1), PASID capabilities
 * (E.d, revision 4) and Flags. Each is read when the node has room for it
 * before its ID mappings; older nodes simply end earlier.
 */
export const rootComplexExtension: readonly FieldMember[] = [
  field('memoryAddressSizeLimit', 'Memory Size Limit', u8),
  field('pasidCapabilities', 'PASID Capabilities', flags(u16le, PASID_CAPABILITY_BITS)),
  reserved('Reserved', 1),
  // Defined by EDK2's E.d/E.e structure; no bit has a meaning ridmap knows.
  field('flags', 'Flags', u32le),
];

export const SMMU_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'DVM', label: 'DVM Supported' },
  { bit: 1, name: 'COHERENT_WALK', label: 'Coherent Walk' },
];

export const smmuBody = body('Smmu', [
  field('baseAddress', 'Base Address', u64le),
  field('span', 'Span', u64le),
  // 0 generic SMMUv1, 1 generic SMMUv2, 2 MMU-400, 3 MMU-500, 4 MMU-401, 5 Cavium ThunderX; printed plain as iasl does.
  field('model', 'Model', u32le),
  field('flags', 'Flags (decoded below)', flags(u32le, SMMU_FLAG_BITS)),
  field('globalInterruptOffset', 'Global Interrupt Offset', u32le),
  field('contextInterruptCount', 'Context Interrupt Count', u32le),
  field('contextInterruptOffset', 'Context Interrupt Offset', u32le),
  field('pmuInterruptCount', 'PMU Interrupt Count', u32le),
  field('pmuInterruptOffset', 'PMU Interrupt Offset', u32le),
]);

export const INTERRUPT_FLAG_BITS: readonly FlagBit[] = [{ bit: 0, name: 'EDGE', label: 'Edge Triggered' }];

/** SMMUv1/v2 global interrupts: the non-secure global and configuration-access interrupts. */
export const smmuGlobalInterrupts: StructSpec = struct({
  name: 'GlobalInterrupts',
  typeName: 'IortSmmuGlobalInterrupts',
  members: [
    field('nsgIrpt', 'NSgIrpt', u32le),
    field('nsgIrptFlags', 'NSgIrpt Flags (decoded below)', flags(u32le, INTERRUPT_FLAG_BITS)),
    field('nsgCfgIrpt', 'NSgCfgIrpt', u32le),
    field('nsgCfgIrptFlags', 'NSgCfgIrpt Flags (decoded below)', flags(u32le, INTERRUPT_FLAG_BITS)),
  ],
});

/**
 * A context or PMU interrupt: GSIV then flags. iasl (and Linux) read the pair
 * as one 64-bit value, so it is printed that way, on one line.
 */
function smmuInterrupt(name: string, label: string): StructSpec {
  return struct({
    name,
    typeName: 'IortSmmuInterrupt',
    members: [field('gsiv', 'GSIV', u32le), field('flags', 'Flags', flags(u32le, INTERRUPT_FLAG_BITS))],
    line: { label, write: (m, out) => out.hex(m['flags'] as number, 8).hex(m['gsiv'] as number, 8) },
  });
}

export const contextInterrupt = smmuInterrupt('ContextInterrupt', 'Context Interrupt');
export const pmuInterrupt = smmuInterrupt('PmuInterrupt', 'PMU Interrupt');

export const SMMU_V3_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'COHACC_OVERRIDE', label: 'COHACC Override' },
  // 0 none, 1 access flag, 2 access and dirty flags.
  { bit: 1, width: 2, name: 'HTTU_OVERRIDE', label: 'HTTU Override' },
  { bit: 3, name: 'PROXIMITY_DOMAIN_VALID', label: 'Proximity Domain Valid' },
  // E.e: the DeviceID mapping index is valid whatever the GSIVs say.
  { bit: 4, name: 'DEVICEID_VALID', label: 'DeviceID Valid' },
];

export const smmuV3Body = body('SmmuV3', [
  field('baseAddress', 'Base Address', u64le),
  field('flags', 'Flags (decoded below)', flags(u32le, SMMU_V3_FLAG_BITS)),
  reserved('Reserved', 4),
  field('vatosAddress', 'VATOS Address', u64le),
  // 0 generic, 1 HiSilicon Hi161x, 2 Cavium CN99xx.
  field('model', 'Model', u32le),
  field('eventGsiv', 'Event GSIV', u32le),
  field('priGsiv', 'PRI GSIV', u32le),
  field('gerrGsiv', 'GERR GSIV', u32le),
  field('syncGsiv', 'Sync GSIV', u32le),
]);

/**
 * SMMUv3 fields of issue C+ (60 → 68 bytes): the proximity domain (a byte
 * plus 3 reserved in C, a u32 since D: the same bytes when the reserved ones
 * are zero) and the index of the mapping that gives the SMMU's own DeviceID.
 */
export const smmuV3Extension: readonly FieldMember[] = [
  field('proximityDomain', 'Proximity Domain', u32le),
  field('deviceIdMappingIndex', 'Device ID Mapping Index', u32le),
];

export const pmcgBody = body('Pmcg', [
  field('page0BaseAddress', 'Page 0 Base Address', u64le),
  field('overflowInterruptGsiv', 'Overflow Interrupt GSIV', u32le),
  // An offset from the start of the table; the model holds the node instead.
  field('nodeReference', 'Node Reference', u32le),
]);

/** PMCG page 1 base: issue D, node revision 1 (32 → 40 bytes). */
export const pmcgExtension: readonly FieldMember[] = [field('page1BaseAddress', 'Page 1 Base Address', u64le)];

export const RMR_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'REMAP_PERMITTED', label: 'Remapping Permitted' },
  { bit: 1, name: 'ACCESS_PRIVILEGED', label: 'Access Privileged' },
  // 0-3 Device nGnRnE, nGnRE, nGRE, GRE; 4 normal non-cacheable; 5 normal write-back inner-shareable.
  { bit: 2, width: 8, name: 'ACCESS_ATTRIBUTES', label: 'Access Attributes' },
];

const rmrCounts: FieldMember[] = [
  field('rmrCount', 'Number of RMR Descriptors', u32le),
  field('rmrOffset', 'RMR Descriptor Offset', u32le),
];

/** RMR node revision 1+ (E.b): Flags, then the descriptor count and offset. */
export const rmrBody = body('Rmr', [field('flags', 'Flags (decoded below)', flags(u32le, RMR_FLAG_BITS)), ...rmrCounts]);
/** RMR node revision 0 (issue E, table revisions 1 and 2): no Flags. */
export const rmrBodyE = body('RmrE', rmrCounts);

/** A reserved memory range: base and length, both 64 KiB aligned. */
export const rmrMemoryRange: StructSpec = struct({
  name: 'MemoryRange',
  typeName: 'IortRmrMemoryRange',
  members: [
    field('baseAddress', 'Base Address of RMR', u64le),
    field('length', 'Length of RMR', u64le),
    reserved('Reserved', 4),
  ],
});

/** IWB, the interrupt wire bridge of GICv5 (issue E.g). */
export const iwbBody = body('Iwb', [
  field('configFrameBase', 'Base Address', u64le),
  field('iwbIndex', 'IWB Index', u16le),
]);
