/**
 * table-repeated: one dump holds two tables of a signature Linux reads once
 * (io/read-tables.ts says which it reads): a copy with the same bytes is a
 * note, a table that differs is a warning, as Linux ignores it and the map
 * is the first one's alone.
 */
import { repeatFinding, TABLE_REPEATED } from '../io/read-tables.js';
import { sessionCheck } from './check.js';

export const tableRepeated = sessionCheck({
  needs: { tables: true },
  id: TABLE_REPEATED,
  severity: 'warning',
  description:
    'one dump holds two DMARs (or IORTs, VIOTs) that differ: Linux reads only the first (acpi_get_table(sig, 0)) and ' +
    'ignores the other; a copy with the same bytes is a note, checked and mapped once',
  run: (session) => session.readTables().repeats.map(({ table, first, identical }) => {
    const { code: _code, ...draft } = repeatFinding({ table, first, identical });
    return draft;
  }),
});
