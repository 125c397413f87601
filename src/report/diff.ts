/**
 * `ridmap diff` between two sides: the semantic difference, per structure
 * and field, then per RID range and device. A side that is only a topology is
 * its build (and its own map); tables are resolved against their side's
 * topology when it has one.
 */
import { builtDiffSide, diffTables, type DiffSide } from '../diff/diff-tables.js';
import { formatDiff } from '../diff/format-diff.js';
import type { Side } from './load-side.js';

export interface DiffView {
  lines: string[];
  equal: boolean;
}

function diffSide(side: Side): DiffSide {
  const tables = side.inputs.flatMap((i) => i.tables);
  const t = side.topology;
  if (tables.length === 0 && t) return builtDiffSide(t);
  return { tables, ...(t ? { resolved: t.resolved } : {}) };
}

export function diffSides(a: Side, b: Side, labels: { a: string; b: string }, opts: { hex?: boolean } = {}): DiffView {
  const result = diffTables(diffSide(a), diffSide(b));
  return { lines: formatDiff(result, { hex: opts.hex ?? false, labels }), equal: result.equal };
}
