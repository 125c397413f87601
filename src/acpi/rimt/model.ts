/**
 * The RIMT model: what the declaration in spec.ts decodes to and encodes
 * from. Names follow ACPICA's structures (acpi_rimt_iommu, ...); keys are the
 * declaration's. Derived fields are not here: each node's Type and Length,
 * the counts and offsets of the node list, interrupt wires and ID mappings,
 * and every Destination IOMMU Offset's byte offset are computed by encode.
 * What decode keeps so that encode gives the bytes back: reserved bytes that
 * are not zero, padding (`padding`, `layout`), bytes after a node's parts
 * (`trailing`), and a destination that is no node start (as its offset, with
 * a diagnostic). Type aliases, not interfaces, so that each is a codec Model
 * as it stands (test/acpi/rimt-model-types.test.ts holds them to the
 * declaration's keys).
 */
import type { Model, PlacedLayout } from '../../codec/index.js';
import type { AcpiHeader } from '../header.js';

/** A node of the same table, by index in `nodes`; or, dangling, the offset as read. */
export type RimtNodeRef = { node: number } | { offset: number };

type RimtNodeCommon = {
  revision: number;
  /** The header's 2 reserved bytes, when not zero. */
  headerReserved?: Uint8Array;
  /** Unique among the table's nodes. */
  id: number;
  /** How the node's placed parts sat, where that is not what encode does unasked (gaps, order, empty offsets). */
  layout?: PlacedLayout;
  /** Bytes after the node's last part, inside its Length. */
  trailing?: Uint8Array;
};

export type RimtInterruptWire = {
  interruptNumber: number;
  /** INTERRUPT_WIRE_FLAG_BITS: level triggered, active high. */
  flags: number;
};

/** Type 0: an IOMMU, a platform device at baseAddress or (flags bit 0) the PCIe function pcieSegment / pcieBdf. */
export type RimtIommu = RimtNodeCommon & {
  type: 'Iommu';
  /** `RSCV0004` for an IOMMU of the RISC-V IOMMU specification. */
  hardwareId: string;
  baseAddress: bigint;
  /** IOMMU_FLAG_BITS: PCIe IOMMU, proximity domain valid. */
  flags: number;
  proximityDomain: number;
  pcieSegment: number;
  /** bus << 8 | devfn. */
  pcieBdf: number;
  interruptWires: RimtInterruptWire[];
};

export type RimtIdMapping = {
  sourceIdBase: number;
  /** As on disk: Linux takes the last source ID as sourceIdBase + numberOfIds. */
  numberOfIds: number;
  destinationIdBase: number;
  /** The IOMMU node the IDs go to. */
  destinationIommu: RimtNodeRef;
  flags: number;
};

/** Type 1: a PCIe root complex, by its segment. */
export type RimtPcieRootComplex = RimtNodeCommon & {
  type: 'PcieRootComplex';
  /** ROOT_COMPLEX_FLAG_BITS: ATS supported, PRI supported. */
  flags: number;
  reserved?: Uint8Array;
  pcieSegment: number;
  idMappings: RimtIdMapping[];
};

/** Type 2: a platform device, by its ACPI path. */
export type RimtPlatformDevice = RimtNodeCommon & {
  type: 'PlatformDevice';
  /** Full ACPI path (`\_SB_.DEV0`), without its NUL. */
  deviceName: string;
  idMappings: RimtIdMapping[];
};

/** A node of a reserved type, or one too short or laid out impossibly for its type: kept as the bytes after its header. */
export type RimtUnknownNode = {
  type: number;
  revision: number;
  headerReserved?: Uint8Array;
  id: number;
  raw: Uint8Array;
};

export type RimtNode = RimtIommu | RimtPcieRootComplex | RimtPlatformDevice;

export type RimtTable = AcpiHeader & {
  reserved?: Uint8Array;
  /** Bytes between the 48-byte header and the first node, when the node array does not follow the header. */
  padding?: Uint8Array;
  nodes: (RimtNode | RimtUnknownNode)[];
  /** Bytes after the last counted node, inside the table's Length. */
  trailing?: Uint8Array;
};

export function isKnownRimtNode(n: RimtNode | RimtUnknownNode): n is RimtNode {
  return typeof n.type === 'string';
}

/** The decoded model as the RIMT's type: the declaration decodes to exactly this shape. */
export function rimtTable(model: Model): RimtTable {
  // A table cut short inside its header has no node list: it has no nodes.
  if (Array.isArray(model['nodes'])) return model as RimtTable;
  const nodes: Model['nodes'] = [];
  return { ...model, nodes } as RimtTable;
}

/** The RIMT as the codec's model, to encode or print. */
export function rimtModel(table: RimtTable): Model {
  return table as Model;
}
