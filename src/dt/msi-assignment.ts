/**
 * Which MSI controller (ITS group) each RID's MSIs go to, with which
 * DeviceID: the `msiController` settings, inherited downward and owning RIDs
 * as iommu-assignment.ts's output-ID rule says (a host bridge its bus range;
 * a bridge itself and its subtree; an endpoint its own RID and quirk
 * aliases), deeper settings over shallower ones. The DeviceID is the RID (the
 * topology has no per-node DeviceID base for PCI). The IOMMU plays no part:
 * RIDs that bypass translation still send MSIs.
 */
import type { ResolvedTopology } from '../model/resolved.js';
import { hostBridgeSpan, ownedSpans } from '../model/rid-ownership.js';
import { RidTable } from '../model/rid-table.js';
import type { Translation } from '../model/translation-map.js';

/** Runs of RIDs with one ITS; `iommu` holds the ITS group's id, `outputBase` the first DeviceID. */
export function msiTranslations(resolved: ResolvedTopology): Translation[] {
  const table = new RidTable();
  for (const hb of resolved.hostBridges) {
    const its = hb.node.msiController;
    if (its !== undefined) table.setRange(hb.segment, ...hostBridgeSpan(hb), its);
  }
  for (const f of resolved.functions) {
    const its = f.node.msiController;
    if (its === undefined) continue;
    for (const [first, last] of ownedSpans(f)) table.setRange(f.segment, first, last, its);
  }
  return table.translations('msi');
}
