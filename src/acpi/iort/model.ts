/**
 * The IORT model as spec.ts declares it (types, not interfaces, so that the
 * codec's Model converts to them): names from DEN 0049 (IortItsGroup, IortNamedComponent,
 * IortRootComplex, IortSmmu for SMMUv1/v2, IortSmmuV3, IortPmcg, IortRmr,
 * IortIwb, IortIdMapping), keys from its field names in camelCase.
 *
 * What the bytes derive is not here (DESIGN practice 2): node Type numbers,
 * lengths, counts and offsets are computed on encode, and a node
 * reference names a node by its index in `nodes` rather than by an offset.
 * What encode could not reproduce by itself is kept: non-zero reserved
 * bytes, padding and unused space (`layout`, `trailing`), and a reference
 * that points at no node start (as its offset, with a diagnostic).
 */
import type { Model, PlacedLayout } from '../../codec/index.js';
import type { AcpiHeader } from '../header.js';

/** A node of the same table, by index in `nodes`; or, dangling, the offset as read. */
export type IortNodeRef = { node: number } | { offset: number };

export type IortIdMapping = {
  inputBase: number;
  /** The number of IDs in the range minus one, as on disk (0 = one ID). */
  numberOfIds: number;
  outputBase: number;
  outputReference: IortNodeRef;
  /** ID_MAPPING_FLAG_BITS: bit 0 single mapping (input IDs ignored; Output Base is the node's own ID). */
  flags: number;
};

/**
 * How a node's parts sat in its bytes, where that is not what encode would
 * do by itself (arrays back to back after the fixed fields, in the spec's
 * order, empty arrays at offset 0): order, gaps (padding, unused room) and
 * empty offsets, by array key. Absent for nodes laid out that way.
 */
export type IortLayout = PlacedLayout;

type IortNodeCommon = {
  revision: number;
  /** Unique node identifier since E.b; "Reserved" (normally 0) in table revision 0. */
  identifier: number;
  idMappings: IortIdMapping[];
  layout?: IortLayout;
  /** Bytes after the node's last part, inside its Length. */
  trailing?: Uint8Array;
};

export type IortMemoryAccessProperties = {
  /** 1: fully coherent. */
  cacheCoherency: number;
  /** ALLOCATION_HINT_BITS. */
  allocationHints: number;
  reserved?: Uint8Array;
  /** MEMORY_ACCESS_FLAG_BITS: CPM, DACS, CANWBS. */
  memoryAccessFlags: number;
};

export type IortItsGroup = IortNodeCommon & {
  type: 'ItsGroup';
  /** GIC ITS identifiers (MADT GIC ITS structures). */
  itsIdentifiers: number[];
};

export type IortNamedComponent = IortNodeCommon & {
  type: 'NamedComponent';
  /** NAMED_COMPONENT_FLAG_BITS: stall supported, PASID bits. */
  nodeFlags: number;
  memoryProperties: IortMemoryAccessProperties;
  /** Device memory address size limit, in bits. */
  memoryAddressLimit: number;
  /** Full ACPI path of the device (`\_SB_.ETH0`), without its NUL. */
  deviceName: string;
};

export type IortRootComplex = IortNodeCommon & {
  type: 'RootComplex';
  memoryProperties: IortMemoryAccessProperties;
  /** ATS_ATTRIBUTE_BITS: ATS, PRI, PASID forwarding. */
  atsAttribute: number;
  pciSegmentNumber: number;
  /** Issue D (node revision 1) on: present when the node has room for it. */
  memoryAddressSizeLimit?: number;
  /** E.d (node revision 4): bits 4:0 max PASID width. */
  pasidCapabilities?: number;
  reserved?: Uint8Array;
  flags?: number;
};

export type IortSmmuGlobalInterrupts = {
  nsgIrpt: number;
  /** INTERRUPT_FLAG_BITS: bit 0 edge triggered. */
  nsgIrptFlags: number;
  nsgCfgIrpt: number;
  nsgCfgIrptFlags: number;
};

export type IortSmmuInterrupt = {
  gsiv: number;
  /** INTERRUPT_FLAG_BITS: bit 0 edge triggered. */
  flags: number;
};

/** SMMUv1 or SMMUv2 (MMU-400/401/500, ThunderX). */
export type IortSmmu = IortNodeCommon & {
  type: 'Smmu';
  baseAddress: bigint;
  span: bigint;
  /** 0 generic SMMUv1, 1 generic SMMUv2, 2 MMU-400, 3 MMU-500, 4 MMU-401, 5 Cavium ThunderX. */
  model: number;
  /** SMMU_FLAG_BITS: DVM, coherent walk. */
  flags: number;
  /** Absent when the node's Global Interrupt Offset is 0. */
  globalInterrupts?: IortSmmuGlobalInterrupts;
  contextInterrupts: IortSmmuInterrupt[];
  pmuInterrupts: IortSmmuInterrupt[];
};

export type IortSmmuV3 = IortNodeCommon & {
  type: 'SmmuV3';
  baseAddress: bigint;
  /** SMMU_V3_FLAG_BITS: COHACC, HTTU, proximity domain valid, DeviceID valid. */
  flags: number;
  reserved?: Uint8Array;
  vatosAddress: bigint;
  /** 0 generic, 1 HiSilicon Hi161x, 2 Cavium CN99xx. */
  model: number;
  eventGsiv: number;
  priGsiv: number;
  gerrGsiv: number;
  syncGsiv: number;
  /** Issue C on (a 68-byte node); absent in the 60-byte form. */
  proximityDomain?: number;
  /** Index of the ID mapping that gives the SMMU's own MSI DeviceID. */
  deviceIdMappingIndex?: number;
};

/** Performance monitoring counter group (issue C on). */
export type IortPmcg = IortNodeCommon & {
  type: 'Pmcg';
  page0BaseAddress: bigint;
  /** 0: the overflow interrupt is an MSI, through ID mapping 0. */
  overflowInterruptGsiv: number;
  /** The SMMUv3, named component or root complex the counters belong to. */
  nodeReference: IortNodeRef;
  /** Issue D (node revision 1): present when the node has room for it. */
  page1BaseAddress?: bigint;
};

export type IortRmrMemoryRange = {
  baseAddress: bigint;
  length: bigint;
  reserved?: Uint8Array;
};

/** Reserved memory range node (E.b on): memory the stream IDs of its mappings use before the OS takes over. */
export type IortRmr = IortNodeCommon & {
  type: 'Rmr';
  /** RMR_FLAG_BITS; absent in node revision 0 (issue E), which had none. */
  flags?: number;
  memoryRanges: IortRmrMemoryRange[];
};

/** Interrupt wire bridge (E.g). */
export type IortIwb = IortNodeCommon & {
  type: 'Iwb';
  configFrameBase: bigint;
  iwbIndex: number;
  deviceName: string;
};

/**
 * A node ridmap cannot decode: a reserved type, or one too short or laid out
 * impossibly for its type. Kept as the bytes after Type, Length and Revision.
 */
export type IortUnknownNode = {
  type: number;
  revision: number;
  raw: Uint8Array;
};

export type IortNode =
  | IortItsGroup
  | IortNamedComponent
  | IortRootComplex
  | IortSmmu
  | IortSmmuV3
  | IortPmcg
  | IortRmr
  | IortIwb;

export type IortNodeName = IortNode['type'];

export type IortTable = AcpiHeader & {
  reserved?: Uint8Array;
  /** Bytes between the 48-byte header and the first node ("optional padding"). */
  padding?: Uint8Array;
  nodes: (IortNode | IortUnknownNode)[];
  /** Bytes after the last counted node, inside the table's Length. */
  trailing?: Uint8Array;
};

export function isKnownNode(n: IortNode | IortUnknownNode): n is IortNode {
  return typeof n.type === 'string';
}

/** The decoded model as the IORT's type: the declaration (spec.ts) decodes to exactly this shape. */
export function iortTable(model: Model): IortTable {
  // A table cut short inside its header has no node list: it has no nodes.
  if (Array.isArray(model['nodes'])) return model as IortTable;
  const nodes: Model['nodes'] = [];
  return { ...model, nodes } as IortTable;
}

/** The IORT as the codec's model, to encode or print. */
export function iortModel(table: IortTable): Model {
  return table as Model;
}
