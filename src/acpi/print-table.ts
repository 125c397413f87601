/**
 * A decoded table as text (iasl's field-line form, so that it diffs against
 * `iasl -d`) or as JSON (the document `encode` reads back).
 */
import { decode, encode, hexDumpLines, printStruct, STORED, TextSink, type Model } from '../codec/index.js';
import type { TableDef } from './registry.js';
import { formatJsonDocument, tablePathName, type DecodedTable } from './table.js';

export interface PrintableTable {
  def: TableDef;
  model: Model;
  signature?: string;
  extra?: Uint8Array;
  origin?: DecodedTable['origin'];
}

/** The text of one table, ending with a newline. */
export function printTableText(t: PrintableTable, opts: { file?: string } = {}): string {
  return writeTable(new TextSink(), t, opts).toString();
}

/** All tables of an input, one after the other. */
export function printTablesText(tables: readonly PrintableTable[], opts: { file?: string } = {}): string {
  return tables.map((t) => printTableText(t, opts)).join('\n');
}

/**
 * The same text as bytes (ASCII), in chunks to write to a stream as they
 * are: for large tables this skips building one big string.
 */
export function printTablesTextChunks(tables: readonly PrintableTable[], opts: { file?: string } = {}): Uint8Array[] {
  const out = new TextSink();
  tables.forEach((t, i) => {
    if (i) out.nl();
    writeTable(out, t, opts);
  });
  return out.chunks();
}

function writeTable(out: TextSink, t: PrintableTable, opts: { file?: string }): TextSink {
  const model = withStoredValues(t.def, t.model);
  const sig = tablePathName(t.signature ?? String(model['signature'] ?? ''));
  const where = (opts.file ? ` from ${opts.file}` : '') + (t.origin?.address ? ` @ ${t.origin.address}` : '');
  out.line('/*').line(` * ACPI Data Table [${sig}]${where}`).line(' *')
    .line(' * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue').line(' */').nl();
  const size = printStruct(t.def.spec, model, 0, out);
  if (t.extra?.length) {
    out.nl().line(`/* ${t.extra.length} byte(s) after the table's Length, not part of the table */`);
    for (const l of hexDumpLines(t.extra, size)) out.line(l);
  }
  return out.nl();
}

/** The JSON document of tables (`{"tables": [...]}`), ending with a newline. */
export function printTablesJson(tables: readonly PrintableTable[]): string {
  return formatJsonDocument(tables);
}

/**
 * Text shows the derived values as the bytes have them. Lengths and counts
 * of a model follow from its content, but a checksum does not: a model built
 * in code (or read from JSON) is encoded and decoded once to get it. One that
 * cannot be encoded is printed as it is (checksum `??`).
 */
function withStoredValues(def: TableDef, model: Model): Model {
  const hasChecksum = def.spec.members.some((m) => m.kind === 'field' && m.role === 'checksum');
  if (!hasChecksum || model[STORED]?.['checksum'] !== undefined) return model;
  const enc = encode(def.spec, model);
  return enc.bytes ? decode(def.spec, enc.bytes).value : model;
}
