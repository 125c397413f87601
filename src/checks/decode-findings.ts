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
import { FORMAT_FINDINGS } from './format-findings.js';
import { withOffsets } from '../io/finding-offsets.js';
import type { TableSubject } from '../io/subject.js';
import type { FindingRow } from './table-findings.js';

/**
 * Every format's finding marked for decode (table-findings.ts), whatever its
 * table: no list per table here. From the rows, not the checks built from
 * them (format-checks.ts): a decode builds no check.
 */
const FOR_DECODE = new Map<string, NonNullable<FindingRow['decode']>>();
/** Only these formats' resolvers run: a DMAR's (or a tree's) map has none of these findings, and can be costly. */
const FORMATS = new Set<string>();
for (const { format, rows } of FORMAT_FINDINGS) {
  for (const row of rows) {
    if (row.decode === undefined) continue;
    FOR_DECODE.set(row.id, row.decode);
    FORMATS.add(format);
  }
}
/** The codes decode shows: a format's finding function may skip the work for the others. */
const DECODE_CODES: ReadonlySet<string> = new Set(FOR_DECODE.keys());

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
