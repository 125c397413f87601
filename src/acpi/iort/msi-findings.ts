/**
 * Where MSIs go, the way Linux finds a device's ITS (drivers/acpi/arm64/
 * iort.c): a PCI device's RID is walked from its segment's root complex
 * towards an ITS group (iort_msi_map_id, iort_dev_find_its_id), a named
 * component's single mappings each from the node they name
 * (iort_get_platform_device_domain, iort_pmsi_get_dev_id). Every node on
 * the way skips its own DeviceID mapping (walk.ts, specialMappingIndex), so
 * an SMMUv3 whose Device ID Mapping Index names the mapping meant for its
 * masters sends their MSIs nowhere: Linux then gives the device no MSI
 * domain, and a PCI device falls back to INTx or fails to probe.
 *
 * Only tables with an ITS group are looked at: without one, MSIs are not
 * IORT's business (GICv2m, or no MSIs). The RIDs looked at are those the
 * root complex routes at all (its mappings' input ranges): RIDs no mapping
 * covers are bus numbers the platform does not have. resolve.ts asks only
 * when the table has no reference error: a broken walk is reported there.
 *
 * The same walks find RIDs of different requesters that reach one ITS group
 * with one DeviceID, as when two SMMUs each number their masters' stream IDs
 * from 0 and both hand them on to the ITS unchanged. The ITS tells devices
 * apart by DeviceID only: Linux sets the second device up on the first's
 * interrupt translation table ("Reusing ITT for devID", its_msi_prepare),
 * which was sized for the first device's vectors alone, so the second
 * device's MSIs may fail to allocate and its driver to probe.
 */
import type { Diagnostic, Severity } from '../../diagnostic.js';
import { formatSbdf } from '../../model/rid.js';
import { RidTable } from '../../model/rid-table.js';
import { IortCode } from './codes.js';
import { nodePaths, nodeTitle } from './findings.js';
import { isKnownNode, type IortIdMapping, type IortNode, type IortRootComplex, type IortTable } from './model.js';
import { SINGLE_MAPPING } from './spec.js';
import { IOMMU_NODES, mapId, mapIdRange, mapPlatformId, MAX_RID, MSI_NODES, ridRange, specialMappingIndex } from './walk.js';

type At = (severity: Severity, code: string, path: string, message: string) => void;

/** Runs of lost RIDs named in one finding; the rest are counted. */
const MAX_RUNS_LISTED = 4;

const hex = (n: number): string => '0x' + n.toString(16);

export function msiFindings(t: IortTable): Diagnostic[] {
  return msiWalk(t).findings;
}

/**
 * The MSI walks once: their findings, and the runs of RIDs that reach an
 * ITS group (the MSI side of the map, resolve.ts), in walk order.
 */
export function msiWalk(t: IortTable): { findings: Diagnostic[]; runs: MsiRun[] } {
  const out: Diagnostic[] = [];
  const reached: MsiRun[] = [];
  if (!t.nodes.some((n) => isKnownNode(n) && n.type === 'ItsGroup')) return { findings: out, runs: reached };
  const paths = nodePaths(t);
  const at: At = (severity, code, path, message) => out.push({ severity, code, path, message });
  const segments = new Set<number>();
  t.nodes.forEach((n, i) => {
    if (!isKnownNode(n)) return;
    if (n.type === 'RootComplex' && !segments.has(n.pciSegmentNumber)) {
      // Linux uses the first root complex of a segment (rcSegmentDuplicate says so for the others).
      segments.add(n.pciSegmentNumber);
      rootComplexMsis(t, i, n, paths[i]!, at, reached);
    } else if (n.type === 'NamedComponent') {
      namedComponentMsis(t, i, n.idMappings, n.deviceName, paths[i]!, at);
    }
  });
  sharedDeviceIds(t, reached, paths, at);
  return { findings: out, runs: reached };
}

/** RIDs first..last of a segment's root complex (node rc) whose MSIs reach ITS group node `its` with DeviceIDs from `id` (step 0: all the same). */
export interface MsiRun {
  rc: number;
  segment: number;
  first: number;
  last: number;
  its: number;
  id: number;
  step: 0 | 1;
}

const lastId = (r: MsiRun) => r.id + (r.last - r.first) * r.step;
const ridText = (r: MsiRun) => (r.first === r.last ? formatSbdf(r.segment, r.first) : `${formatSbdf(r.segment, r.first)}-${formatSbdf(r.segment, r.last)}`);
const idText = (first: number, last: number) => (first === last ? hex(first) : `${hex(first)}-${hex(last)}`);

/** The walk's runs (cut wherever a mapping starts or ends) joined again where RIDs and DeviceIDs both continue. */
function joinedRuns(runs: readonly MsiRun[]): MsiRun[] {
  const out: MsiRun[] = [];
  for (const r of runs) {
    const prev = out[out.length - 1];
    const linear = (x: MsiRun) => x.step === 1 || x.first === x.last;
    if (prev && prev.rc === r.rc && prev.its === r.its && linear(prev) && linear(r) && r.first === prev.last + 1 && r.id === lastId(prev) + 1) {
      out[out.length - 1] = { ...prev, last: r.last, step: 1 };
    } else out.push(r);
  }
  return out;
}

/**
 * Runs whose DeviceIDs overlap at one ITS group: per group, runs sorted by
 * first DeviceID, each compared with the run reaching furthest so far (one
 * sweep, no per-ID work). One finding per ITS group, on the root complex of
 * the first overlap, listing a few.
 */
function sharedDeviceIds(t: IortTable, runs: readonly MsiRun[], paths: readonly string[], at: At): void {
  const byIts = new Map<number, MsiRun[]>();
  for (const r of joinedRuns(runs)) {
    const list = byIts.get(r.its);
    if (list) list.push(r);
    else byIts.set(r.its, [r]);
  }
  for (const [its, list] of byIts) {
    list.sort((a, b) => a.id - b.id);
    const clashes: string[] = [];
    let count = 0;
    let firstRc = -1;
    let widest: MsiRun | undefined;
    for (const r of list) {
      if (widest && r.id <= lastId(widest)) {
        count++;
        if (firstRc < 0) firstRc = widest.rc;
        if (clashes.length < MAX_RUNS_LISTED) {
          const shared = idText(r.id, Math.min(lastId(r), lastId(widest)));
          clashes.push(`${ridText(widest)} and ${ridText(r)} (DeviceID ${shared})`);
        }
      }
      if (!widest || lastId(r) > lastId(widest)) widest = r;
    }
    if (count === 0) continue;
    const more = count > clashes.length ? ` and ${count - clashes.length} more` : '';
    at('warning', IortCode.msiDeviceIdShared, paths[firstRc]!,
      `requester IDs of different devices reach ${nodeTitle(t, its)} with the same DeviceIDs: ${clashes.join(', ')}${more}. ` +
      'The ITS tells devices apart by DeviceID only: Linux sets the later device up on the earlier one\'s interrupt translation ' +
      'table ("Reusing ITT for devID"), sized for that device\'s vectors alone, so its MSIs may fail to allocate. ' +
      'Give them distinct DeviceIDs (e.g. SMMUs whose stream IDs overlap each need their own output range at the ITS)');
  }
}

/** The 16-bit RIDs a root complex routes and whose walk reaches no ITS group, as runs. */
function rootComplexMsis(t: IortTable, index: number, rc: IortRootComplex, path: string, at: At, runs: MsiRun[]): void {
  const lost = new RidTable();
  for (const m of rc.idMappings) {
    const range = ridRange(m);
    if (range) lost.setRange(0, range[0], range[1], 'lost');
  }
  const segment = rc.pciSegmentNumber;
  const reached = (from: number, to: number, node: number, id: number, step: 0 | 1) => {
    lost.setRange(0, from, to, null);
    const target = t.nodes[node];
    if (target && isKnownNode(target) && target.type === 'ItsGroup') runs.push({ rc: index, segment, first: from, last: to, its: node, id, step });
  };
  const cut = (from: number, to: number) => lost.setRange(0, from, to, null);
  // A walk cut at MAX_WALK_STEPS (a cycle, reported as such, or a hostile chain Linux would follow on) proves nothing.
  mapIdRange(t, index, 0, MAX_RID, MSI_NODES, reached, cut);
  const lostRuns = lost.translations(IortCode.msiUnreachable);
  if (lostRuns.length === 0) return;
  const listed = lostRuns.slice(0, MAX_RUNS_LISTED).map((r) => (r.first === r.last ? formatSbdf(segment, r.first) : `${formatSbdf(segment, r.first)}-${formatSbdf(segment, r.last)}`));
  const more = lostRuns.length > MAX_RUNS_LISTED ? ` and ${lostRuns.length - MAX_RUNS_LISTED} more range(s)` : '';
  at('error', IortCode.msiUnreachable, path,
    `the MSIs of PCI requester IDs ${listed.join(', ')}${more} reach no ITS group: ${whyLost(t, index, lostRuns[0]!.first)}; ` +
    'Linux gives these devices no MSI domain');
}

/** A named component whose single mappings all lead to no ITS group, while one of them reaches an SMMU that skips its masters' mapping. */
function namedComponentMsis(t: IortTable, index: number, maps: readonly IortIdMapping[], name: string, path: string, at: At): void {
  const singles = maps.map((m, k) => ({ m, k })).filter(({ m }) => (m.flags & SINGLE_MAPPING) !== 0);
  if (singles.length === 0 || singles.some(({ k }) => mapPlatformId(t, index, k, MSI_NODES) !== undefined)) return;
  // A platform device may use wired interrupts only: say so only where the table meant its MSIs to reach an ITS.
  const skipped = singles.map(({ m }) => ('node' in m.outputReference ? skippedMastersMapping(t, m.outputReference.node, m.outputBase) : undefined)).find((s) => s);
  if (!skipped) return;
  at('error', IortCode.msiUnreachable, path, `the MSIs of ${name} reach no ITS group: ${skipped}; Linux gives it no MSI domain`);
}

/** Why RID `rid`, walked from root complex `start`, reaches no ITS group. */
function whyLost(t: IortTable, start: number, rid: number): string {
  const smmu = mapId(t, start, rid, IOMMU_NODES);
  if (!smmu) return `the walk of RID ${hex(rid)} from the root complex ends before an SMMU or an ITS group`;
  return skippedMastersMapping(t, smmu.node, smmu.id) ?? `${nodeTitle(t, smmu.node)} maps stream ID ${hex(smmu.id)} to no ITS group`;
}

/**
 * When stream ID `id` at IOMMU node `node` is matched only by the mapping
 * Linux skips as the node's own DeviceID mapping, and that mapping leads to
 * an ITS group: what went wrong, in words. Undefined otherwise.
 */
function skippedMastersMapping(t: IortTable, node: number, id: number): string | undefined {
  const n = t.nodes[node];
  if (!n || !isKnownNode(n) || !IOMMU_NODES.has(n.type) || mapId(t, node, id, MSI_NODES)) return undefined;
  const skip = specialMappingIndex(n).index;
  const m = n.idMappings[skip];
  if (!m || (m.flags & SINGLE_MAPPING) !== 0 || !('node' in m.outputReference)) return undefined;
  const last = (m.inputBase + m.numberOfIds) >>> 0;
  if (id < m.inputBase || id > last) return undefined;
  const its = mapId(t, m.outputReference.node, (m.outputBase + (id - m.inputBase)) >>> 0, MSI_NODES);
  if (!its) return undefined;
  return `stream ID ${hex(id)} at ${nodeTitle(t, node)} is matched only by its IdMapping[${skip}] (to the ITS group), ` +
    `which its Device ID Mapping Index ${skip} names as the SMMU's own DeviceID mapping (${whyIndexCounts(n)}), so Linux skips it for the masters`;
}

function whyIndexCounts(n: IortNode): string {
  if (n.type !== 'SmmuV3') return 'index in use';
  return n.revision >= 5 ? 'the DeviceID Valid flag is set' : `node revision ${n.revision}: the index counts unless all four GSIVs are set`;
}
