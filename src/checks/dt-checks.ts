/**
 * The Device Tree's named checks (dt/checks.ts) as rows of the check
 * registry, applying to DT subjects. A DT subject's diagnostics already hold
 * their findings under the check's own id, so each row claims and reports
 * those: `check board.dts` lists `dt-iommu-map-overlap`, not a generic
 * structure error, and the same finding found again by the resolver (an
 * msi-map gap) is reported once.
 */
import { DT_CHECKS } from '../dt/checks.js';
import { byCodes, claimed, type TableCheck } from './check.js';

export const DT_CHECK_IDS: ReadonlySet<string> = new Set(DT_CHECKS.map((c) => c.id));

export const DT_TABLE_CHECKS: readonly TableCheck[] = DT_CHECKS.map((c) => {
  const claims = byCodes([c.id]);
  return {
    scope: 'table',
    appliesTo: 'DT',
    id: c.id,
    severity: c.severity,
    description: c.description,
    claims,
    run: (ctx) => claimed(ctx.table.diagnostics, claims, c.id),
  };
});
