/**
 * Bus number ranges of host bridges. Root bus numbers are fixed by firmware
 * (_BBN) and never renumbered by the OS, so two host bridges of one segment
 * must decode disjoint ranges, and an expander (pxb) must say where its
 * range starts: above the main bridge's root bus.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { lowerBound } from '../../lower-bound.js';
import { childPath } from '../doc-path.js';
import type { HostBridge } from '../topology-schema.js';
import { finding } from './finding.js';
import { groupBy, listed, type TopologyIndex } from './topology-index.js';

const LAST_BUS = 0xff;

interface BusRange {
  hostBridge: HostBridge;
  path: string;
  first: number;
  last: number;
}

export function checkHostBridgeBuses(ix: TopologyIndex): Diagnostic[] {
  const segments = groupBy(listed(ix.topology.hostBridges, 'hostBridges'), (b) => b.item.segment ?? 0);
  return [...segments.values()].flatMap((inSegment) => [
    ...badRanges(inSegment),
    ...overlaps(ranges(inSegment)),
    ...expanderRootBuses(inSegment),
  ]);
}

function badRanges(bridges: { item: HostBridge; path: string }[]): Diagnostic[] {
  return bridges.flatMap(({ item, path }) => {
    const root = item.rootBus ?? 0;
    if (item.busLimit === undefined || item.busLimit >= root) return [];
    const message = `busLimit ${item.busLimit} is below rootBus ${root}: the host bridge would decode no bus at all`;
    return [finding('bad-bus-range', childPath(path, 'busLimit'), message)];
  });
}

/**
 * A range without busLimit runs up to the next root bus in the segment (or 0xff), as the schema documents.
 * An expander without rootBus has no known range; expander-root-bus reports it.
 */
function ranges(bridges: { item: HostBridge; path: string }[]): BusRange[] {
  const known = bridges.filter(({ item }) => !(item.expander && item.rootBus === undefined));
  // Sorted once and searched: one scan of every root per bridge was n² in the bridges of a segment.
  const roots = known.map((b) => b.item.rootBus ?? 0).sort((a, b) => a - b);
  return known.map(({ item, path }) => {
    const first = item.rootBus ?? 0;
    const above = lowerBound(roots.length, (i) => roots[i]! <= first);
    const next = above < roots.length ? roots[above]! : LAST_BUS + 1;
    return { hostBridge: item, path, first, last: item.busLimit ?? next - 1 };
  });
}

function overlaps(rs: BusRange[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  rs.forEach((b, i) => {
    const a = rs.slice(0, i).find((x) => x.first <= b.last && b.first <= x.last);
    if (!a) return;
    const message = `buses ${span(b)} of "${b.hostBridge.id}" overlap buses ${span(a)} of "${a.hostBridge.id}" (${a.path}) in segment ${b.hostBridge.segment ?? 0}`;
    out.push(finding('bus-range-overlap', childPath(b.path, 'rootBus'), message));
  });
  return out;
}

function span(r: BusRange): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `${hex(r.first)}-${hex(r.last)}`;
}

function expanderRootBuses(bridges: { item: HostBridge; path: string }[]): Diagnostic[] {
  const main = bridges.find((b) => !b.item.expander);
  const mainRoot = main ? (main.item.rootBus ?? 0) : undefined;
  return bridges.flatMap(({ item, path }) => {
    if (!item.expander) return [];
    const at = childPath(path, 'rootBus');
    if (item.rootBus === undefined) {
      return [finding('expander-root-bus', at, 'an expander host bridge needs an explicit rootBus (QEMU bus_nr): its first bus is fixed')];
    }
    if (mainRoot !== undefined && item.rootBus <= mainRoot) {
      const message = `the expander's rootBus ${item.rootBus} must be above the root bus ${mainRoot} of the main host bridge "${main!.item.id}"`;
      return [finding('expander-root-bus', at, message)];
    }
    return [];
  });
}
