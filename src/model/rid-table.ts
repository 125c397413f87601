/**
 * A paintable RID → (IOMMU, output ID) table per PCI segment. Resolvers paint
 * ranges in precedence order (later paint wins) and read the result back as
 * normalized translations. Shared by the topology's own assignment and every
 * table resolver, so that they describe the same RIDs the same way.
 *
 * Paints are kept as a log and settled once, by a sweep over their ends, so
 * the cost follows the number of paints, not the 64 Ki RIDs of each segment
 * touched: an IORT with thousands of root complexes (one segment each) or a
 * topology with 100k endpoints stays linear in its size.
 */
import type { Rid } from './rid.js';
import { EntryRuns, normalizeTranslations, type TableEntry, type Translation } from './translation-map.js';

const UNTRANSLATED = -1;

/** One paint: RIDs first..last of a segment go to unit `unit` (or nowhere), RID r with output `output + step·(r − first)`. */
interface Paint {
  segment: number;
  first: Rid;
  last: Rid;
  unit: number;
  output: number;
  step: 0 | 1;
  /** The table entry that made this paint (`ridmap which` names it): its index in the table's entry list, or -1. */
  origin: number;
}

export class RidTable {
  private readonly paints: Paint[] = [];
  /** IOMMU identities, indexed by the numbers stored in paints. */
  private readonly identities: string[] = [];
  private readonly indexOf = new Map<string, number>();
  /** The table entries paints name, each once (consecutive paints of one entry share it). */
  private readonly origins: TableEntry[] = [];
  /** What the last settle found: which entry decides each run of RIDs (translations() fills it). */
  private settledEntries = new EntryRuns([]);

  private unitIndex(identity: string | null): number {
    if (identity === null) return UNTRANSLATED;
    let i = this.indexOf.get(identity);
    if (i === undefined) {
      i = this.identities.push(identity) - 1;
      this.indexOf.set(identity, i);
    }
    return i;
  }

  /** RID r goes to `identity` with `output`; null makes it untranslated. `origin`: the table entry that says so. */
  set(segment: number, r: Rid, identity: string | null, output = 0, origin?: TableEntry): void {
    this.paints.push({ segment, first: r, last: r, unit: this.unitIndex(identity), output, step: 1, origin: this.originIndex(origin) });
  }

  /**
   * RIDs first..last go to `identity`, output `outputBase + (r - first)`
   * (identity when outputBase is undefined); with `step` 0 every RID gets
   * outputBase itself (an IORT single mapping). `origin`: the table entry that says so.
   */
  setRange(segment: number, first: Rid, last: Rid, identity: string | null, outputBase?: number, step: 0 | 1 = 1, origin?: TableEntry): void {
    if (last < first) return;
    this.paints.push({ segment, first, last, unit: this.unitIndex(identity), output: outputBase ?? first, step, origin: this.originIndex(origin) });
  }

  /** An entry's index in the entry list (-1 for none): a paint holds a number, not the entry, and an entry painted again in a row is listed once. */
  private originIndex(origin: TableEntry | undefined): number {
    if (!origin) return -1;
    const list = this.origins;
    if (list[list.length - 1] !== origin) list.push(origin);
    return list.length - 1;
  }

  /** Identity of the IOMMU that RID r goes to, or null: the last paint covering it decides. */
  at(segment: number, r: Rid): string | null {
    for (let i = this.paints.length - 1; i >= 0; i--) {
      const p = this.paints[i]!;
      if (p.segment === segment && p.first <= r && r <= p.last) return p.unit === UNTRANSLATED ? null : this.identities[p.unit]!;
    }
    return null;
  }

  /** Runs of RIDs with one IOMMU and consecutive output IDs, normalized. */
  translations(source: string): Translation[] {
    const bySegment = new Map<number, number[]>();
    this.paints.forEach((p, i) => {
      const list = bySegment.get(p.segment);
      if (list) list.push(i);
      else bySegment.set(p.segment, [i]);
    });
    const out: Translation[] = [];
    const entries = new EntryRuns(this.origins);
    // Segment by segment in order, so that entries() is sorted as translations are.
    for (const [segment, indices] of [...bySegment].sort((a, b) => a[0] - b[0])) {
      for (const [first, last, winner] of settle(this.paints, indices)) {
        const p = this.paints[winner]!;
        if (p.unit === UNTRANSLATED) continue;
        if (p.origin >= 0) entries.add(segment, first, last, p.origin);
        const iommu = this.identities[p.unit]!;
        const at = (r: number) => p.output + p.step * (r - p.first);
        if (p.step === 1) {
          out.push({ segment, first, last, iommu, outputBase: at(first), source });
          continue;
        }
        // A constant output is not a run of consecutive output IDs: one entry per RID.
        for (let r = first; r <= last; r++) out.push({ segment, first: r, last: r, iommu, outputBase: p.output, source });
      }
    }
    this.settledEntries = entries;
    return normalizeTranslations(out);
  }

  /**
   * Which table entry decides each translated run of RIDs, as the last
   * translations() settled them (the paints that named their origin), in
   * segment and RID order: for `ridmap which`, which names the entry.
   */
  entries(): EntryRuns {
    return this.settledEntries;
  }
}

/** An inclusive span of numbers. */
export interface Span {
  first: number;
  last: number;
}

/**
 * Spans settled into disjoint pieces [first, last, index of the last span
 * covering it], in order: the precedence sweep of RidTable, for any list
 * where the latest entry wins (reverse a list where the first wins).
 */
export function lastCovering(spans: readonly Span[]): [number, number, number][] {
  return settle(spans, spans.map((_, i) => i));
}

/**
 * The paints of one segment settled into disjoint pieces [first, last,
 * winning paint index], in RID order: between two consecutive paint ends the
 * covering paint with the highest index (the latest) wins. A max-heap of
 * covering paints, whose expired entries are dropped when they surface.
 */
function settle(paints: readonly Span[], indices: readonly number[]): [number, number, number][] {
  const points = new Set<number>();
  for (const i of indices) {
    points.add(paints[i]!.first);
    points.add(paints[i]!.last + 1);
  }
  const cuts = [...points].sort((a, b) => a - b);
  const byFirst = [...indices].sort((a, b) => paints[a]!.first - paints[b]!.first);
  const heap = new MaxHeap();
  const pieces: [number, number, number][] = [];
  let next = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k]!;
    while (next < byFirst.length && paints[byFirst[next]!]!.first <= from) heap.push(byFirst[next++]!);
    while (heap.size > 0 && paints[heap.top()]!.last < from) heap.pop();
    if (heap.size > 0) pieces.push([from, cuts[k + 1]! - 1, heap.top()]);
  }
  return pieces;
}

/** A binary max-heap of numbers (paint indices). */
class MaxHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  top(): number {
    return this.items[0]!;
  }

  push(v: number): void {
    const a = this.items;
    let i = a.push(v) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! >= v) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = v;
  }

  pop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (a.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && a[l + 1]! > a[l]! ? l + 1 : l;
      if (a[c]! <= last) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
  }
}
