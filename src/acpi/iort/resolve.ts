/**
 * IORT → translation map, the way Linux binds devices to SMMUs.
 *
 * PCI: Linux takes the first root complex whose PCI segment is the device's
 * and walks each RID from it (walk.ts) until an SMMU; the StreamID is what
 * the walk carries there. Every RID of each segment is walked, so that the
 * table's quirks (inclusive ends, tentative last IDs, skipped DeviceID
 * mappings) show exactly as Linux applies them. The RIDs are the OS's live
 * bus numbers, so with a topology the devices' entries come from its
 * numbering (deviceEntries, shared with every other format).
 *
 * Platform devices: each named component's mappings, walked to an SMMU,
 * give its stream IDs; with a topology the platform device with the same
 * ACPI path supplies id and base, otherwise the name is the key.
 */
import { hasErrors, type Diagnostic } from '../../diagnostic.js';
import { deviceEntries } from '../../model/devices.js';
import { formatAddress } from '../../model/address.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { RidTable } from '../../model/rid-table.js';
import type { EntryRuns, MmioTranslation, MsiTranslation, TranslationMap } from '../../model/translation-map.js';
import { msiRuns, deviceMsiOf } from '../../model/device-msi.js';
import { itsIdentity } from '../../model/iommu-identity.js';
import { allStructures, structureTree, type Model } from '../../codec/index.js';
import { iortFindings, nodePaths } from './findings.js';
import { msiWalk, type MsiRun } from './msi-findings.js';
import { iortTable, isKnownNode, type IortNamedComponent, type IortNode, type IortTable } from './model.js';
import { iortSpec, SINGLE_MAPPING } from './spec.js';
import { IOMMU_NODES, MSI_NODES, mapIdRange, mapPlatformId, stepMapping } from './walk.js';
import { appendAll } from '../../append.js';

export const IORT_SOURCE = 'IORT';
const RIDS_PER_SEGMENT = 0x10000;
/** IDs walked per named-component mapping: bounds the work on a corrupt Number of IDs. */
const MAX_NC_IDS_PER_MAPPING = 0x1000;

/** `smmuv3@0x<base>` or `smmuv2@0x<base>` (SMMUv1 and v2 share the node type and the name). */
export function iortIommuIdentity(n: IortNode): string | undefined {
  if (n.type === 'SmmuV3') return `smmuv3@${formatAddress(n.baseAddress)}`;
  if (n.type === 'Smmu') return `smmuv2@${formatAddress(n.baseAddress)}`;
  return undefined;
}

export function resolveIort(table: IortTable, resolved?: ResolvedTopology): TranslationMap {
  const findings: Diagnostic[] = iortFindings(table);
  // A reference error (dangling, to itself, in a cycle) already says that walks break; the MSI walks would only repeat it.
  const msiWalked = hasErrors(findings) ? undefined : msiWalk(table);
  if (msiWalked) appendAll(findings, msiWalked.findings);
  const identityAt = (index: number): string | undefined => {
    const n = table.nodes[index];
    return n && isKnownNode(n) ? iortIommuIdentity(n) : undefined;
  };

  const rids = new RidTable();
  const segments = new Set<number>();
  const paths = nodePaths(table);
  const scratch = { id: 0 };
  table.nodes.forEach((n, i) => {
    if (!isKnownNode(n) || n.type !== 'RootComplex' || segments.has(n.pciSegmentNumber)) return;
    segments.add(n.pciSegmentNumber);
    if (n.idMappings.length === 0) return;
    mapIdRange(table, i, 0, RIDS_PER_SEGMENT - 1, IOMMU_NODES, (from, to, node, id, step) => {
      const identity = identityAt(node);
      if (!identity) return;
      // The root complex's mapping that sends these RIDs on is the entry that decides them (one per run, all alike).
      const mapping = stepMapping(n, from, scratch);
      rids.setRange(n.pciSegmentNumber, from, to, identity, id, step, mapping < 0 ? undefined : { path: `${paths[i]}/IdMapping[${mapping}]` });
    });
  });
  const translations = rids.translations(IORT_SOURCE);

  const mmio: MmioTranslation[] = [];
  table.nodes.forEach((n, i) => {
    if (isKnownNode(n) && n.type === 'NamedComponent') appendAll(mmio, namedComponentEntries(table, i, n, identityAt, resolved));
  });

  const map: TranslationMap = { translations, entries: rids.entries(), mmio, findings };
  // The MSI side, where the table has an ITS group (without one, MSIs are not IORT's business).
  const msi = msiWalked && table.nodes.some((n) => isKnownNode(n) && n.type === 'ItsGroup') ? iortMsiRuns(table, msiWalked.runs, paths) : undefined;
  if (msi) Object.assign(map, msi);
  if (resolved) {
    map.devices = deviceEntries(resolved.functions, translations, resolved.linux.profile);
    if (msi) map.deviceMsi = deviceMsiOf(resolved.byId, msi.msi);
  }
  return map;
}

/**
 * The RIDs whose MSI walk (iort_msi_map_id) reaches an ITS group, as MSI
 * runs: the ITS is the group's first identifier (iort_dev_find_its_id reads
 * index 0), the DeviceID what the walk carries there, and the entry that
 * decides is the root complex's mapping the walk leaves by (an SMMUv3's
 * mapping to the ITS may follow it).
 */
function iortMsiRuns(t: IortTable, runs: readonly MsiRun[], paths: readonly string[]): { msi: MsiTranslation[]; msiEntries: EntryRuns } {
  const table = new RidTable();
  const scratch = { id: 0 };
  for (const r of runs) {
    const group = t.nodes[r.its];
    const first = group && isKnownNode(group) && group.type === 'ItsGroup' ? group.itsIdentifiers[0] : undefined;
    if (first === undefined) continue; // an ITS group with no identifier: Linux finds no ITS for it
    const rc = t.nodes[r.rc]!;
    const mapping = isKnownNode(rc) ? stepMapping(rc, r.first, scratch) : -1;
    table.setRange(r.segment, r.first, r.last, itsIdentity({ translationId: first }), r.id, r.step, mapping < 0 ? undefined : { path: `${paths[r.rc]}/IdMapping[${mapping}]` });
  }
  return msiRuns(table, IORT_SOURCE);
}

/**
 * The map of an IORT as decodeTable gives it (the declaration's model is the
 * IORT model); findings get the byte offset of the part their path names.
 * What decode itself finds (Node Offset, Node Count, arrays that do not
 * fit, ...) is in the table's diagnostics, not repeated here.
 */
export function resolveIortWire(model: Model, resolved?: ResolvedTopology): TranslationMap {
  const map = resolveIort(iortTable(model), resolved);
  map.findings = placed(model, map.findings);
  return map;
}

/**
 * What resolveIortWire finds about the table itself, without walking every
 * ID to an SMMU (no MSI walks either): for `decode`, which has no map to
 * print and must stay quick on a table with 800,000 stream IDs.
 */
export function iortWireFindings(model: Model, codes?: ReadonlySet<string>): Diagnostic[] {
  return placed(model, iortFindings(iortTable(model), codes));
}

/** Where each structure path of a model sits (the first structure of a path; placed on first call). */
export function offsetsOf(model: Model, path = 'IORT'): (p: string) => number | undefined {
  let offsets: Map<string, number> | undefined;
  return (p) => {
    if (!offsets) {
      offsets = new Map();
      for (const s of allStructures(structureTree(iortSpec(), model, path))) if (!offsets.has(s.path)) offsets.set(s.path, s.offset);
    }
    return offsets.get(p);
  };
}

/** The model's findings name parts by path; the layout knows where each part is. */
function placed(model: Model, findings: Diagnostic[]): Diagnostic[] {
  const offsetOf = offsetsOf(model);
  return findings.map((d) => {
    const offset = d.offset === undefined && d.path ? offsetOf(d.path) : undefined;
    return offset === undefined ? d : { ...d, offset };
  });
}

/**
 * A named component's stream IDs, one entry per SMMU they reach. A single
 * mapping gives the component's own ID, walked on from the node it names
 * (Linux's way for platform devices); any other mapping translates the
 * input IDs a bus gives the device, each walked from the component.
 */
function namedComponentEntries(
  t: IortTable,
  index: number,
  n: IortNamedComponent,
  identityAt: (i: number) => string | undefined,
  resolved: ResolvedTopology | undefined,
): MmioTranslation[] {
  // Output IDs per IOMMU, each once, in the order first reached: each run of the walk is added as a range, and
  // repeats are found in a set (a search of the list per ID made 200 mappings of 4,096 IDs take minutes).
  const byIommu = new Map<string, { outputIds: number[]; seen: Set<number> }>();
  const add = (node: number, first: number, count: number) => {
    const identity = identityAt(node);
    if (!identity) return;
    let entry = byIommu.get(identity);
    if (!entry) byIommu.set(identity, (entry = { outputIds: [], seen: new Set() }));
    for (let k = 0; k < count; k++) {
      const id = (first + k) >>> 0;
      if (entry.seen.has(id)) continue;
      entry.seen.add(id);
      entry.outputIds.push(id);
    }
  };
  n.idMappings.forEach((m, k) => {
    if ((m.flags & SINGLE_MAPPING) !== 0) {
      const reached = mapPlatformId(t, index, k, IOMMU_NODES);
      if (reached) add(reached.node, reached.id, 1);
      return;
    }
    const last = Math.min(m.inputBase + Math.min(m.numberOfIds, MAX_NC_IDS_PER_MAPPING - 1), 0xffffffff);
    // A run of step 0 gives every input ID the same output ID.
    mapIdRange(t, index, m.inputBase, last, IOMMU_NODES, (from, to, node, id, step) => add(node, id, step === 0 ? 1 : to - from + 1));
  });
  const device = resolved?.platformDevices.find((p) => p.node.acpiPath === n.deviceName);
  const msi = namedComponentMsi(t, index, n);
  return [...byIommu].map(([iommu, { outputIds }]) => ({
    id: device?.id ?? n.deviceName,
    // The IORT gives a named component no address: a topology's device has one, the table alone its DMA address size.
    ...(device ? { base: device.base } : { addressBits: n.memoryAddressLimit }),
    iommu,
    outputIds,
    source: IORT_SOURCE,
    ...(msi === undefined ? {} : { msi }),
  }));
}

/**
 * iort_pmsi_get_dev_id: a named component's MSIs go with the first of its
 * single mappings that reaches an ITS group (walked on from the node it
 * names); none reaching one: no MSI domain. Undefined where the table has no
 * ITS group (MSIs are then not IORT's business).
 */
function namedComponentMsi(t: IortTable, index: number, n: IortNamedComponent): { its: string; deviceId: number } | null | undefined {
  if (!t.nodes.some((x) => isKnownNode(x) && x.type === 'ItsGroup')) return undefined;
  for (let k = 0; k < n.idMappings.length; k++) {
    const reached = mapPlatformId(t, index, k, MSI_NODES);
    const group = reached && t.nodes[reached.node];
    const first = group && isKnownNode(group) && group.type === 'ItsGroup' ? group.itsIdentifiers[0] : undefined;
    if (reached && first !== undefined) return { its: itsIdentity({ translationId: first }), deviceId: reached.id };
  }
  return null;
}
