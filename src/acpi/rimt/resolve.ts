/**
 * RIMT → translation map, the way Linux binds devices to RISC-V IOMMUs
 * (drivers/acpi/riscv/rimt.c, Linux 6.17 and later; older kernels do not
 * read the RIMT at all: linux-profile.ts `riscvIommu`).
 *
 * PCI: rimt_scan_node takes the first PCIe root complex node, in table order,
 * whose PCIe Segment number is the device's domain (a later one for the same
 * segment is never used); each RID (and DMA alias) is walked from it
 * (walk.ts) to an IOMMU node, whose device ID is what the walk carries there.
 * The RIDs are live bus numbers: with a topology the devices' entries come
 * from its numbering (deviceEntries, shared with every format).
 *
 * Platform devices (rimt_plat_iommu_map, a device with no input ID): mapping
 * 0, 1, ... of the device's node each give Destination Device ID Base (the
 * Number of IDs is not read), walked on from a destination that is not an
 * IOMMU; the first mapping that gets nowhere ends the list. With a topology
 * the platform device with the same ACPI path supplies id and base.
 *
 * The IOMMU's name: `riscv-iommu@<Base Address>`, or for a node flagged
 * "PCIe IOMMU" `riscv-iommu-pci@<segment:B/D/F>` (identity.ts).
 */
import type { Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { deviceEntries } from '../../model/devices.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { RidTable } from '../../model/rid-table.js';
import { formatSbdf } from '../../model/rid.js';
import type { MmioTranslation, TranslationMap } from '../../model/translation-map.js';
import { rimtFindings } from './findings.js';
import { rimtIommuIdentity } from './identity.js';
import { isKnownRimtNode, rimtTable, type RimtPlatformDevice, type RimtTable } from './model.js';
import { rimtNodePaths } from './paths.js';
import { mapId, mapIdRange, walkable } from './walk.js';
import { appendAll } from '../../append.js';

export const RIMT_SOURCE = 'RIMT';
const LAST_RID = 0xffff;

export function resolveRimt(table: RimtTable, resolved?: ResolvedTopology): TranslationMap {
  const paths = rimtNodePaths(table.nodes);
  const findings: Diagnostic[] = rimtFindings(table);
  const identityAt = (i: number): string | undefined => {
    const n = table.nodes[i];
    return n && isKnownRimtNode(n) && n.type === 'Iommu' ? rimtIommuIdentity(n) : undefined;
  };

  const rids = new RidTable();
  const segments = new Set<number>();
  table.nodes.forEach((n, i) => {
    if (!isKnownRimtNode(n) || n.type !== 'PcieRootComplex' || segments.has(n.pcieSegment)) return;
    segments.add(n.pcieSegment);
    // One finding per root complex, however many runs go round: the first run says where.
    let looping = 0;
    let first: { from: number; to: number; nodes: number[] } | undefined;
    mapIdRange(table, i, 0, LAST_RID, (from, to, node, id) => {
      const identity = identityAt(node);
      if (identity) rids.setRange(n.pcieSegment, from, to, identity, id);
    }, ({ cycle }) => {
      if (!cycle) return;
      looping += cycle.to - cycle.from + 1;
      if (!first || cycle.from < first.from) first = cycle;
    });
    if (first) {
      const more = looping - (first.to - first.from + 1);
      findings.push({
        severity: 'error', code: 'rimt-reference-cycle', path: paths[i]!,
        message: `RIDs ${formatSbdf(n.pcieSegment, first.from)}–${formatSbdf(n.pcieSegment, first.to)}${more ? ` (and ${more} more)` : ''} go round ` +
          `${[...new Set(first.nodes)].map((k) => paths[k]).join(' → ')} and back: Linux's walk (rimt_node_map_id) never ends for them`,
      });
    }
  });
  leaveOutSelf(rids, table, paths, findings);
  if (resolved) appendAll(findings, iommusNotFound(table, paths, resolved));
  const translations = rids.translations(RIMT_SOURCE);

  const mmio: MmioTranslation[] = [];
  const names = new Set<string>();
  table.nodes.forEach((n, i) => {
    if (!isKnownRimtNode(n) || n.type !== 'PlatformDevice' || names.has(n.deviceName)) return;
    // rimt_scan_node finds the first node with the device's name: a later one is never read.
    names.add(n.deviceName);
    const entry = platformEntry(table, n, paths[i]!, identityAt, resolved, findings);
    if (entry) mmio.push(entry);
  });

  const map: TranslationMap = { translations, mmio, findings };
  // A kernel without RIMT support refuses these devices (linux-probe.ts, riscv-iommu-linux-version), as for the topology's map.
  if (resolved) map.devices = deviceEntries(resolved.functions, translations, resolved.linux.profile);
  return map;
}

/** resolveRimt for the model a table resolver gets (what decodeTable made of a RIMT). */
export function resolveRimtModel(model: Model, resolved?: ResolvedTopology): TranslationMap {
  return resolveRimt(rimtTable(model), resolved);
}

/**
 * A PCIe IOMMU whose own RID its mappings send to itself: QEMU leaves that
 * RID out of its root complex's mapping, and rimt.c has no exception for it
 * (the IOMMU's own probe would wait for the IOMMU it is). Left out of the
 * map, as the topology leaves the function out.
 */
function leaveOutSelf(rids: RidTable, table: RimtTable, paths: readonly string[], findings: Diagnostic[]): void {
  table.nodes.forEach((n, i) => {
    if (!isKnownRimtNode(n) || n.type !== 'Iommu') return;
    const identity = rimtIommuIdentity(n);
    if (!identity.startsWith('riscv-iommu-pci@') || rids.at(n.pcieSegment, n.pcieBdf) !== identity) return;
    rids.set(n.pcieSegment, n.pcieBdf, null);
    findings.push({
      severity: 'warning', code: 'rimt-iommu-self', path: paths[i]!,
      message: `the root complex's mappings send the IOMMU's own RID ${formatSbdf(n.pcieSegment, n.pcieBdf)} to the IOMMU itself: ` +
        'Linux (rimt.c) would make the IOMMU wait for itself; left out of the map (QEMU leaves that RID out of its mapping)',
    });
  });
}

/**
 * With a topology: IOMMU nodes that no IOMMU of the topology is. Linux binds
 * an IOMMU node to the device the RISC-V IOMMU driver probes (same base, or
 * same segment and B/D/F: rimt_iommu_register); with no such device the node
 * is never registered, and the devices mapped to it wait for it
 * (rimt_iommu_xlate: -EPROBE_DEFER).
 */
function iommusNotFound(table: RimtTable, paths: readonly string[], resolved: ResolvedTopology): Diagnostic[] {
  const known = new Set(resolved.iommus.map((u) => u.identity));
  return table.nodes.flatMap((n, i) => {
    if (!isKnownRimtNode(n) || n.type !== 'Iommu') return [];
    const identity = rimtIommuIdentity(n);
    if (known.has(identity)) return [];
    return [{ severity: 'error' as const, code: 'rimt-iommu-not-found', path: paths[i]!,
      message: `the topology has no RISC-V IOMMU ${identity} (numbering ${resolved.numbering}): Linux never registers this node, ` +
        'and the devices mapped to it wait for an IOMMU that does not come' }];
  });
}

/** rimt_plat_iommu_map: the device's IDs, mapping by mapping, until one gets nowhere or reaches another IOMMU. */
function platformEntry(
  t: RimtTable,
  n: RimtPlatformDevice,
  path: string,
  identityAt: (i: number) => string | undefined,
  resolved: ResolvedTopology | undefined,
  findings: Diagnostic[],
): MmioTranslation | undefined {
  let iommu: string | undefined;
  const outputIds: number[] = [];
  const seen = new Set<number>();
  for (const [k, m] of n.idMappings.entries()) {
    const ref = m.destinationIommu;
    // rimt_node_get_id refuses every mapping with a null destination, not only the first.
    if (!('node' in ref)) break;
    const dest = t.nodes[ref.node];
    const reached = dest && isKnownRimtNode(dest) && dest.type === 'Iommu'
      ? { node: ref.node, id: m.destinationIdBase }
      : walkable(dest) ? mapId(t, ref.node, m.destinationIdBase) : undefined;
    const identity = reached && identityAt(reached.node);
    if (!reached || !identity) break;
    if (iommu !== undefined && identity !== iommu) {
      findings.push({ severity: 'warning', code: 'rimt-platform-device-iommus', path: `${path}/IdMapping[${k}]`,
        message: `this mapping reaches ${identity}, but the device's earlier mappings reach ${iommu}: Linux's iommu_fwspec_init ` +
          'refuses a second IOMMU for one device, so this mapping and those after it give the device nothing' });
      break;
    }
    iommu = identity;
    if (!seen.has(reached.id)) outputIds.push(reached.id);
    seen.add(reached.id);
  }
  if (iommu === undefined) return undefined;
  const device = resolved?.platformDevices.find((p) => p.node.acpiPath === n.deviceName);
  return { id: device?.id ?? n.deviceName, base: device?.base ?? 0n, iommu, outputIds, source: RIMT_SOURCE };
}
