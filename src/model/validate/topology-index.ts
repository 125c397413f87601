/**
 * One pass over a schema-valid topology that every semantic check reads:
 * the ids and what they name, the PCI functions with their place in the tree,
 * and the buses they sit on. Paths are document paths, for diagnostics.
 */
import { childPath, childrenPath } from '../doc-path.js';
import type { HostBridge, Iommu, PciNode, PciNodeType, Topology } from '../topology-schema.js';

/**
 * What kind of bus a function sits on decides what may sit there:
 * a PCIe root bus, a conventional PCI bus, a PCIe link (below a root port,
 * downstream port or PCI-to-PCIe bridge: device 0 only), or a switch's
 * internal bus (below an upstream port: downstream ports only). `none` is
 * below an endpoint, which has no bus: its children are one error already.
 */
export type BusKind = 'pcie-root' | 'conventional' | 'link' | 'switch' | 'none';

export interface PciBus {
  kind: BusKind;
  /** Path of the host bridge or bridge whose secondary bus this is. */
  ownerPath: string;
  /** Id of the host bridge or bridge, for messages. */
  ownerId: string;
  /** Type of the owning bridge; undefined for a root bus. */
  ownerType: PciNodeType | undefined;
  sites: PciSite[];
}

export interface PciSite {
  node: PciNode;
  path: string;
  hostBridge: HostBridge;
  hostBridgePath: string;
  segment: number;
  /** Upstream bridge or port; undefined on the root bus. */
  parent: PciSite | undefined;
  bus: PciBus;
}

export type IdKind =
  | 'iommu'
  | 'msi-controller'
  | 'host-bridge'
  | 'pci-function'
  | 'platform-device'
  | 'ioapic'
  | 'hpet'
  | 'acpi-device'
  | 'address-space';

export const ID_KIND_LABEL: Record<IdKind, string> = {
  iommu: 'an IOMMU',
  'msi-controller': 'an MSI controller',
  'host-bridge': 'a host bridge',
  'pci-function': 'a PCI function',
  'platform-device': 'a platform device',
  ioapic: 'an I/O APIC',
  hpet: 'an HPET',
  'acpi-device': 'an ACPI namespace device',
  'address-space': 'an address space',
};

export interface NamedObject {
  id: string;
  kind: IdKind;
  path: string;
}

export interface TopologyIndex {
  topology: Topology;
  /** Every id-carrying object, in document order (duplicates included). */
  named: NamedObject[];
  /** The first object of each id. */
  byId: Map<string, NamedObject>;
  /** The objects whose id an earlier one already has, in document order (found while byId is made, not looked up again). */
  duplicates: NamedObject[];
  /** Ids of each kind, for "did you mean" among the right candidates. */
  idsByKind: Map<IdKind, string[]>;
  iommus: Map<string, Iommu>;
  sites: PciSite[];
  sitesById: Map<string, PciSite>;
  buses: PciBus[];
}

export const ENDPOINT_TYPES: ReadonlySet<PciNodeType> = new Set(['pcie-endpoint', 'rciep', 'pci-endpoint']);

/** The kind of a function's secondary bus; undefined for endpoints, which have none. */
export function secondaryBusKind(type: PciNodeType): BusKind | undefined {
  switch (type) {
    case 'pcie-root-port':
    case 'pcie-switch-downstream-port':
    case 'pci-pcie-bridge':
      return 'link';
    case 'pcie-switch-upstream-port':
      return 'switch';
    case 'pci-bridge':
    case 'pcie-pci-bridge':
      return 'conventional';
    default:
      return undefined;
  }
}

/** Items grouped by a key, groups and items in input order (Map.groupBy arrives in Node 21). */
export function groupBy<K, V>(items: readonly V[], key: (item: V) => K): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Items of an optional top-level list with their paths. */
export function listed<T>(list: readonly T[] | undefined, key: string): { item: T; path: string }[] {
  return (list ?? []).map((item, i) => ({ item, path: childPath(key, i) }));
}

export function indexTopology(topology: Topology): TopologyIndex {
  const named: NamedObject[] = [];
  const name = (kind: IdKind) => (x: { item: { id: string }; path: string }) =>
    named.push({ id: x.item.id, kind, path: x.path });
  const sites: PciSite[] = [];
  const buses: PciBus[] = [];

  listed(topology.iommus, 'iommus').forEach(name('iommu'));
  listed(topology.msiControllers, 'msiControllers').forEach(name('msi-controller'));
  for (const { item: hostBridge, path: hostBridgePath } of listed(topology.hostBridges, 'hostBridges')) {
    named.push({ id: hostBridge.id, kind: 'host-bridge', path: hostBridgePath });
    const segment = hostBridge.segment ?? 0;
    const visit = (nodes: readonly PciNode[], kind: BusKind, ownerPath: string, parent: PciSite | undefined) => {
      const ownerId = parent?.node.id ?? hostBridge.id;
      const bus: PciBus = { kind, ownerPath, ownerId, ownerType: parent?.node.type, sites: [] };
      buses.push(bus);
      nodes.forEach((node, i) => {
        const path = childrenPath(ownerPath, i);
        const site: PciSite = { node, path, hostBridge, hostBridgePath, segment, parent, bus };
        bus.sites.push(site);
        sites.push(site);
        named.push({ id: node.id, kind: 'pci-function', path });
        // Children of an endpoint are indexed too, so that their ids still count.
        visit(node.children ?? [], secondaryBusKind(node.type) ?? 'none', path, site);
      });
    };
    visit(hostBridge.children, hostBridge.kind === 'pci' ? 'conventional' : 'pcie-root', hostBridgePath, undefined);
  }
  listed(topology.platformDevices, 'platformDevices').forEach(name('platform-device'));
  listed(topology.ioapics, 'ioapics').forEach(name('ioapic'));
  listed(topology.hpets, 'hpets').forEach(name('hpet'));
  listed(topology.acpiDevices, 'acpiDevices').forEach(name('acpi-device'));
  listed(topology.addressSpaces, 'addressSpaces').forEach(name('address-space'));

  const byId = new Map<string, NamedObject>();
  const duplicates: NamedObject[] = [];
  for (const n of named) {
    if (!byId.has(n.id)) byId.set(n.id, n);
    else duplicates.push(n);
  }
  const idsByKind = new Map([...groupBy(named, (n) => n.kind)].map(([kind, ns]) => [kind, ns.map((n) => n.id)]));
  const iommus = new Map<string, Iommu>();
  for (const iommu of topology.iommus ?? []) if (!iommus.has(iommu.id)) iommus.set(iommu.id, iommu);
  const sitesById = new Map<string, PciSite>();
  for (const s of sites) if (!sitesById.has(s.node.id)) sitesById.set(s.node.id, s);
  return { topology, named, byId, duplicates, idsByKind, iommus, sites, sitesById, buses };
}
