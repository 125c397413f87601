/**
 * Checks of a format whose findings the format's own finding functions make
 * (IORT, VIOT): each check asks them for the table it checks and reports
 * those under its id, which is also the code they use.
 *
 * Three sources, by cost:
 * - `decode`: what decoding the table through its declaration found (a
 *   declaration that walks the nodes as Linux does, VIOT's, says where that
 *   walk breaks); `decode` prints these itself;
 * - `table`: what the format finds about the table itself, without a
 *   topology and without walking every ID (tableFindings: the full read,
 *   references, Linux's node walk); shared by `decode`;
 * - `map`: what resolving the table to its translation map finds (walking
 *   every RID, the MSI walks; with a topology, what the platform lacks).
 */
import { tableFindings } from '../acpi/resolvers.js';
import type { Diagnostic } from '../diagnostic.js';
import { reporting, tableCheck, type Check, type FindingDraft } from './check.js';
import type { TableContext } from './context.js';

export interface FindingRow {
  id: string;
  severity: Check['severity'];
  description: string;
  /** Where the finding comes from (see above; default `table`). */
  from?: 'decode' | 'table' | 'map';
  /** Only with a topology (the map is resolved against it). */
  needsTopology?: true;
  /**
   * Codes the format reports again for the same fault at the same path (the
   * resolver's "no IOMMU node found" for an Output Node the walk already
   * found pointing at no node): folded into the finding, not listed twice.
   */
  sameFault?: readonly string[];
  /**
   * What `ridmap decode` does with the finding, which it otherwise would not
   * see (decode runs no resolver): `unusable`, the structure cannot be read
   * as the table says (printed, exit 2); `shown`, it reads but Linux's walk
   * breaks on it (printed, exit unchanged). Absent: left to `map`/`check`.
   */
  decode?: 'unusable' | 'shown';
}

/** A format's rows (checks/<format>/finding-rows.ts): findingChecks builds its checks from them. */
export interface FormatFindings {
  /** The table's format (`IORT`): each check runs on every table of it. */
  format: string;
  rows: readonly FindingRow[];
}

/** What the format finds about a table without its map, once per table. */
export function ownFindings(ctx: TableContext): Diagnostic[] {
  return ctx.session.onceFor(ctx.table, 'table-findings', () => (ctx.table.modelled ? tableFindings(ctx.table.format, ctx.table.model) : []));
}

export function findingChecks({ format, rows }: FormatFindings): (Check & FindingRow)[] {
  return rows.map((row) => ({
    ...row,
    ...tableCheck({
      ...row,
      needs: { table: format, ...(row.from === 'map' ? { map: true } : {}), ...(row.needsTopology ? { topology: true } : {}) },
      run: (ctx) => {
        const found = row.from === 'map' ? (ctx.map()?.findings ?? []) : row.from === 'decode' ? ctx.table.diagnostics : ownFindings(ctx);
        const mine = found.filter((d) => d.code === row.id);
        // What decode found, the resolver may say again in its own words.
        const again = mine.length && row.sameFault && row.from === 'decode' ? [...found, ...(ctx.map()?.findings ?? [])] : found;
        return mine.map((d) => withSameFault(reporting(d, row.id), d, again, row.sameFault));
      },
    }),
  }));
}

function withSameFault(draft: FindingDraft, d: Diagnostic, found: readonly Diagnostic[], codes: readonly string[] | undefined): FindingDraft {
  if (!codes) return draft;
  const again = found.filter((x) => x.path === d.path && codes.includes(x.code));
  return again.length ? { ...draft, reports: [d, ...again] } : draft;
}
