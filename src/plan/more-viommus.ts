/**
 * `--tables-only` with more host IOMMUs than QEMU's machine-wide vIOMMU
 * allows: the guest QEMU would build with one VT-d unit, given one unit per
 * expander as a VMM that builds several would (the layout of
 * tables/q35-vtd-per-pxb.yaml: register pages 4 KiB apart from QEMU's
 * 0xfed90000, each unit's DRHD scoping its expander's bus).
 */
import type { Topology } from '../model/topology-schema.js';
import type { GuestViommu } from './guest-layout.js';

const VTD_PAGE = 0x1000;

export function cloneVtdUnits(topology: Topology, viommus: readonly GuestViommu[]): void {
  const first = topology.iommus?.[0];
  if (first?.type !== 'vtd') return;
  const base = BigInt(first.base);
  const extra = viommus.slice(1).map((v) => ({ ...first, id: v.viommu, base: `0x${(base + BigInt(VTD_PAGE * (v.index - 1))).toString(16)}` }));
  topology.iommus = [first, ...extra];
  for (const v of viommus.slice(1)) {
    const expander = topology.hostBridges?.find((h) => h.id === v.expander);
    if (expander) expander.iommu = v.viommu;
  }
}
