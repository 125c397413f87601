/**
 * Which MSI controller (ITS group) each RID's MSIs go to, with which
 * DeviceID: the `msiController` settings, inherited downward and owning RIDs
 * as iommu-assignment.ts's output-ID rule says (a host bridge its bus range;
 * a bridge itself and its subtree; an endpoint its own RID and quirk
 * aliases), deeper settings over shallower ones. The DeviceID is the RID (the
 * topology has no per-node DeviceID base for PCI). The IOMMU plays no part:
 * RIDs that bypass translation still send MSIs.
 */
import type { ResolvedTopology } from './resolved.js';
import { hostBridgeSpan, ownedSpans } from './rid-ownership.js';
import { RidTable } from './rid-table.js';
import type { Translation } from './translation-map.js';

/** Runs of RIDs with one ITS; `iommu` holds the ITS group's id, `outputBase` the first DeviceID. */
export function msiTranslations(resolved: Pick<ResolvedTopology, 'hostBridges' | 'functions'>): Translation[] {
  return msiTable(resolved).translations('msi');
}

/** The paints behind msiTranslations, each with the topology node (document path) whose msiController decides. */
export function msiTable(resolved: Pick<ResolvedTopology, 'hostBridges' | 'functions'>): RidTable {
  const table = new RidTable();
  for (const hb of resolved.hostBridges) {
    const its = hb.node.msiController;
    if (its !== undefined) table.setRange(hb.segment, ...hostBridgeSpan(hb), its, undefined, 1, { path: hb.docPath });
  }
  for (const f of resolved.functions) {
    const its = f.node.msiController;
    if (its === undefined) continue;
    for (const [first, last] of ownedSpans(f)) table.setRange(f.segment, first, last, its, undefined, 1, { path: f.docPath });
  }
  return table;
}
