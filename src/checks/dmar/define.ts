/** The shape of a DMAR check: a table check on DMAR whose run gets the table's structures with their paths. */
import type { FindingDraft, TableCheck } from '../check.js';
import type { TableContext } from '../context.js';
import { dmarView, type DmarView } from './structures.js';

export interface DmarCheckSpec extends Omit<TableCheck, 'scope' | 'appliesTo' | 'run'> {
  run(dmar: DmarView, ctx: TableContext): FindingDraft[];
}

export function dmarCheck(spec: DmarCheckSpec): TableCheck {
  return { ...spec, scope: 'table', appliesTo: 'DMAR', run: (ctx) => spec.run(dmarView(ctx), ctx) };
}
