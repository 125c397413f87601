/**
 * What `ridmap decode` reports beyond its own diagnostics: what the format's
 * finding functions say about the table without its map (tableFindings: no
 * topology, no ID walks; references that go round in circles, Output Nodes
 * that name no IOMMU), keeping the ones the named checks mark for decode
 * (table-findings.ts), with the file and, where the path names a decoded
 * structure, its offset. Where the node walk breaks, decode itself says.
 */
import { tableFindings } from '../acpi/resolvers.js';
import type { Diagnostic } from '../diagnostic.js';
import type { Check } from './check.js';
import { FORMAT_CHECKS } from './format-checks.js';
import { withOffsets } from '../io/finding-offsets.js';
import type { TableSubject } from '../io/subject.js';
import type { FindingRow } from './table-findings.js';

/** Every format's check marked for decode (table-findings.ts), whatever its table: no list per table here. */
const ROWS = FORMAT_CHECKS.filter((c): c is Check & Required<Pick<FindingRow, 'decode'>> => (c as Partial<FindingRow>).decode !== undefined);
const FOR_DECODE = new Map(ROWS.map((c) => [c.id, c.decode] as const));
/** The codes decode shows: a format's finding function may skip the work for the others. */
const DECODE_CODES: ReadonlySet<string> = new Set(FOR_DECODE.keys());
/** Only these formats' resolvers run: a DMAR's (or a tree's) map has none of these findings, and can be costly. */
const FORMATS = new Set(ROWS.map((c) => c.needs.table));

export interface DecodeMapFindings {
  /** The table cannot be read as it says (decode exits 2). */
  unusable: Diagnostic[];
  /** It reads, but Linux's walk breaks on it (printed; decode's exit is unchanged). */
  shown: Diagnostic[];
}

export function decodeMapFindings(t: TableSubject): DecodeMapFindings {
  // A clean table with none of them (table.ts `quiet`) is printed from its bytes: its model is never decoded.
  const found = t.modelled && 'table' in t.decoded && FORMATS.has(t.format) && !(t.decoded.table.clean && t.decoded.table.quiet)
    ? tableFindings(t.format, t.decoded.table.model, DECODE_CODES).filter((d) => FOR_DECODE.has(d.code))
    : [];
  const placed = withOffsets(t, found.map((d) => (d.file ? d : { ...d, file: t.file })));
  return {
    unusable: placed.filter((d) => FOR_DECODE.get(d.code) === 'unusable'),
    shown: placed.filter((d) => FOR_DECODE.get(d.code) === 'shown'),
  };
}
