/**
 * How Linux follows RIMT ID mappings (drivers/acpi/riscv/rimt.c, 6.17:
 * rimt_id_map and rimt_node_map_id), restated over the model:
 *
 * - A mapping covers [Source ID Base, Source ID Base + Number of IDs]: the
 *   upper bound is inclusive (as IORT's), added in 32 bits, so a mapping
 *   whose end wraps past 0xffffffff matches nothing;
 * - of a node's mappings the first that covers the ID wins (table order);
 *   the output is Destination Device ID Base + (ID − Source ID Base), u32;
 * - the walk fails (the device keeps no IOMMU) at a node with no mappings,
 *   a node whose FIRST mapping's Destination IOMMU Offset is 0 (Linux: "ID
 *   map has NULL parent reference"; a later mapping's 0 is followed to the
 *   table header, whose "type" 'R' is no node type: it fails there too), an
 *   ID no mapping covers, or a destination of a reserved type;
 * - a destination that is not an IOMMU (a root complex, a platform device)
 *   is followed through its own mappings; Linux's loop has no bound, so a
 *   cycle that keeps matching hangs it. Here a walk stops after
 *   MAX_WALK_STEPS hops and says so (rimt-reference-cycle).
 *
 * Walks run over ranges, never ID by ID: a run of input IDs is cut where a
 * mapping of the node starts or ends, every piece goes one way.
 */
import { lastCovering } from '../../model/rid-table.js';
import { isKnownRimtNode, type RimtIdMapping, type RimtNode, type RimtTable, type RimtUnknownNode } from './model.js';

/** Hops a walk may take: a real chain (root complex → IOMMU) takes one; more than this is a cycle. */
export const MAX_WALK_STEPS = 16;
const U32 = 2 ** 32;

/** [first, last] of the IDs a mapping covers, or undefined when its end wraps (Linux's u32 sum is then below the base). */
export function mappingRange(m: RimtIdMapping): [number, number] | undefined {
  const last = m.sourceIdBase + m.numberOfIds;
  return last >= U32 ? undefined : [m.sourceIdBase, last];
}

/** A run of input IDs that reached IOMMU node `node`, the first of them with output ID `id` (the others follow on). */
export type Emit = (from: number, to: number, node: number, id: number) => void;

/** Why a run of input IDs reached no IOMMU, where that is worth a finding. */
export interface WalkTrouble {
  /** Input IDs from..to went round more than MAX_WALK_STEPS hops (`nodes`: the nodes the walk went through). */
  cycle?: { from: number; to: number; nodes: number[] };
}

interface Run {
  /** First input ID of the run (at the start node). */
  from: number;
  /** Its ID at `node`; the run's other IDs follow on. */
  id: number;
  count: number;
  node: number;
  hops: number[];
}

/** The node a mapping sends its IDs to, or undefined when Linux's walk fails there. */
function destination(t: RimtTable, m: RimtIdMapping): number | undefined {
  const ref = m.destinationIommu;
  if (!('node' in ref)) return undefined;
  const n = t.nodes[ref.node];
  return n && isKnownRimtNode(n) ? ref.node : undefined;
}

/** Whether Linux walks on from this node at all: it has mappings, and the first one's destination is not offset 0. */
export function walkable(n: RimtNode | RimtUnknownNode | undefined): n is RimtNode & { idMappings: RimtIdMapping[] } {
  if (!n || !isKnownRimtNode(n) || n.type === 'Iommu' || n.idMappings.length === 0) return false;
  const first = n.idMappings[0]!.destinationIommu;
  return !('offset' in first && first.offset === 0);
}

/**
 * rimt_node_map_id for every ID in [first, last] from node `start`, reported
 * as runs that reach an IOMMU node. Iterative (a work list), bounded by
 * MAX_WALK_STEPS hops per run whatever the table says.
 */
export function mapIdRange(t: RimtTable, start: number, first: number, last: number, emit: Emit, trouble?: (w: WalkTrouble) => void): void {
  const work: Run[] = [{ from: first, id: first, count: last - first + 1, node: start, hops: [] }];
  while (work.length > 0) {
    const run = work.pop()!;
    const n = t.nodes[run.node];
    if (!n || !isKnownRimtNode(n)) continue;
    if (n.type === 'Iommu') {
      emit(run.from, run.from + run.count - 1, run.node, run.id);
      continue;
    }
    if (run.hops.length >= MAX_WALK_STEPS) {
      trouble?.({ cycle: { from: run.from, to: run.from + run.count - 1, nodes: run.hops } });
      continue;
    }
    if (!walkable(n)) continue;
    for (const piece of pieces(n.idMappings, run.id, run.id + run.count - 1)) {
      const dest = destination(t, piece.mapping);
      if (dest === undefined) continue;
      const shift = piece.first - run.id;
      const out = piece.mapping.destinationIdBase + (piece.first - piece.mapping.sourceIdBase);
      const span = piece.last - piece.first + 1;
      const hops = [...run.hops, run.node];
      // The output wraps at 2^32 as Linux's u32 does: split there.
      const out0 = out % U32;
      const room = U32 - out0;
      if (span <= room) {
        work.push({ from: run.from + shift, id: out0, count: span, node: dest, hops });
      } else {
        work.push({ from: run.from + shift, id: out0, count: room, node: dest, hops });
        work.push({ from: run.from + shift + room, id: 0, count: span - room, node: dest, hops });
      }
    }
  }
}

/**
 * A node's mappings as Linux's first-match loop sees them: the ID line cut
 * into intervals, each with the first mapping (in table order) that covers
 * it, or none. Made once per node (RidTable's precedence sweep, n log n) and kept
 * while the node lives, so that a walk that comes back to a node with many
 * mappings (a cycle, thousands of runs) does not scan them again.
 */
interface Intervals {
  /** Interval k is [starts[k], starts[k + 1] − 1]; the last runs to 2^32 − 1. */
  starts: number[];
  /** Index of the winning mapping of interval k, or −1. */
  winner: number[];
}

const COMPILED = new WeakMap<readonly RimtIdMapping[], Intervals>();

function intervals(maps: readonly RimtIdMapping[]): Intervals {
  const cached = COMPILED.get(maps);
  if (cached) return cached;
  const spans = maps.flatMap((m, k) => {
    const r = mappingRange(m);
    return r ? [{ first: r[0], last: r[1], k }] : [];
  });
  // lastCovering lets the latest span win: given last to first, the first mapping in table order wins.
  spans.reverse();
  const out: Intervals = { starts: [0], winner: [-1] };
  const mark = (at: number, win: number) => {
    // A gap opened at `at` by the piece before, closed at once by this one.
    if (out.starts[out.starts.length - 1] === at) {
      out.starts.pop();
      out.winner.pop();
    }
    if (out.winner[out.winner.length - 1] !== win) {
      out.starts.push(at);
      out.winner.push(win);
    }
  };
  for (const [first, last, i] of lastCovering(spans)) {
    mark(first, spans[i]!.k);
    if (last + 1 < U32) mark(last + 1, -1);
  }
  COMPILED.set(maps, out);
  return out;
}

/** The pieces of [first, last] each covered first by one mapping (IDs no mapping covers are left out). */
function pieces(maps: readonly RimtIdMapping[], first: number, last: number): { first: number; last: number; mapping: RimtIdMapping }[] {
  const { starts, winner } = intervals(maps);
  // The interval holding `first`: the last start at or below it.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= first) lo = mid;
    else hi = mid - 1;
  }
  const out: { first: number; last: number; mapping: RimtIdMapping }[] = [];
  for (let k = lo; k < starts.length && starts[k]! <= last; k++) {
    const w = winner[k]!;
    if (w < 0) continue;
    const end = k + 1 < starts.length ? starts[k + 1]! - 1 : U32 - 1;
    out.push({ first: Math.max(first, starts[k]!), last: Math.min(last, end), mapping: maps[w]! });
  }
  return out;
}

/** rimt_node_map_id for one ID: the IOMMU node and output ID it reaches, or undefined. */
export function mapId(t: RimtTable, start: number, id: number): { node: number; id: number } | undefined {
  let reached: { node: number; id: number } | undefined;
  mapIdRange(t, start, id, id, (_from, _to, node, out) => (reached = { node, id: out }));
  return reached;
}
