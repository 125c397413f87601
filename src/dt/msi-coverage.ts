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
import { idMapRejected, ofMapId, readIdMap, type IdMap } from './id-map.js';
import { VIRTIO_PCI_IOMMU_COMPATIBLE } from './iommu-compatibles.js';
import { propertyBytes, type DtLayout } from './layout.js';
import { hostRids, pciHosts, pciRid } from './pci-hosts.js';

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
    let open: CoverageGap | undefined;
    for (const r of hostRids(host)) {
      const byIommu = ofMapId(iommu, r).kind === 'mapped';
      const byMsi = ofMapId(msi, r).kind === 'mapped';
      const coveredBy = byIommu === byMsi || iommuSelf.has(r) ? undefined : byIommu ? 'iommu-map' : 'msi-map';
      if (open && open.coveredBy === coveredBy && open.last + 1 === r) open.last = r;
      else if (coveredBy) gaps.push((open = { path: host.path, first: r, last: r, coveredBy }));
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
