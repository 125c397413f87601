/**
 * IORT, the Arm IO Remapping Table (DEN 0049), declared once: this one
 * declaration drives decode, encode, text and JSON through the codec. Labels,
 * the flag bits printed and the order of a node's parts are iasl 20260408's,
 * so that our text is `iasl -d`'s line for line; the root complex Flags word
 * (E.d, after Reserved), which iasl does not print, is labelled as the spec.
 * Where iasl's text is wrong ridmap's is not: test/acpi/iort-iasl-differences.ts.
 *
 * Nodes are walked as Linux walks them: Node Count nodes from Node Offset,
 * each Length after the one before. A node's parts (ID mappings, SMMU
 * interrupts, RMR descriptors) sit where their offset and count fields say;
 * fields of newer node revisions are read while there is room before them.
 * Counts, offsets and lengths are derived (never model input); Output
 * Reference and PMCG Node Reference are references to nodes, `{node: i}`.
 */
import {
  array,
  BinCode,
  countField,
  cstring,
  field,
  flags,
  group,
  lengthField,
  offsetField,
  referenceField,
  reserved,
  struct,
  u16le,
  u32le,
  u64le,
  u8,
  union,
  type FlagBit,
  type Member,
  type StructSpec,
} from '../../codec/index.js';
import { acpiHeaderMembers, nodeArrayMembers } from '../header.js';
import { IortCode } from './codes.js';
import { once } from '../../once.js';

export const IORT_DESCRIPTION = 'IO Remapping Table';
/** Linux stops at a node shorter than the node header. */
export const NODE_HEADER_SIZE = 16;

export const ID_MAPPING_FLAG_BITS: readonly FlagBit[] = [{ bit: 0, name: 'SINGLE_MAPPING', label: 'Single Mapping' }];
export const SINGLE_MAPPING = 1;

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
  // E.f (2024): the device's writes are cacheable and write-back shareable (CANWBS); iasl's label.
  { bit: 2, name: 'CANWBS', label: 'Ensured Coherency of Accesses' },
];

export const NAMED_COMPONENT_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'STALL_SUPPORTED', label: 'Stall Supported' },
  // Issue D: SubstreamID (PASID) width the component supports.
  { bit: 1, width: 5, name: 'PASID_BITS', label: 'PASID Bits' },
];

export const ATS_ATTRIBUTE_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'ATS_SUPPORTED', label: 'ATS Supported' },
  { bit: 1, name: 'PRI_SUPPORTED', label: 'PRI Supported' },
  { bit: 2, name: 'PASID_FWD_SUPPORTED', label: 'PASID Forwarding Supported' },
];

export const PASID_CAPABILITY_BITS: readonly FlagBit[] = [{ bit: 0, width: 5, name: 'PASID_MAX_WIDTH', label: 'Max PASID Width' }];

export const SMMU_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'DVM', label: 'DVM Supported' },
  { bit: 1, name: 'COHERENT_WALK', label: 'Coherent Walk' },
];

export const INTERRUPT_FLAG_BITS: readonly FlagBit[] = [{ bit: 0, name: 'EDGE', label: 'Edge Triggered' }];

export const SMMU_V3_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'COHACC_OVERRIDE', label: 'COHACC Override' },
  // 0 none, 1 access flag, 2 access and dirty flags.
  { bit: 1, width: 2, name: 'HTTU_OVERRIDE', label: 'HTTU Override' },
  { bit: 3, name: 'PROXIMITY_DOMAIN_VALID', label: 'Proximity Domain Valid' },
  // E.e: the DeviceID mapping index is valid whatever the GSIVs say.
  { bit: 4, name: 'DEVICEID_VALID', label: 'DeviceID Valid' },
];

export const RMR_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'REMAP_PERMITTED', label: 'Remapping Permitted' },
  { bit: 1, name: 'ACCESS_PRIVILEGED', label: 'Access Privileged' },
  // 0-3 Device nGnRnE, nGnRE, nGRE, GRE; 4 normal non-cacheable; 5 normal write-back inner-shareable.
  { bit: 2, width: 8, name: 'ACCESS_ATTRIBUTES', label: 'Access Attributes' },
];

/** Titles as iasl and the spec name the node types. */
export const NODE_TITLES: Readonly<Record<string, string>> = {
  ItsGroup: 'ITS Group', NamedComponent: 'Named Component', RootComplex: 'Root Complex', Smmu: 'SMMUv1/v2',
  SmmuV3: 'SMMUv3', Pmcg: 'PMCG', Rmr: 'RMR', Iwb: 'IWB',
};

/**
 * Every structure of the IORT, built on first use rather than when the
 * module loads: ridmap loads every table's module (the registry names them
 * all), and a run that reads no IORT need not pay for building its
 * declarations. Still one declaration per structure: built once.
 */
function declare() {
  /**
   * The node header. Bytes 4-7 are "Reserved" in table revision 0 (issue D and
   * before) and the node Identifier since E.b (table revision 3); the model
   * calls them `identifier` either way, the text says what the revision means.
   */
  const nodeHeader: readonly Member[] = [
    // A tag like any union's, printed as a plain number as iasl does.
    { kind: 'field', key: 'type', label: 'Type', type: u8, role: 'tag' },
    lengthField('Length', u16le),
    field('revision', 'Revision', u8),
    field('identifier', 'Identifier', u32le, { labelIf: { rootKey: 'revision', equals: 0, label: 'Reserved' } }),
    countField('Mapping Count', u32le, 'idMappings', 'mappingCount'),
    offsetField('Mapping Offset', u32le, 'idMappings', 'mappingOffset'),
  ];

  /** One ID mapping: input IDs [base, base + Number of IDs] go to the node at Output Reference. */
  const idMapping: StructSpec = struct({
    name: 'IdMapping',
    typeName: 'IortIdMapping',
    members: [
      field('inputBase', 'Input base', u32le),
      // The number of IDs in the range minus one (0 = one ID).
      field('numberOfIds', 'ID Count', u32le),
      field('outputBase', 'Output Base', u32le),
      // An offset from the start of the table; the model holds the node instead. Quiet: one that names no
      // node start is kept as {offset: n} and reported by the table's check (iort-dangling-reference), which
      // decode shows without failing, as Linux reads such a table.
      referenceField('Output Reference', u32le, 'nodes', 'outputReference', { quiet: true }),
      field('flags', 'Flags (decoded below)', flags(u32le, ID_MAPPING_FLAG_BITS)),
    ],
  });

  const memoryAccessProperties: StructSpec = struct({
    name: 'MemoryProperties',
    typeName: 'IortMemoryAccessProperties',
    members: [
      field('cacheCoherency', 'Cache Coherency', u32le),
      field('allocationHints', 'Hints (decoded below)', flags(u8, ALLOCATION_HINT_BITS)),
      reserved('Reserved', 2),
      field('memoryAccessFlags', 'Memory Flags (decoded below)', flags(u8, MEMORY_ACCESS_FLAG_BITS)),
    ],
  });

  /** Every node's ID mappings, where Mapping Offset says; iasl puts a blank line before each. */
  const idMappings = array('idMappings', 'ID mappings', idMapping, { countKey: 'mappingCount' }, { offsetKey: 'mappingOffset' });

  /** The first field after the node header starts a block of its own in text. */
  const first = <M extends Member>(m: M): M => ({ ...m, block: true });

  /**
   * A node type: the header, its own members, then its ID mappings. Text
   * prints the node's own parts before its ID mappings, as iasl does, wherever
   * the bytes put them (encode puts RMR descriptors after the mappings).
   */
  function node(type: number, name: string, members: readonly Member[],
    opts: { after?: readonly Member[]; byField?: StructSpec['byField']; trailingLabel?: string } = {}): StructSpec {
    const after = opts.after ?? [];
    return struct({
      name,
      typeName: `Iort${name}`,
      tag: type,
      trailingLabel: opts.trailingLabel ?? 'Unused Bytes',
      members: [...nodeHeader, ...members, idMappings, ...after],
      ...(after.length ? { textOrder: after.map((m) => m.key) } : {}),
      ...(opts.byField ? { byField: opts.byField } : {}),
    });
  }

  const memoryProperties = (block: boolean): Member =>
    group('memoryProperties', 'Memory Properties', memoryAccessProperties, { heading: '[IORT Memory Access Properties]', block });

  /** NUL-terminated full ACPI path (`\_SB_.ETH0`); what follows the NUL is padding before the mappings. */
  const deviceName = cstring('deviceName', 'Device Name');

  const itsIdentifier: StructSpec = struct({
    name: 'ItsIdentifier',
    typeName: 'IortItsIdentifier',
    members: [field('identifier', 'Identifiers', u32le)],
  });

  const itsGroup = node(0, 'ItsGroup', [
    first(countField('ItsCount', u32le, 'itsIdentifiers', 'itsCount')),
    // Right after the count; the model holds the identifiers as numbers.
    array('itsIdentifiers', 'ITS identifiers', itsIdentifier, { countKey: 'itsCount' }, { scalar: 'identifier', compact: true }),
  ]);

  /**
   * The bytes between the name's NUL and the ID mappings are Padding; so are
   * bytes after the last part (no mappings, or mapping slots left unused), as
   * iasl calls what follows the name.
   */
  const namedComponent = node(1, 'NamedComponent', [
    // iasl prints the node flags as a plain value; the bits stay named for JSON and the checks.
    first(field('nodeFlags', 'Node Flags', flags(u32le, NAMED_COMPONENT_FLAG_BITS, { printBits: false }))),
    memoryProperties(false),
    field('memoryAddressLimit', 'Memory Size Limit', u8),
    deviceName,
  ], { trailingLabel: 'Padding' });

  const rootComplex = node(2, 'RootComplex', [
    memoryProperties(true),
    // Plain values in iasl's text, as Node Flags above.
    field('atsAttribute', 'ATS Attribute', flags(u32le, ATS_ATTRIBUTE_BITS, { printBits: false })),
    field('pciSegmentNumber', 'PCI Segment Number', u32le),
    // Later node revisions add these after the segment number: Memory address
    // size limit (issue D, node revision 1), PASID capabilities (E.d, revision
    // 4) and Flags. Each is read when the node has room for it before its ID
    // mappings; older nodes simply end earlier.
    field('memoryAddressSizeLimit', 'Memory Size Limit', u8, { optional: true }),
    field('pasidCapabilities', 'PASID Capabilities', flags(u16le, PASID_CAPABILITY_BITS, { printBits: false }), { optional: true }),
    { ...reserved('Reserved', 1), optional: true },
    // Defined by EDK2's E.d/E.e structure; no bit has a meaning ridmap knows.
    field('flags', 'Flags', u32le, { optional: true }),
  ]);

  /** SMMUv1/v2 global interrupts: the non-secure global and configuration-access interrupts. */
  const smmuGlobalInterrupts: StructSpec = struct({
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

  const contextInterrupt = smmuInterrupt('ContextInterrupt', 'Context Interrupt');

  const pmuInterrupt = smmuInterrupt('PmuInterrupt', 'PMU Interrupt');

  const smmu = node(3, 'Smmu', [
    first(field('baseAddress', 'Base Address', u64le)),
    field('span', 'Span', u64le),
    // 0 generic SMMUv1, 1 generic SMMUv2, 2 MMU-400, 3 MMU-500, 4 MMU-401, 5 Cavium ThunderX; printed plain as iasl does.
    field('model', 'Model', u32le),
    field('flags', 'Flags (decoded below)', flags(u32le, SMMU_FLAG_BITS)),
    offsetField('Global Interrupt Offset', u32le, 'globalInterrupts', 'globalInterruptOffset'),
    countField('Context Interrupt Count', u32le, 'contextInterrupts', 'contextInterruptCount'),
    offsetField('Context Interrupt Offset', u32le, 'contextInterrupts', 'contextInterruptOffset'),
    countField('PMU Interrupt Count', u32le, 'pmuInterrupts', 'pmuInterruptCount'),
    offsetField('PMU Interrupt Offset', u32le, 'pmuInterrupts', 'pmuInterruptOffset'),
    // In the order encode places them, before the ID mappings.
    array('globalInterrupts', 'global interrupts', smmuGlobalInterrupts, 'one', { offsetKey: 'globalInterruptOffset' }),
    array('contextInterrupts', 'context interrupts', contextInterrupt, { countKey: 'contextInterruptCount' },
      { offsetKey: 'contextInterruptOffset', compact: true }),
    array('pmuInterrupts', 'PMU interrupts', pmuInterrupt, { countKey: 'pmuInterruptCount' }, { offsetKey: 'pmuInterruptOffset', compact: true }),
  ]);

  const smmuV3 = node(4, 'SmmuV3', [
    first(field('baseAddress', 'Base Address', u64le)),
    field('flags', 'Flags (decoded below)', flags(u32le, SMMU_V3_FLAG_BITS)),
    reserved('Reserved', 4),
    field('vatosAddress', 'VATOS Address', u64le),
    // 0 generic, 1 HiSilicon Hi161x, 2 Cavium CN99xx.
    field('model', 'Model', u32le),
    field('eventGsiv', 'Event GSIV', u32le),
    field('priGsiv', 'PRI GSIV', u32le),
    field('gerrGsiv', 'GERR GSIV', u32le),
    field('syncGsiv', 'Sync GSIV', u32le),
    // Issue C+ (60 -> 68 bytes): the proximity domain (a byte plus 3 reserved
    // in C, a u32 since D: the same bytes when the reserved ones are zero) and
    // the index of the mapping that gives the SMMU's own DeviceID.
    field('proximityDomain', 'Proximity Domain', u32le, { optional: true }),
    field('deviceIdMappingIndex', 'Device ID Mapping Index', u32le, { optional: true }),
  ]);

  const pmcg = node(5, 'Pmcg', [
    first(field('page0BaseAddress', 'Page 0 Base Address', u64le)),
    field('overflowInterruptGsiv', 'Overflow Interrupt GSIV', u32le),
    // An offset from the start of the table; the model holds the node instead.
    referenceField('Node Reference', u32le, 'nodes', 'nodeReference', { quiet: true }),
    // Issue D, node revision 1 (32 -> 40 bytes).
    field('page1BaseAddress', 'Page 1 Base Address', u64le, { optional: true }),
  ]);

  /** A reserved memory range: base and length, both 64 KiB aligned. */
  const rmrMemoryRange: StructSpec = struct({
    name: 'MemoryRange',
    typeName: 'IortRmrMemoryRange',
    members: [
      field('baseAddress', 'Base Address of RMR', u64le),
      field('length', 'Length of RMR', u64le),
      reserved('Reserved', 4),
    ],
  });

  /** RMR node revision 1+ (E.b) has Flags before the descriptor count and offset; revision 0 (issue E) had none. */
  function rmr(flagsField: boolean): StructSpec {
    const counts = [
      countField('Number of RMR Descriptors', u32le, 'memoryRanges', 'rmrCount'),
      offsetField('RMR Descriptor Offset', u32le, 'memoryRanges', 'rmrOffset'),
    ];
    return node(6, 'Rmr', flagsField ? [first(field('flags', 'Flags (decoded below)', flags(u32le, RMR_FLAG_BITS))), ...counts] : [first(counts[0]!), counts[1]!], {
      // Encode places the descriptors after the ID mappings; iasl puts a blank line before each.
      after: [array('memoryRanges', 'memory range descriptors', rmrMemoryRange, { countKey: 'rmrCount' }, { offsetKey: 'rmrOffset' })],
      byField: { key: 'revision', offset: 3, type: u8, pick: (revision) => (revision === 0 ? rmrRevision0 : rmrNode) },
    });
  }

  const rmrRevision0 = rmr(false);

  const rmrNode = rmr(true);

  /** IWB, the interrupt wire bridge of GICv5 (issue E.g); labels as iasl 20260408's (20250404 does not know the node). */
  const iwb = node(7, 'Iwb', [
    first(field('configFrameBase', 'Config Frame base', u64le)),
    field('iwbIndex', 'IWB Index', u16le),
    cstring('deviceName', 'IWB Device Name'),
  ]);

  const IORT_NODE_SPECS: readonly StructSpec[] = [itsGroup, namedComponent, rootComplex, smmu, smmuV3, pmcg, rmrNode, iwb];

  const nodes = union({
    name: 'Node',
    tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u16le, offset: 1 },
    variants: IORT_NODE_SPECS,
    unknownTitle: 'Reserved',
    headerSize: NODE_HEADER_SIZE,
    rawMembers: [field('revision', 'Revision', u8)],
  });

  const iortSpec: StructSpec = struct({
    name: 'IORT',
    typeName: 'IortTable',
    members: [
      ...acpiHeaderMembers(IORT_DESCRIPTION),
      ...nodeArrayMembers({
        count: { label: 'Node Count', type: u32le },
        offset: { label: 'Node Offset', type: u32le },
        reserved: { size: 4 },
        nodes,
        paddingLabel: 'Optional Padding',
      }),
    ],
    // What the engine finds, in IORT's own terms (the check ids of iort-checks.ts among them).
    codes: {
      [BinCode.offsetOutside]: IortCode.nodeOffset,
      [BinCode.countShort]: IortCode.nodeCount,
      [BinCode.afterItems]: IortCode.bytesAfterNodes,
      [BinCode.zeroLength]: IortCode.nodeZeroLength,
      [BinCode.lengthShort]: IortCode.nodeShort,
      [BinCode.lengthOverrun]: IortCode.nodeBeyondTable,
      [BinCode.unknownType]: IortCode.unknownNodeType,
      [BinCode.partOutside]: IortCode.arrayOutsideNode,
      [BinCode.partOverlap]: IortCode.arrayOverlap,
      [BinCode.unterminatedString]: IortCode.nameUnterminated,
      // Unused mapping slots and the like: common, harmless.
      [BinCode.trailingBytes]: { code: IortCode.nodeUnusedBytes, severity: 'info' },
    },
  });
  return {
    idMapping, memoryAccessProperties, itsIdentifier, itsGroup, namedComponent, rootComplex, smmuGlobalInterrupts,
    contextInterrupt, pmuInterrupt, smmu, smmuV3, pmcg, rmrMemoryRange, rmrNode, iwb, IORT_NODE_SPECS, nodes,
    iortSpec,
  };
}

/** The IORT's structure declarations (built on the first call). */
export const iortDeclarations: () => ReturnType<typeof declare> = once(declare);

/** The IORT table's declaration. */
export const iortSpec = (): StructSpec => iortDeclarations().iortSpec;
