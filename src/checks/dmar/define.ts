/** The shape of a DMAR check: a check of each DMAR whose run gets the table's structures with their paths. */
import { tableCheck, type Check, type FindingDraft, type Needs } from '../check.js';
import type { TableContext } from '../context.js';
import { dmarView, type DmarView } from './structures.js';

export interface DmarCheckSpec extends Omit<Check, 'needs' | 'run'> {
  /** What it needs beyond the DMAR: its map, the topology. */
  needs?: Pick<Needs, 'map' | 'topology'>;
  run(dmar: DmarView, ctx: TableContext): FindingDraft[];
}

export function dmarCheck(spec: DmarCheckSpec): Check {
  return tableCheck({ ...spec, needs: { table: 'DMAR', ...spec.needs }, run: (ctx) => spec.run(dmarView(ctx), ctx) });
}
