/**
 * A Device Tree → translation map, the way Linux's OF code binds devices:
 *   - every RID of each PCI host's bus range goes through the host's
 *     iommu-map with of_map_id (id-map.ts, by runs of RIDs): a match gives the IOMMU (by the
 *     identity of the node the row points at) and the output ID; no match, or
 *     no iommu-map at all, leaves the RID untranslated;
 *   - each node with `iommus` is an MMIO master: its first reg address, the
 *     provider's identity and the first specifier cell of each entry;
 *   - with a topology, device entries are looked up as Linux does (every DMA
 *     alias through the same map: model/devices.ts), so they compare with the
 *     topology's own map entry by entry.
 * The segment is the host's linux,pci-domain (default 0), as Linux names
 * the devices; with a topology, the domain goes back to the topology's
 * segment by the rule ridmap writes domains with (pci-domains.ts), so that
 * several host nodes of one segment map where the topology says. msi-map and
 * msi-parent give the map's MSI side (msi-map.ts), and msi-map is resolved
 * the same way for the iommu-map/msi-map coverage finding. Findings are the checks whose subject
 * changes what Linux maps (bad lengths, masks that ignore the base, dangling
 * phandles, coverage).
 */
import type { Diagnostic } from '../diagnostic.js';
import { deviceEntries } from '../model/devices.js';
import { deviceMsiOf } from '../model/device-msi.js';
import { dtMsi, platformMsi } from './msi-map.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { RidTable } from '../model/rid-table.js';
import type { MmioTranslation, TranslationMap } from '../model/translation-map.js';
import { runDtChecks } from './checks.js';
import { cpuAddress } from './dt-address.js';
import { idMapRejected, mapIdRange, readIdMap } from './id-map.js';
import { layoutTree, propertyBytes, type DtLayout } from './layout.js';
import { segmentsByDomain } from './pci-domains.js';
import { hostRidSpan, pciHosts } from './pci-hosts.js';
import { phandleEntries } from './phandle-list.js';
import { providerIdentity } from './provider-identity.js';
import type { DtNode, DtTree } from './tree.js';

export const DT_SOURCE = 'DT';

/** Checks whose findings change the map (the rest are lint). */
const MAPPING_CHECKS = new Set(['dt-bad-length', 'dt-iommu-map-mask-ignores-base', 'dt-dangling-phandle', 'dt-msi-map-coverage']);

export function resolveDt(tree: DtTree, resolved?: ResolvedTopology): TranslationMap {
  const layout = layoutTree(tree);
  const findings: Diagnostic[] = runDtChecks(layout, MAPPING_CHECKS);
  const segments = resolved ? segmentsByDomain(resolved) : new Map<number, number>();
  const segmentOf = (domain: number) => segments.get(domain) ?? domain;
  const identities = new Map<DtNode, string>();
  const identity = (node: DtNode) => {
    if (!identities.has(node)) identities.set(node, providerIdentity(layout, node, segmentOf));
    return identities.get(node)!;
  };

  const table = new RidTable();
  for (const host of pciHosts(layout)) {
    const segment = segmentOf(host.segment);
    const map = readIdMap(layout, host.node, 'iommu-map');
    if (!map || idMapRejected(map)) continue;
    if (map.unresolved) {
      findings.push({
        severity: 'error',
        code: 'dts-needs-preprocessing',
        path: map.path,
        message: 'cells of this map name undefined macros; its RIDs are left unmapped',
      });
      continue;
    }
    // By runs of RIDs, not RID by RID: a map of 65,536 rows tried for each of 65,536 RIDs took 20 s.
    for (const run of mapIdRange(map, hostRidSpan(host).first, hostRidSpan(host).last)) {
      // The row is the entry that decides (`/pcie@10000000/iommu-map`, row 2 of its 4-cell rows).
      table.setRange(segment, run.first, run.last, identity(run.target), run.id, 1, { path: map.path, row: run.row.index });
    }
  }

  const translations = table.translations(DT_SOURCE);
  const map: TranslationMap = { translations, entries: table.entries(), mmio: mmioMasters(layout, identity, resolved), findings };
  const msi = dtMsi(layout, segmentOf, DT_SOURCE);
  if (msi) Object.assign(map, msi);
  if (resolved) {
    map.devices = deviceEntries(resolved.functions, translations, resolved.linux.profile);
    if (msi) map.deviceMsi = deviceMsiOf(resolved.byId, msi.msi);
  }
  return map;
}

/** Nodes with `iommus`: one entry per (node, IOMMU), output IDs in entry order. */
function mmioMasters(layout: DtLayout, identity: (n: DtNode) => string, resolved?: ResolvedTopology): MmioTranslation[] {
  const out: MmioTranslation[] = [];
  for (const [node, path] of layout.pathOf) {
    const iommus = propertyBytes(layout, node, 'iommus');
    const base = cpuAddress(layout, node);
    if (!iommus || base === undefined) continue;
    const byIommu = new Map<string, number[]>();
    for (const { provider, specifier } of phandleEntries(layout, iommus, '#iommu-cells')) {
      if (!provider) break; // dt-dangling-phandle reports it
      const ids = byIommu.get(identity(provider)) ?? [];
      if (specifier.length > 0) ids.push(specifier[0]!);
      byIommu.set(identity(provider), ids);
    }
    const id = resolved?.platformDevices.find((d) => d.base === base)?.id ?? path;
    const msi = platformMsi(layout, node);
    for (const [iommu, outputIds] of byIommu) out.push({ id, base, iommu, outputIds, source: DT_SOURCE, ...(msi ? { msi } : {}) });
  }
  return out;
}
