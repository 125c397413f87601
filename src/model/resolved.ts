/**
 * The resolved topology: the one fact every output is a projection of
 * (DESIGN.md, "One fact in the middle"). Produced by resolveTopology() from a
 * validated Topology under one bus-numbering policy; nothing here is input.
 */
import type { LinuxTarget } from './linux-profile.js';
import type { Diagnostic } from '../diagnostic.js';
import type { HostBridge, Iommu, PciNode, PciNodeType, PlatformDevice, Topology } from './topology-schema.js';
import type { Rid } from './rid.js';
import type { LinuxRefusal, TranslationMap } from './translation-map.js';

/** One (device, function) hop of a DMAR device-scope path, from the root bus down. */
export interface PathHop {
  device: number;
  fn: number;
}

export interface ResolvedHostBridge {
  id: string;
  node: HostBridge;
  /** JSON-pointer-like path in the topology document, for diagnostics. */
  docPath: string;
  kind: 'pcie' | 'pci';
  segment: number;
  rootBus: number;
  busLimit: number;
  /** Highest bus number used below this host bridge under the numbering policy. */
  subordinate: number;
  /** Functions directly on the root bus, in devfn order. */
  functions: PciFunction[];
}

export interface PciFunction {
  id: string;
  node: PciNode;
  kind: PciNodeType;
  docPath: string;
  hostBridge: ResolvedHostBridge;
  /** Upstream bridge or port; null for functions on the root bus. */
  parent: PciFunction | null;
  segment: number;
  bus: number;
  device: number;
  fn: number;
  devfn: number;
  rid: Rid;
  /** (device, function) hops from the root bus down to this function: a DMAR scope path. */
  path: PathHop[];
  isBridge: boolean;
  /** Bridges and ports: secondary and subordinate bus numbers under the policy. */
  secondary?: number;
  subordinate?: number;
  /** Functions on the secondary bus, in devfn order (bridges and ports). */
  children: PciFunction[];
  /**
   * RIDs an IOMMU may see for this function, in Linux pci_for_each_dma_alias
   * order: own RID first, then quirk aliases, then bridge aliases upward.
   */
  aliases: Rid[];
  /** Id of the IOMMU that translates this function, or null when untranslated (bypass, or none). */
  iommu: string | null;
  /** Output ID (StreamID / endpoint ID / source-id) for each alias, same order as aliases. */
  outputIds: number[];
  /** Set when the tables translate the function but Linux's driver refuses it (iommu is then null). */
  refused?: LinuxRefusal;
  /** Alias group id (g0, g1, ...): functions an IOMMU cannot tell apart. */
  group: string;
  msiController: string | null;
}

export interface ResolvedPlatformDevice {
  id: string;
  node: PlatformDevice;
  docPath: string;
  base: bigint;
  iommu: string | null;
  outputIds: number[];
}

export interface ResolvedIommu {
  id: string;
  node: Iommu;
  /** `vtd@0xfed90000`, `smmuv3@0x9050000`, `virtio-iommu-pci@0000:00:03.0`, ... (DESIGN.md). */
  identity: string;
  segment: number;
}

export interface AliasGroup {
  id: string;
  /** Function ids in the group, depth-first order. */
  members: string[];
}

export interface ResolvedTopology {
  topology: Topology;
  /** Name of the bus-numbering policy used. */
  numbering: string;
  /** The kernel series and firmware interface the groups and device entries predict. */
  linux: LinuxTarget;
  hostBridges: ResolvedHostBridge[];
  /** Every PCI function, depth-first in devfn order per host bridge (host bridges in document order). */
  functions: PciFunction[];
  byId: Map<string, PciFunction>;
  platformDevices: ResolvedPlatformDevice[];
  iommus: ResolvedIommu[];
  groups: AliasGroup[];
  /** The translation map (with devices) that this topology says. */
  map: TranslationMap;
  /** Model findings: group in two address spaces, incompatible capabilities, ... */
  findings: Diagnostic[];
}
