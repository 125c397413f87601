/**
 * IOMMU assignment: which IOMMU translates each RID, with which output ID.
 *
 * Settings (iommu, bypassIommu, streamIdBase, msiController) are inherited
 * downward; the nearest one wins. Walking up from a node, the first node with
 * bypassIommu: true makes it untranslated, the first with iommu names the
 * unit; a host bridge with neither falls to the include-all VT-d unit of its
 * segment, if there is one (DMAR INCLUDE_PCI_ALL), else nothing translates.
 * (bypassIommu: false is no setting. On one node, bypass beats iommu.)
 *
 * THE OUTPUT-ID RULE (every table encoder follows it, and the map states it):
 * each node that carries a translation setting owns a set of RIDs:
 *   - a host bridge:  [rootBus<<8, busLimit<<8 | 0xff]
 *   - a bridge/port:  its own RID and [secondary<<8, subordinate<<8 | 0xff]:
 *                     the port and everything below it, as a DMAR type-2
 *                     scope covers the bridge itself and its subtree (every
 *                     RID-keyed format can say the same with one extra
 *                     single-RID mapping)
 *   - an endpoint:    its own RID and its quirk aliases (dmaAliases, phantom
 *                     functions), the RIDs it emits itself
 * and deeper owners override shallower ones. RID r owned by node N gets
 *   output = r                                       for a VT-d unit (source-id),
 *   output = N.streamIdBase + (r − first(N))          when N sets streamIdBase,
 *   output = r                                       otherwise (identity),
 * where first(N) is N's own RID (for a host bridge, rootBus<<8): one linear
 * offset per owner, so every owned RID maps at or above streamIdBase. N's iommu may come from above it: a streamIdBase without iommu only
 * renumbers. A device then gets, for each DMA alias, the output ID of that
 * alias RID (as Linux maps every alias through the tables).
 *
 * The virtio-iommu-pci function is never translated by itself (Linux rejects
 * a device that is its own IOMMU), so its RID is removed from its own unit;
 * so is an AMD-Vi unit's own function, whichever unit would translate it
 * (Linux's init_iommu_one clears the IOMMU's DeviceId from its lookup table
 * whatever the IVHD entries say).
 */
import type { Diagnostic } from '../diagnostic.js';
import { iommuPciFunction } from './iommu-identity.js';
import { hostBridgeSpan, ownedSpans, type RidSpan } from './rid-ownership.js';
import type { PciFunction, ResolvedHostBridge, ResolvedIommu } from './resolved.js';
import { formatBdf, type Rid } from './rid.js';
import type { HostBridge, PciNode } from './topology-schema.js';
import { RidTable } from './rid-table.js';
import type { EntryRuns, Translation } from './translation-map.js';

/** The inherited fields, as host bridges and PCI nodes both carry them. */
export type AssignmentSettings = Pick<HostBridge & PciNode, 'iommu' | 'bypassIommu' | 'streamIdBase' | 'msiController'>;

export const TOPOLOGY_SOURCE = 'topology';
const MAX_OUTPUT_ID = 0xffffffff;

/** Settings from `start` up to its host bridge, nearest first. */
export function settingsChain(start: PciFunction | null, hostBridge: ResolvedHostBridge): AssignmentSettings[] {
  const chain: AssignmentSettings[] = [];
  for (let f = start; f; f = f.parent) chain.push(f.node);
  chain.push(hostBridge.node);
  return chain;
}

/** Settings that govern a function's own RID: its own first (a bridge's setting covers the bridge too). */
export function ownRidChain(f: PciFunction): AssignmentSettings[] {
  return settingsChain(f, f.hostBridge);
}

/** INCLUDE_PCI_ALL: the VT-d unit that takes every otherwise unclaimed device of a segment. */
export function includeAllUnit(iommus: readonly ResolvedIommu[], segment: number): ResolvedIommu | undefined {
  return iommus.find((u) => u.node.type === 'vtd' && u.node.includeAll === true && u.segment === segment);
}

/** Id of the IOMMU the chain assigns, or null (bypassed, or nothing above it). */
export function effectiveIommu(chain: readonly AssignmentSettings[], fallback: ResolvedIommu | undefined): string | null {
  for (const s of chain) {
    if (s.bypassIommu === true) return null;
    if (s.iommu !== undefined) return s.iommu;
  }
  return fallback?.id ?? null;
}

export function nearestMsiController(chain: readonly AssignmentSettings[]): string | null {
  return chain.find((s) => s.msiController !== undefined)?.msiController ?? null;
}

const hasTranslationSetting = (s: AssignmentSettings) =>
  s.bypassIommu === true || s.iommu !== undefined || s.streamIdBase !== undefined;

/** One owner of the rule above: a set of RIDs, the settings that govern it, and its first RID. */
interface RidOwner {
  id: string;
  docPath: string;
  segment: number;
  chain: AssignmentSettings[];
  first: Rid;
  spans: readonly RidSpan[];
}

function owners(hostBridges: readonly ResolvedHostBridge[], functions: readonly PciFunction[]): RidOwner[] {
  const list: RidOwner[] = hostBridges.map((hb) => {
    const [first, last] = hostBridgeSpan(hb);
    return { id: hb.id, docPath: hb.docPath, segment: hb.segment, chain: settingsChain(null, hb), first, spans: [[first, last]] };
  });
  // Depth-first, so a deeper owner is painted after (over) the ones above it.
  for (const f of functions) {
    if (!hasTranslationSetting(f.node)) continue;
    list.push({ id: f.id, docPath: f.docPath, segment: f.segment, chain: settingsChain(f, f.hostBridge), first: f.rid, spans: ownedSpans(f) });
  }
  return list;
}

export interface AssignedTranslations {
  translations: Translation[];
  /** The topology node (host bridge or function, by its document path) whose settings decide each run. */
  entries: EntryRuns;
  findings: Diagnostic[];
}

/** The translations the topology says, by the rule at the top of this file. */
export function assignTranslations(
  hostBridges: readonly ResolvedHostBridge[],
  functions: readonly PciFunction[],
  iommus: readonly ResolvedIommu[],
): AssignedTranslations {
  const table = new RidTable();
  const findings: Diagnostic[] = [];
  const byId = new Map(iommus.map((u) => [u.id, u]));

  for (const owner of owners(hostBridges, functions)) {
    const iommuId = effectiveIommu(owner.chain, includeAllUnit(iommus, owner.segment));
    const unit = iommuId === null ? undefined : byId.get(iommuId);
    const base = owner.chain[0]!.streamIdBase;
    const identity = unit === undefined || unit.node.type === 'vtd' || unit.node.type === 'amd-vi' || base === undefined;
    let reported = false;
    const origin = { path: owner.docPath };
    for (const [first, last] of owner.spans) {
      if (identity) {
        table.setRange(owner.segment, first, last, unit?.identity ?? null, first, 1, origin);
        continue;
      }
      // Outputs grow with the RID, so a span splits at most once: in range below, past MAX_OUTPUT_ID above.
      const output = (r: Rid) => base + (r - owner.first);
      const fits = Math.min(last, MAX_OUTPUT_ID - base + owner.first);
      const firstFitting = Math.max(first, owner.first - base);
      if (firstFitting <= fits) table.setRange(owner.segment, firstFitting, fits, unit?.identity ?? null, output(firstFitting), 1, origin);
      const bad = first < firstFitting ? first : fits < last ? Math.max(first, fits + 1) : undefined;
      if (bad === undefined) continue;
      if (!reported) findings.push(outputOutOfRange(owner, bad, output(bad)));
      reported = true;
      if (first < firstFitting) table.setRange(owner.segment, first, Math.min(last, firstFitting - 1), null);
      if (fits < last) table.setRange(owner.segment, Math.max(first, fits + 1), last, null);
    }
  }

  for (const unit of iommus) {
    const device = iommuPciFunction(unit.node);
    if (device === undefined) continue;
    const self = functions.find((f) => f.id === device);
    // Linux clears an AMD-Vi unit's DeviceId from its lookup table once it has parsed the unit's IVHD, after any
    // IVHD before it named the function: whichever unit the topology gives it, Linux's answer is none (or hangs on block order).
    const mine = unit.node.type === 'amd-vi' || (self && table.at(self.segment, self.rid) === unit.identity);
    if (self && mine) table.set(self.segment, self.rid, null);
  }

  const translations = table.translations(TOPOLOGY_SOURCE);
  return { translations, entries: table.entries(), findings };
}

function outputOutOfRange(owner: RidOwner, r: Rid, output: number): Diagnostic {
  return {
    severity: 'error',
    code: 'output-id-out-of-range',
    path: owner.docPath,
    message:
      `${owner.id}: streamIdBase gives RID ${formatBdf(r)} the output ID ${output}, outside 0..0xffffffff; ` +
      'such RIDs are left untranslated',
  };
}
