/**
 * DMAR → translation map, the way Linux binds devices to remapping units.
 *
 * Linux keeps non-include-all DRHDs in reverse table order and include-all
 * units at the tail, and gives a device the first unit whose scopes name the
 * device or a bridge above it. Painting a RID table in the opposite order
 * (include-all units over their whole segment first, then the other DRHDs in
 * table order, later paint winning) gives every RID that same answer.
 *
 * With a topology, scope paths are followed through the bridges' secondary
 * buses under the topology's numbering, so a sub-hierarchy scope covers the
 * bridge's whole bus range. Without one, only one-hop scopes name a RID
 * (root bus + devfn); sub-hierarchies and longer paths are reported as
 * unresolved, never guessed, and an include-all unit is mapped only where
 * nothing unresolved could take RIDs from it.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { deviceEntries } from '../../model/devices.js';
import { formatAddress } from '../../model/address.js';
import type { PciFunction, ResolvedTopology } from '../../model/resolved.js';
import { devfn, rid } from '../../model/rid.js';
import { RidTable } from '../../model/rid-table.js';
import { GAP_REMEDY, type MapGap, type TranslationMap } from '../../model/translation-map.js';
import type { DmarDeviceScope, DmarDrhd, DmarTable } from './model.js';
import { followScopePath, formatScopePath } from './pci-scope.js';
import { DmarScopeType } from './spec.js';

export const DMAR_SOURCE = 'DMAR';
const LAST_RID = 0xffff;

export function vtdIdentity(drhd: Pick<DmarDrhd, 'registerBaseAddress'>): string {
  return `vtd@${formatAddress(drhd.registerBaseAddress)}`;
}

interface IndexedDrhd {
  drhd: DmarDrhd;
  path: string;
}

export function resolveDmar(table: DmarTable, resolved?: ResolvedTopology): TranslationMap {
  const findings: Diagnostic[] = [];
  const drhds: IndexedDrhd[] = [];
  // A damaged table's model lacks what its bytes lack: no structure list when the header is cut short.
  for (const s of table.remappingStructures ?? []) {
    if (s.type === 'DRHD') drhds.push({ drhd: s, path: `DMAR/DRHD[${drhds.length}]` });
  }
  const includeAll = drhds.filter((d) => (d.drhd.flags & 1) !== 0);
  const specific = drhds.filter((d) => (d.drhd.flags & 1) === 0);

  const rids = new RidTable();
  const painted: { unit: IndexedDrhd; paint: () => void }[] = [];
  const unresolvedSegments = new Set<number>();
  let pciScopes = 0;
  let unresolvedScopes = 0;

  for (const unit of specific) {
    const { drhd } = unit;
    drhd.deviceScopes.forEach((scope, i) => {
      if (scope.type !== DmarScopeType.PCI_ENDPOINT && scope.type !== DmarScopeType.PCI_SUB_HIERARCHY) return;
      if (!Array.isArray(scope.path)) return; // a scope too short for its fields is kept as raw bytes: no path to follow
      pciScopes++;
      const where = `${unit.path}/DeviceScope[${i}]`;
      const range = resolved
        ? scopeRangeInTopology(resolved, drhd.segmentNumber, scope, where, findings)
        : scopeRangeAlone(scope, where, findings);
      // Without a topology a bridge's subtree is unknown: its RIDs may belong here or to an include-all unit.
      if (!resolved && (range === undefined || !range.buses && scope.type === DmarScopeType.PCI_SUB_HIERARCHY)) {
        unresolvedSegments.add(drhd.segmentNumber);
        unresolvedScopes++;
      }
      if (range === undefined) return;
      painted.push({ unit, paint: () => paintRange(rids, drhd, range, where) });
    });
  }

  // Include-all units: the first one of a segment wins in Linux, so paint in reverse.
  const leftOut: IndexedDrhd[] = [];
  for (const unit of [...includeAll].reverse()) {
    const segment = unit.drhd.segmentNumber;
    if (!resolved && unresolvedSegments.has(segment)) {
      leftOut.unshift(unit);
      findings.push({
        severity: 'info',
        code: 'dmar-include-all-unresolved',
        path: unit.path,
        message:
          `include-all unit ${vtdIdentity(unit.drhd)} takes every RID of segment ${segment} that other units do not; ` +
          'some of their scopes need a topology to resolve, so its share is not mapped (give --topology)',
      });
      continue;
    }
    rids.setRange(segment, 0, LAST_RID, vtdIdentity(unit.drhd), undefined, 1, { path: unit.path });
  }
  for (const p of painted) p.paint();

  const translations = rids.translations(DMAR_SOURCE);
  const map: TranslationMap = { translations, entries: rids.entries(), mmio: [], findings };
  const gap = structuresGap(table) ?? scopesGap(pciScopes, unresolvedScopes, leftOut);
  if (gap) map.gaps = [gap];
  if (resolved) map.devices = deviceEntries(resolved.functions, translations, resolved.linux.profile);
  return map;
}

/** A DMAR whose structures were not decoded (over the size limit, a cut header) maps nothing, and says so. */
function structuresGap(table: DmarTable): MapGap | undefined {
  if (Array.isArray(table.remappingStructures)) return undefined;
  return {
    table: DMAR_SOURCE,
    missing: 'the DMAR\'s structures were not decoded',
    message: 'the table\'s remapping structures were not decoded (see the decode error): the map does not include this DMAR',
  };
}

/**
 * Without a topology, scopes with more than one hop and the buses below a
 * sub-hierarchy scope are unknown (each is an info finding under -v); the map
 * says once, always, how much that leaves out.
 */
function scopesGap(pciScopes: number, unresolved: number, includeAllLeftOut: readonly IndexedDrhd[]): MapGap | undefined {
  if (unresolved === 0) return undefined;
  const units = includeAllLeftOut.map((u) => `${vtdIdentity(u.drhd)} (segment ${u.drhd.segmentNumber})`);
  const includeAll = units.length
    ? `; the include-all unit${units.length === 1 ? '' : 's'} ${units.join(', ')} ${units.length === 1 ? 'is' : 'are'} left out too, as ${units.length === 1 ? 'its' : 'their'} share depends on them`
    : '';
  return {
    table: DMAR_SOURCE,
    missing: `${unresolved} DMAR scope${unresolved === 1 ? '' : 's'} need${unresolved === 1 ? 's' : ''} a topology`,
    message:
      `${unresolved} of ${pciScopes} device scopes could not be resolved without a topology ` +
      `(bus numbers below bridges are unknown)${includeAll}: ${GAP_REMEDY}`,
  };
}

/** RIDs a scope covers: the function's own RID and, for a bridge, its bus range. */
interface ScopeRange {
  rid: number;
  buses?: [number, number];
}

function paintRange(rids: RidTable, drhd: DmarDrhd, range: ScopeRange, path: string): void {
  const identity = vtdIdentity(drhd);
  rids.set(drhd.segmentNumber, range.rid, identity, range.rid, { path });
  if (range.buses) rids.setRange(drhd.segmentNumber, rid(range.buses[0], 0), rid(range.buses[1], 0xff), identity, undefined, 1, { path });
}

function scopeRangeInTopology(
  resolved: ResolvedTopology,
  segment: number,
  scope: DmarDeviceScope,
  path: string,
  findings: Diagnostic[],
): ScopeRange | undefined {
  const target = followScopePath(resolved, segment, scope);
  if ('problem' in target) {
    findings.push({
      severity: 'error',
      code: 'dmar-scope-no-device',
      path,
      message: `scope ${formatScopePath(scope)} names no device in the topology: ${target.problem}`,
    });
    return undefined;
  }
  const f = target.function;
  const mismatch = typeMismatch(scope, f);
  if (mismatch) {
    // Linux refuses such a scope ("Device scope type does not match") and binds nothing through it.
    findings.push({ severity: 'error', code: 'dmar-scope-type-mismatch', path, message: mismatch });
    return undefined;
  }
  return f.isBridge ? { rid: f.rid, buses: [f.secondary!, f.subordinate!] } : { rid: f.rid };
}

function typeMismatch(scope: DmarDeviceScope, f: PciFunction): string | undefined {
  if (scope.type === DmarScopeType.PCI_ENDPOINT && f.isBridge) {
    return `scope ${formatScopePath(scope)} is a PCI endpoint scope but names ${f.id}, a ${f.kind}; bridges take sub-hierarchy scopes`;
  }
  if (scope.type === DmarScopeType.PCI_SUB_HIERARCHY && !f.isBridge) {
    return `scope ${formatScopePath(scope)} is a PCI sub-hierarchy scope but names ${f.id}, a ${f.kind}, which has no bus below it`;
  }
  return undefined;
}

function scopeRangeAlone(scope: DmarDeviceScope, path: string, findings: Diagnostic[]): ScopeRange | undefined {
  if (scope.path.length !== 1) {
    findings.push({
      severity: 'info',
      code: 'dmar-unresolved-path',
      path,
      message: `scope ${formatScopePath(scope)} has ${scope.path.length} hops; following it needs the bridges' bus numbers (give --topology)`,
    });
    return undefined;
  }
  const hop = scope.path[0]!;
  const r = rid(scope.startBusNumber, devfn(hop.device, hop.function));
  if (scope.type === DmarScopeType.PCI_SUB_HIERARCHY) {
    findings.push({
      severity: 'info',
      code: 'dmar-unresolved-subtree',
      path,
      message: `scope ${formatScopePath(scope)} covers the bridge and everything below it; which buses that is needs a topology (give --topology)`,
    });
  }
  return { rid: r };
}
