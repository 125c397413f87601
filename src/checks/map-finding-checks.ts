/**
 * Checks whose findings a format's resolver makes while reading the table
 * in full (the IORT and VIOT registry rows decode nodes only down to fixed
 * fields, so what needs Node Offset, Node Count, array offsets or output
 * references is found there), under codes that are the checks' own ids: each
 * row claims and reports those from the table's map. The resolver's other
 * codes are still reported as notes under their own codes.
 */
import { byCodes, claimed, type TableCheck } from './check.js';

export interface MapFindingRow {
  id: string;
  severity: TableCheck['severity'];
  description: string;
  /**
   * What `ridmap decode` does with the finding, which it otherwise would not
   * see (decode runs no resolver): `unusable`, the structure cannot be read
   * as the table says (printed, exit 2); `shown`, it reads but Linux's walk
   * breaks on it (printed, exit unchanged). Absent: left to `map`/`check`.
   */
  decode?: 'unusable' | 'shown';
}

export function mapFindingChecks(format: string, rows: readonly MapFindingRow[]): (TableCheck & MapFindingRow)[] {
  return rows.map((row) => {
    const claims = byCodes([row.id]);
    return {
      scope: 'table',
      appliesTo: format,
      ...row,
      claims,
      // Decode finds what the walk of the nodes shows (VIOT's, through its declaration); the resolver the rest.
      run: (ctx) => claimed([...ctx.table.diagnostics, ...(ctx.map()?.findings ?? [])], claims, row.id),
    };
  });
}
