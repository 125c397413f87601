/**
 * The VIOT a resolved topology calls for: one node per virtio-iommu (PCI:
 * its function's segment and BDF under the topology's numbering; MMIO: its
 * base), then a PCI Range per run of the topology's translations to one of
 * them within one host bridge (as QEMU writes one range per host bridge), then an MMIO Endpoint per stream ID of each platform device behind
 * one. IOMMU nodes first and ranges sorted by segment and BDF, as newer QEMU
 * writes it; revision 0 as QEMU writes it.
 *
 * The translations are the map's (iommu-assignment.ts): they already leave
 * out bypassed buses and the virtio-iommu's own function, and their output
 * IDs are the endpoint IDs, so a range says exactly what the map says:
 * endpoint ID of RID r = Endpoint start + (r − PCI BDF start).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { parseAddress } from '../../model/address.js';
import { translationsPerHostBridge } from '../../model/host-bridge-translations.js';
import type { ResolvedIommu, ResolvedTopology } from '../../model/resolved.js';
import type { VirtioIommuMmio, VirtioIommuPci } from '../../model/topology-schema.js';
import { generatedHeader } from '../header-defaults.js';
import type { ViotIommuNode, ViotMmioEndpoint, ViotPciRange, ViotTable } from './model.js';

export const VIOT_REVISION = 0;

export interface ViotBuild {
  /** Undefined when the topology has no virtio-iommu. */
  table?: ViotTable;
  diagnostics: Diagnostic[];
}

type VirtioIommu = ResolvedIommu & { node: VirtioIommuPci | VirtioIommuMmio };

const isVirtio = (u: ResolvedIommu): u is VirtioIommu => u.node.type === 'virtio-iommu-pci' || u.node.type === 'virtio-iommu-mmio';

export function viotFromTopology(resolved: ResolvedTopology): ViotBuild {
  const units = resolved.iommus.filter(isVirtio);
  if (units.length === 0) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const nodeOf = new Map(units.map((u, i) => [u.identity, i]));
  const nodeOfId = new Map(units.map((u, i) => [u.id, i]));

  const ranges: ViotPciRange[] = [];
  for (const t of translationsPerHostBridge(resolved).flatMap((h) => h.translations)) {
    const node = nodeOf.get(t.iommu);
    if (node === undefined) continue;
    ranges.push({
      type: 'PciRange',
      endpointStart: t.outputBase,
      segmentStart: t.segment,
      segmentEnd: t.segment,
      bdfStart: t.first,
      bdfEnd: t.last,
      outputNode: { node },
    });
  }

  const endpoints: ViotMmioEndpoint[] = [];
  for (const d of resolved.platformDevices) {
    const node = d.iommu === null ? undefined : nodeOfId.get(d.iommu);
    if (node === undefined) continue;
    if (d.outputIds.length === 0) {
      diagnostics.push({ severity: 'error', code: 'viot-mmio-no-endpoint-id', path: d.docPath,
        message: `${d.id} is behind ${d.iommu}, but VIOT needs an endpoint ID for it and it has no streamIds` });
      continue;
    }
    if (d.outputIds.length > 1) {
      diagnostics.push({ severity: 'warning', code: 'viot-mmio-several-ids', path: d.docPath,
        message: `${d.id} has ${d.outputIds.length} stream IDs; VIOT gets one MMIO Endpoint node each, but Linux gives a ` +
          `platform device only the endpoint ID of the last node with its base (${d.outputIds[d.outputIds.length - 1]})` });
    }
    for (const endpoint of d.outputIds) endpoints.push({ type: 'MmioEndpoint', endpoint, baseAddress: d.base, outputNode: { node } });
  }
  // Stable: one device's stream IDs stay in the topology's order.
  endpoints.sort((a, b) => (a.baseAddress < b.baseAddress ? -1 : a.baseAddress > b.baseAddress ? 1 : 0));

  const table: ViotTable = {
    ...generatedHeader(resolved.topology, 'VIOT', VIOT_REVISION),
    nodes: [...units.map((u) => iommuNode(u, resolved)), ...ranges, ...endpoints],
  };
  return { table, diagnostics };
}

function iommuNode(u: VirtioIommu, resolved: ResolvedTopology): ViotIommuNode {
  if (u.node.type === 'virtio-iommu-mmio') return { type: 'VirtioIommuMmio', baseAddress: parseAddress(u.node.base) };
  // The validator checks that the device is a PCI function of the topology.
  const f = resolved.byId.get(u.node.device)!;
  return { type: 'VirtioIommuPci', segment: f.segment, bdf: f.rid };
}
