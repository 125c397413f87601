/**
 * The guest topology of a plan: import qemu's topology of the stand-in
 * line, made the plan's (vfio-pci models, one address space per host
 * IOMMU), and checked to be the plan once resolved.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import type { GuestViommu } from './guest-layout.js';
import type { PlanHost } from './plan-host.js';
import { appendAll } from '../append.js';

/** The imported stand-in guest, made the plan's: assigned functions say vfio-pci, one address space per host IOMMU. */
export function guestTopology(imported: Topology, host: PlanHost, viommus: readonly GuestViommu[]): Topology {
  const ids = new Set(viommus.flatMap((v) => v.ports.flatMap((p) => p.devices.map((d) => d.id))));
  const stack = (imported.hostBridges ?? []).flatMap((h) => h.children);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ids.has(node.id)) {
      node.model = 'vfio-pci';
      // pci-testdev's IDs are not the host device's.
      delete node.vendorId;
      delete node.deviceId;
    }
    appendAll(stack, node.children ?? []);
  }
  return {
    ...imported,
    name: 'plan-guest',
    description: `ridmap plan: ${ids.size} function(s) of ${host.source} behind ${viommus.length} vIOMMU(s), one per host IOMMU`,
    addressSpaces: viommus.map((v) => ({ id: `space${v.index}`, devices: v.ports.flatMap((p) => p.devices.map((d) => d.id)) })),
  };
}

/**
 * The guest as resolved must be the plan: each function behind its
 * vIOMMU, each host group in one guest group (one address space in QEMU).
 * A difference is a ridmap bug, said as a finding rather than a wrong plan.
 */
export function guestCheck(resolved: ResolvedTopology, viommus: readonly GuestViommu[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const wide = resolved.iommus.length === 1;
  for (const v of viommus) {
    const groupOf = new Map<string, string>();
    for (const d of v.ports.flatMap((p) => p.devices)) {
      const f = resolved.byId.get(d.id);
      const want = wide ? resolved.iommus[0]!.id : v.viommu;
      if (!f || f.iommu !== want) out.push({ severity: 'error', code: 'plan-guest-mismatch', path: d.id, message: `${d.id} is not behind ${want} in the guest ridmap drew (a ridmap bug)` });
      const g = groupOf.get(d.host.group!);
      if (f && g !== undefined && g !== f.group) out.push({ severity: 'error', code: 'plan-guest-mismatch', path: d.id, message: `host group ${d.host.group} is split in the guest ridmap drew (a ridmap bug)` });
      if (f) groupOf.set(d.host.group!, f.group);
    }
  }
  return out;
}

/** What export says of every plan: vfio-pci written as a stand-in (vfio-line.ts puts the host device back), address spaces not QEMU's. */
export function expectedExportNote(d: Diagnostic, topology: Topology, assigned: ReadonlyMap<string, string>): boolean {
  if (d.code === 'qemu-export-not-carried' && d.path?.startsWith('addressSpaces')) return true;
  return d.code === 'qemu-export-model' && [...assigned.keys()].some((id) => d.path !== undefined && pathIsDevice(topology, d.path, id));
}

function pathIsDevice(topology: Topology, path: string, id: string): boolean {
  // Export names its nodes by document path; the node's id is what we know.
  const segs = [...path.matchAll(/([A-Za-z]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  let node: unknown = topology;
  for (const s of segs) node = (node as Record<string | number, unknown> | undefined)?.[s];
  return (node as { id?: string } | undefined)?.id === id;
}
