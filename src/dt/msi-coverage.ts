/**
 * iommu-map against msi-map on each PCI host that has both: a RID that one
 * maps and the other does not is a device whose DMA and MSIs are described
 * differently (DMA translated but MSIs to no ITS, or the reverse), usually a
 * row forgotten in one of them. The RIDs of a virtio-iommu on that host are
 * left out: the IOMMU is never behind itself, so QEMU rightly leaves its own
 * RID out of iommu-map while its MSIs are mapped.
 */
import { formatBdf, type Rid } from '../model/rid.js';
import { stringList, u32Cells } from './cells.js';
import { idMapRejected, mapIdRange, readIdMap, type IdMap, type MappedRun } from './id-map.js';
import { VIRTIO_PCI_IOMMU_COMPATIBLE } from './iommu-compatibles.js';
import { propertyBytes, type DtLayout } from './layout.js';
import { hostRidSpan, pciHosts, pciRid } from './pci-hosts.js';

export interface CoverageGap {
  path: string;
  first: Rid;
  last: Rid;
  /** The map that covers these RIDs. */
  coveredBy: 'iommu-map' | 'msi-map';
}

function usable(map: IdMap | undefined): map is IdMap {
  return map !== undefined && !map.unresolved && !idMapRejected(map);
}

export function msiCoverageGaps(layout: DtLayout): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (const host of pciHosts(layout)) {
    const iommu = readIdMap(layout, host.node, 'iommu-map');
    const msi = readIdMap(layout, host.node, 'msi-map');
    if (!usable(iommu) || !usable(msi)) continue;
    const iommuSelf = new Set(
      host.node.children
        .filter((c) => stringList(propertyBytes(layout, c, 'compatible')).includes(VIRTIO_PCI_IOMMU_COMPATIBLE))
        .flatMap((c) => u32Cells(propertyBytes(layout, c, 'reg') ?? new Uint8Array())?.slice(0, 1) ?? [])
        .map(pciRid),
    );
    // Walked by pieces between the ends of both maps' runs (and the virtio-iommu's own RIDs), not RID by RID.
    const { first, last } = hostRidSpan(host);
    const iommuRuns = mapIdRange(iommu, first, last);
    const msiRuns = mapIdRange(msi, first, last);
    const cuts = new Set<number>([first, last + 1]);
    for (const runs of [iommuRuns, msiRuns]) for (const run of runs) cuts.add(run.first).add(run.last + 1);
    for (const r of iommuSelf) if (r >= first && r <= last) cuts.add(r).add(r + 1);
    const points = Array.from(cuts).sort((a, b) => a - b);
    const covers = (runs: readonly MappedRun[], k: { i: number }, r: number) => {
      while (k.i < runs.length && runs[k.i]!.last < r) k.i++;
      return k.i < runs.length && runs[k.i]!.first <= r;
    };
    const atIommu = { i: 0 };
    const atMsi = { i: 0 };
    let open: CoverageGap | undefined;
    for (let k = 0; k + 1 < points.length && points[k]! <= last; k++) {
      const from = points[k]!;
      const to = points[k + 1]! - 1;
      const byIommu = covers(iommuRuns, atIommu, from);
      const byMsi = covers(msiRuns, atMsi, from);
      const coveredBy = byIommu === byMsi || iommuSelf.has(from) ? undefined : byIommu ? 'iommu-map' : 'msi-map';
      if (open && open.coveredBy === coveredBy && open.last + 1 === from) open.last = to;
      else if (coveredBy) gaps.push((open = { path: host.path, first: from, last: to, coveredBy }));
      else open = undefined;
    }
  }
  return gaps;
}

export function describeGap(gap: CoverageGap): string {
  const other = gap.coveredBy === 'iommu-map' ? 'msi-map' : 'iommu-map';
  const rids = gap.first === gap.last ? `RID ${formatBdf(gap.first)}` : `RIDs ${formatBdf(gap.first)}-${formatBdf(gap.last)}`;
  return `${rids}: ${gap.coveredBy} maps them, ${other} does not`;
}
