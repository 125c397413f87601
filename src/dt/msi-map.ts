/**
 * The MSI side of a Device Tree's map, the way Linux finds a PCI device's
 * ITS and DeviceID (of_msi_map_id, of_msi_map_get_device_domain): on each
 * PCI host, `msi-map` (with `msi-map-mask`) maps the requester ID through
 * of_map_id to a controller and DeviceID, row by row as iommu-map does (a RID
 * no row covers gets no MSI domain from it); without `msi-map`, the host's
 * `msi-parent` takes every RID of its bus range and the DeviceID is the RID
 * unchanged. The controller is named by its register base (`its@0x<base>`),
 * as a topology names it.
 */
import { itsIdentity } from '../model/iommu-identity.js';
import { msiRuns } from '../model/device-msi.js';
import { RidTable } from '../model/rid-table.js';
import type { EntryRuns, MsiTranslation } from '../model/translation-map.js';
import { cpuAddress } from './dt-address.js';
import { idMapRejected, mapIdRange, readIdMap } from './id-map.js';
import { childPropertyPath, propertyBytes, type DtLayout } from './layout.js';
import { hostRidSpan, pciHosts } from './pci-hosts.js';
import { phandleEntries } from './phandle-list.js';
import type { DtNode } from './tree.js';

/** The MSI runs of every PCI host that has msi-map or msi-parent; undefined when none has (no MSI side). */
export function dtMsi(layout: DtLayout, segmentOf: (domain: number) => number, source: string): { msi: MsiTranslation[]; msiEntries: EntryRuns } | undefined {
  const table = new RidTable();
  const its = (node: DtNode) => controllerIdentity(layout, node);
  let any = false;
  for (const host of pciHosts(layout)) {
    const segment = segmentOf(host.segment);
    const { first, last } = hostRidSpan(host);
    const map = readIdMap(layout, host.node, 'msi-map');
    if (map) {
      any = true;
      // A rejected map or one with unknown cells (dt-bad-length, dts-needs-preprocessing) gives no MSI domain.
      if (idMapRejected(map) || map.unresolved) continue;
      for (const run of mapIdRange(map, first, last)) table.setRange(segment, run.first, run.last, its(run.target), run.id, 1, { path: map.path, row: run.row.index });
      continue;
    }
    const parent = propertyBytes(layout, host.node, 'msi-parent');
    if (!parent) continue;
    any = true;
    const entry = phandleEntries(layout, parent, '#msi-cells').next();
    if (entry.done || !entry.value.provider) continue;
    table.setRange(segment, first, last, its(entry.value.provider), first, 1, { path: childPropertyPath(host.path, 'msi-parent') });
  }
  return any ? msiRuns(table, source) : undefined;
}

/** An MSI controller by its register base (`its@0x8080000`), or its path when it has none. */
function controllerIdentity(layout: DtLayout, node: DtNode): string {
  const base = cpuAddress(layout, node);
  return base === undefined ? layout.pathOf.get(node)! : itsIdentity({ base });
}

/**
 * A platform device's `msi-parent`: its controller and, with `#msi-cells`
 * = 1, the DeviceID in the cell (0 without one); undefined when it has none
 * or it names no node.
 */
export function platformMsi(layout: DtLayout, node: DtNode): { its: string; deviceId: number } | undefined {
  const parent = propertyBytes(layout, node, 'msi-parent');
  if (!parent) return undefined;
  const entry = phandleEntries(layout, parent, '#msi-cells').next();
  if (entry.done || !entry.value.provider) return undefined;
  return { its: controllerIdentity(layout, entry.value.provider), deviceId: entry.value.specifier[0] ?? 0 };
}
