/**
 * The Device Tree's checks: the named checks of dt/checks.ts, run on the
 * tree of each DT subject, as rows of the check registry. `check board.dts`
 * lists `dt-iommu-map-overlap`, not a generic structure error; the same
 * finding made again by the resolver (an msi-map gap) is the same
 * diagnostic, so it is listed once.
 */
import { checkDt, DT_CHECKS } from '../../dt/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { reporting, tableCheck, type Check } from '../check.js';
import type { TableContext } from '../context.js';

/** Every named DT check on the table's tree, once per table. */
function dtFindings(ctx: TableContext): Diagnostic[] {
  const decoded = ctx.table.decoded;
  return ctx.session.onceFor(ctx.table, 'dt-findings', () => ('tree' in decoded ? checkDt(decoded.tree) : []));
}

export const DT_TABLE_CHECKS: readonly Check[] = DT_CHECKS.map((c) =>
  tableCheck({
    id: c.id,
    severity: c.severity,
    description: c.description,
    needs: { table: 'DT' },
    run: (ctx) => dtFindings(ctx).filter((d) => d.code === c.id).map((d) => reporting(d, c.id)),
  }),
);
