/**
 * Ids and the references between objects: every id unique, every reference
 * naming an object of the right kind, every device in at most one address
 * space, every IOMMU at its own register base.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import type { TopologyCode } from '../validate-topology.js';
import { addressValue, formatAddress } from './address.js';
import { suggestion } from './did-you-mean.js';
import { finding } from './finding.js';
import { ENDPOINT_TYPES, ID_KIND_LABEL, listed, type IdKind, type TopologyIndex } from './topology-index.js';
import { appendAll } from '../../append.js';

interface Reference {
  id: string;
  path: string;
}

export function checkReferences(ix: TopologyIndex): Diagnostic[] {
  return [
    ...duplicateIds(ix),
    ...iommuReferences(ix).flatMap((r) => resolve(ix, r, ['iommu'], 'unknown-iommu')),
    ...msiReferences(ix).flatMap((r) => resolve(ix, r, ['msi-controller'], 'unknown-msi-controller')),
    ...virtioIommuDevices(ix),
    ...amdViDevices(ix),
    ...addressSpaces(ix),
    ...duplicateIommuBases(ix),
  ];
}

function duplicateIds(ix: TopologyIndex): Diagnostic[] {
  return ix.duplicates.map((n) => {
    const first = ix.byId.get(n.id)!;
    const message = `id "${n.id}" is already used by ${ID_KIND_LABEL[first.kind]} at ${first.path}; ids must be unique across the document`;
    return finding('duplicate-id', childPath(n.path, 'id'), message);
  });
}

/** Where an object names an IOMMU by id. */
function iommuReferences(ix: TopologyIndex): Reference[] {
  const t = ix.topology;
  const holders = [
    ...listed(t.hostBridges, 'hostBridges'),
    ...sitesNaming(ix, 'iommu'),
    ...listed(t.platformDevices, 'platformDevices'),
    ...listed(t.ioapics, 'ioapics'),
    ...listed(t.hpets, 'hpets'),
    ...listed(t.acpiDevices, 'acpiDevices'),
  ];
  return referencesIn(holders, 'iommu');
}

/** Where an object names an MSI controller (ITS group) by id. */
function msiReferences(ix: TopologyIndex): Reference[] {
  const t = ix.topology;
  const holders = [
    ...listed(t.iommus, 'iommus'),
    ...listed(t.hostBridges, 'hostBridges'),
    ...sitesNaming(ix, 'msiController'),
    ...listed(t.platformDevices, 'platformDevices'),
  ];
  return referencesIn(holders, 'msiController');
}

/** The PCI nodes that set `key` (most inherit it): no holder object per node of the tree. */
function sitesNaming(ix: TopologyIndex, key: 'iommu' | 'msiController'): { item: object; path: string }[] {
  return ix.sites.filter((s) => s.node[key] !== undefined).map((s) => ({ item: s.node, path: s.path }));
}

function referencesIn(holders: { item: object; path: string }[], key: string): Reference[] {
  const out: Reference[] = [];
  for (const { item, path } of holders) {
    const id = (item as Record<string, unknown>)[key];
    if (typeof id === 'string') out.push({ id, path: childPath(path, key) });
  }
  return out;
}

/** A reference must name an object of one of `kinds`; otherwise say what it names, or what is close. */
function resolve(ix: TopologyIndex, ref: Reference, kinds: IdKind[], code: TopologyCode): Diagnostic[] {
  const target = ix.byId.get(ref.id);
  if (target && kinds.includes(target.kind)) return [];
  const wanted = kinds.map((k) => ID_KIND_LABEL[k]).join(' or ');
  if (target) {
    return [finding(code, ref.path, `"${ref.id}" is ${ID_KIND_LABEL[target.kind]} (${target.path}), not ${wanted}`)];
  }
  const candidates = kinds.flatMap((k) => ix.idsByKind.get(k) ?? []);
  return [finding(code, ref.path, `no object with the id "${ref.id}"; expected ${wanted}${suggestion(ref.id, candidates)}`)];
}

/** A virtio-iommu-pci's or riscv-iommu-pci's `device` must be a PCI function, and an endpoint: the IOMMU is that device. */
function virtioIommuDevices(ix: TopologyIndex): Diagnostic[] {
  return listed(ix.topology.iommus, 'iommus').flatMap(({ item: iommu, path }) => {
    if (iommu.type !== 'virtio-iommu-pci' && iommu.type !== 'riscv-iommu-pci') return [];
    const ref = { id: iommu.device, path: childPath(path, 'device') };
    const unresolved = resolve(ix, ref, ['pci-function'], 'unknown-device');
    if (unresolved.length > 0) return unresolved;
    const site = ix.sitesById.get(iommu.device)!;
    if (ENDPOINT_TYPES.has(site.node.type)) return [];
    const message = `${iommu.type} "${iommu.id}" must be a PCI endpoint, but "${iommu.device}" is a ${site.node.type}`;
    return [finding('wrong-iommu-kind', ref.path, message)];
  });
}

/**
 * An AMD-Vi unit's `device` is its own PCI function (the IVHD DeviceId), an
 * endpoint of the segment it serves: the IVHD names it by a Device ID of that
 * segment, and Linux reads the IOMMU capability there.
 */
function amdViDevices(ix: TopologyIndex): Diagnostic[] {
  return listed(ix.topology.iommus, 'iommus').flatMap(({ item: iommu, path }) => {
    if (iommu.type !== 'amd-vi') return [];
    const ref = { id: iommu.device, path: childPath(path, 'device') };
    const unresolved = resolve(ix, ref, ['pci-function'], 'unknown-device');
    if (unresolved.length > 0) return unresolved;
    const site = ix.sitesById.get(iommu.device)!;
    if (!ENDPOINT_TYPES.has(site.node.type)) {
      return [finding('wrong-iommu-kind', ref.path, `amd-vi "${iommu.id}" must be a PCI endpoint function, but "${iommu.device}" is a ${site.node.type}`)];
    }
    if (site.segment === (iommu.segment ?? 0)) return [];
    const message = `amd-vi "${iommu.id}" serves segment ${iommu.segment ?? 0}, but its function "${iommu.device}" is in segment ${site.segment}; the IVHD names it by a Device ID of its own segment`;
    return [finding('iommu-segment-mismatch', ref.path, message)];
  });
}

/** DMA masters only, each in one address space. */
function addressSpaces(ix: TopologyIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const placed = new Map<string, { space: string; path: string }>();
  for (const { item: space, path } of listed(ix.topology.addressSpaces, 'addressSpaces')) {
    space.devices.forEach((id, i) => {
      const ref = { id, path: childPath(childPath(path, 'devices'), i) };
      const unresolved = resolve(ix, ref, ['pci-function', 'platform-device', 'acpi-device'], 'unknown-device');
      appendAll(out, unresolved);
      const earlier = placed.get(id);
      if (earlier) {
        const message = `"${id}" is already in address space "${earlier.space}" (${earlier.path}); a device has one DMA address space`;
        out.push(finding('address-space-duplicate', ref.path, message));
      } else {
        placed.set(id, { space: space.id, path: ref.path });
      }
    });
  }
  return out;
}

/** Two units at one register base would be one MMIO frame, and one identity (`vtd@0x...`) in every map. */
function duplicateIommuBases(ix: TopologyIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<bigint, { id: string; path: string }>();
  for (const { item: iommu, path } of listed(ix.topology.iommus, 'iommus')) {
    if (!('base' in iommu)) continue;
    const base = addressValue(iommu.base);
    const first = seen.get(base);
    const at = childPath(path, 'base');
    if (first) {
      const message = `register base ${formatAddress(base)} is already the base of IOMMU "${first.id}" (${first.path})`;
      out.push(finding('duplicate-iommu-base', at, message));
    } else {
      seen.set(base, { id: iommu.id, path: at });
    }
  }
  return out;
}
