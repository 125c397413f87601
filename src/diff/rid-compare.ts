/**
 * Two translation lists compared RID by RID: the runs of RIDs where they give
 * another IOMMU or another output ID, or where one translates and the other
 * does not. Runs are as long as both sides stay uniform (same IOMMUs, output
 * IDs continuing), so a bus moved from one IOMMU to another is one run.
 * Shared by `diff` (map-level difference) and `check` (tables that must agree).
 */
import type { Rid } from '../model/rid.js';
import type { Translation } from '../model/translation-map.js';

export interface RidAnswer {
  iommu: string;
  /** Output ID of the run's first RID. */
  output: number;
}

export interface RidDifference {
  segment: number;
  first: Rid;
  last: Rid;
  a: RidAnswer | null;
  b: RidAnswer | null;
}

const END = 0x10000;

export function compareTranslations(a: readonly Translation[], b: readonly Translation[]): RidDifference[] {
  const segments = [...new Set([...a, ...b].map((t) => t.segment))].sort((x, y) => x - y);
  return segments.flatMap((segment) => compareSegment(segment, a.filter((t) => t.segment === segment), b.filter((t) => t.segment === segment)));
}

function compareSegment(segment: number, a: readonly Translation[], b: readonly Translation[]): RidDifference[] {
  const cuts = [...new Set([0, END, ...[...a, ...b].flatMap((t) => [t.first, t.last + 1])])].sort((x, y) => x - y);
  const out: RidDifference[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [first, end] = [cuts[i]!, cuts[i + 1]!];
    const x = answerAt(a, first);
    const y = answerAt(b, first);
    if (same(x, y)) continue;
    const prev = out[out.length - 1];
    if (prev && prev.last + 1 === first && continues(prev.a, x, first - prev.first) && continues(prev.b, y, first - prev.first)) {
      prev.last = end - 1;
    } else {
      out.push({ segment, first, last: end - 1, a: x, b: y });
    }
  }
  return out;
}

/** What the first covering entry says for RID r (lookupRid's rule: the first entry wins). */
function answerAt(ts: readonly Translation[], r: Rid): RidAnswer | null {
  const t = ts.find((e) => e.first <= r && r <= e.last);
  return t ? { iommu: t.iommu, output: t.outputBase + (r - t.first) } : null;
}

function same(x: RidAnswer | null, y: RidAnswer | null): boolean {
  return x === null || y === null ? x === y : x.iommu === y.iommu && x.output === y.output;
}

/** `next` (at `distance` RIDs after the run's start) continues a run whose first answer is `start`. */
function continues(start: RidAnswer | null, next: RidAnswer | null, distance: number): boolean {
  if (start === null || next === null) return start === next;
  return start.iommu === next.iommu && start.output + distance === next.output;
}
