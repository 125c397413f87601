/**
 * Round trip: decoding a table then encoding the model must give its bytes
 * back (DESIGN practice 3), and a table built from a topology must decode to
 * the very model it was built from. Either failing is a bug in ridmap, not
 * in the input, so no input fixture raises it; a unit test drives it with a
 * deliberately broken table subject.
 */
import { diffStructures, isEmptyChange } from '../diff/structure-diff.js';
import { structureTree } from '../diff/structure-tree.js';
import { ANY_FORMAT, tableCheck, type FindingDraft } from './check.js';
import type { TableContext } from './context.js';
import type { RoundTrip } from '../io/subject.js';

export interface RoundTripResult {
  bytes: RoundTrip;
  /** For a built table: decoding its bytes gives the model it was built from (undefined otherwise). */
  builtModelKept?: boolean;
}

export function roundTripOf(ctx: TableContext): RoundTripResult {
  return ctx.session.onceFor(ctx.table, 'round-trip', () => {
    const t = ctx.table;
    const bytes = t.roundTrip();
    if (!t.built || !t.spec) return { bytes };
    const root = diffStructures(structureTree(t.spec, t.built, t.name), structureTree(t.spec, t.model, t.name));
    return { bytes, builtModelKept: isEmptyChange(root) };
  });
}

export const roundTrip = tableCheck({
  needs: { table: ANY_FORMAT },
  id: 'round-trip',
  severity: 'error',
  invariant: true,
  description:
    'decode then encode does not give the table\'s bytes back, or a built table does not decode to the model it was ' +
    'built from (a bug in ridmap: please report it with the table)',
  run: (ctx) => {
    const r = roundTripOf(ctx);
    const out: FindingDraft[] = [];
    if (r.bytes.status === 'differs') {
      out.push({ path: ctx.table.name, ...(r.bytes.offset === undefined ? {} : { offset: r.bytes.offset }), message: `${r.bytes.detail} (a ridmap bug)` });
    }
    if (r.builtModelKept === false) {
      out.push({ path: ctx.table.name, message: 'the built table does not decode to the model it was built from (a ridmap bug)' });
    }
    return out;
  },
});
