/**
 * Which tables of an input Linux reads: of DMAR, IORT and VIOT (table-formats.ts
 * `firstOnly`) only the first of a signature in one dump; later copies with
 * the same bytes are listed once, with a note, and later tables that differ
 * are ignored as Linux ignores them, with a warning (the firmware then says
 * two things and only one of them counts). Per input file: tables from
 * several files are several machines' (or several views of one) and are
 * compared, not deduplicated. `map`, `diff` and `check` (table-repeated)
 * all read a dump this way.
 */
import { equalBytes } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import { formatInfo } from '../model/table-formats.js';
import type { TableSubject } from './subject.js';

export const TABLE_REPEATED = 'table-repeated';

export interface RepeatedTable {
  table: TableSubject;
  /** The table of the same signature and file that Linux reads. */
  first: TableSubject;
  identical: boolean;
}

export interface ReadTables {
  /** The tables Linux reads, in input order. */
  read: TableSubject[];
  repeats: RepeatedTable[];
}

/** Splits tables into those Linux reads and the repeats it ignores; linear in tables and bytes. */
export function tablesLinuxReads(tables: readonly TableSubject[]): ReadTables {
  const firsts = new Map<string, TableSubject>();
  const out: ReadTables = { read: [], repeats: [] };
  for (const t of tables) {
    if (!('table' in t.decoded) || !formatInfo(t.format).firstOnly) {
      out.read.push(t);
      continue;
    }
    const key = `${t.file}\0${t.format}`;
    const first = firsts.get(key);
    if (!first) {
      firsts.set(key, t);
      out.read.push(t);
    } else {
      out.repeats.push({ table: t, first, identical: equalBytes(t.bytes, first.bytes) });
    }
  }
  return out;
}

/** What a repeat means, as a finding on the repeat: a note for a copy, a warning for a table that differs. */
export function repeatFinding(r: RepeatedTable): Diagnostic {
  const { table, first } = r;
  const why = `Linux reads only the first ${table.format} (acpi_get_table(${table.format}, 0))`;
  return r.identical
    ? { severity: 'info', code: TABLE_REPEATED, file: table.file, path: table.name, offset: 0,
      message: `the same bytes as ${first.name}: ${why}; listed once` }
    : { severity: 'warning', code: TABLE_REPEATED, file: table.file, path: table.name, offset: 0,
      message: `another ${table.format} than ${first.name}: ${why} and ignores this one, so the map leaves it out` };
}

