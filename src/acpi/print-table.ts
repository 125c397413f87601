/**
 * A decoded table as text (iasl's data-table disassembly, line for line, so
 * that it diffs against `iasl -d`) or as JSON (the document `encode` reads
 * back).
 */
import { CURRENT_FORM, decode, encode, hexDumpLines, printStruct, STORED, sum8, TextSink, type IaslForm, type Model } from '../codec/index.js';
import { printCleanText } from '../codec/clean-text.js';
import { CHECKSUM_OFFSET } from './header.js';
import type { TableDef } from './registry.js';
import { cleanWalkDisagrees, formatJsonDocument, jsonDocumentChunks, tablePathName, writeJsonDocument, type DecodedTable } from './table.js';

export interface PrintableTable {
  def: TableDef;
  model: Model;
  signature?: string;
  extra?: Uint8Array;
  origin?: DecodedTable['origin'];
  /** The bytes the model was decoded from (the Raw Table Data dump); encoded from the model when absent. */
  bytes?: Uint8Array;
  /** The bytes are exactly what the declaration says (DecodedTable.clean): printed from them. */
  clean?: boolean;
}

export interface PrintTextOptions {
  /** The input's name for the header comment. */
  file?: string;
  /** Which iasl release's text (`--iasl-format`); the current one by default. */
  form?: IaslForm;
}

/** The text of one table, ending with a newline. */
export function printTableText(t: PrintableTable, opts: PrintTextOptions = {}): string {
  return writeTable(new TextSink(), t, opts).toString();
}

/** All tables of an input, one after the other. */
export function printTablesText(tables: readonly PrintableTable[], opts: PrintTextOptions = {}): string {
  return tables.map((t) => printTableText(t, opts)).join('\n');
}

/**
 * The same text as bytes (ASCII), in chunks to write to a stream as they
 * are: for large tables this skips building one big string.
 */
export function printTablesTextChunks(tables: readonly PrintableTable[], opts: PrintTextOptions = {}): Uint8Array[] {
  return writeTablesText(new TextSink(), tables, opts).chunks();
}

/** The same text written into `out` (a streaming sink: `decode` writes it out as it goes). */
export function writeTablesText(out: TextSink, tables: readonly PrintableTable[], opts: PrintTextOptions = {}): TextSink {
  tables.forEach((t, i) => {
    if (i) out.nl();
    writeTable(out, t, opts);
  });
  return out;
}

function writeTable(out: TextSink, t: PrintableTable, opts: PrintTextOptions): TextSink {
  const form = opts.form ?? CURRENT_FORM;
  // A clean table prints from its bytes (clean-text.ts); the model's way is the same text, slower.
  if (t.clean && t.bytes && !t.extra?.length && t.signature !== undefined) {
    const mark = out.mark();
    writeHeading(out, t, tablePathName(t.signature), form, opts);
    if (printCleanText(t.def.spec, t.bytes, out, { form })) {
      rawTableData(out, t.bytes);
      return out;
    }
    if (!out.rewind(mark)) throw cleanWalkDisagrees(t.signature, 'text');
  }
  const model = withStoredValues(t.def, t.model);
  const sig = tablePathName(t.signature ?? String(model['signature'] ?? ''));
  const bytes = tableBytes(t);
  writeHeading(out, t, sig, form, opts);
  const size = printStruct(t.def.spec, model, 0, out, { root: model, form, checksumShouldBe: checksumShouldBe(bytes) });
  if (t.extra?.length) {
    out.nl().line(`/* ${t.extra.length} byte(s) after the table's Length, not part of the table */`);
    for (const l of hexDumpLines(t.extra, size)) out.line(l);
  }
  if (bytes) rawTableData(out, bytes);
  return out;
}

/** The constant lines of the heading comment, as bytes once per form: a batch prints it for each of 1,000 tables. */
const headingParts = new Map<IaslForm, { opening: Uint8Array; closing: Uint8Array }>();

function headingPartsOf(form: IaslForm): { opening: Uint8Array; closing: Uint8Array } {
  let parts = headingParts.get(form);
  if (!parts) {
    const opening = new TextSink().line('/*').line(' * ridmap: IOMMU firmware tables').line(` * Data table text in the form of iasl ${form.iaslVersion}`)
      .line(' * (ridmap decodes the table itself; no ACPICA code is used)').line(' * ').toBytes();
    const closing = new TextSink().line(' *').line(form.formatLine).line(' */').nl().toBytes();
    headingParts.set(form, (parts = { opening, closing }));
  }
  return parts;
}

/** The comment iasl opens its text with. */
function writeHeading(out: TextSink, t: PrintableTable, sig: string, form: IaslForm, opts: PrintTextOptions): void {
  // Lines 2-4 and 6 are where iasl names itself and the input; the rest is iasl's shape. No version:
  // golden files must not change with each release.
  const { opening, closing } = headingPartsOf(form);
  out.bytes(opening);
  out.line(` * Disassembly of ${opts.file ?? `a ${sig} table`}${t.origin?.address ? ` @ ${t.origin.address}` : ''}`);
  out.line(' *').line(` * ACPI Data Table [${sig}]`).bytes(closing);
}

/** The table's own bytes (up to its Length): as decoded, or the model encoded. */
function tableBytes(t: PrintableTable): Uint8Array | undefined {
  const b = t.bytes ?? encode(t.def.spec, t.model).bytes;
  if (!b) return undefined;
  return t.extra?.length ? b.subarray(0, b.length - t.extra.length) : b;
}

/** The checksum byte that makes the bytes sum to zero, when the header is there. */
function checksumShouldBe(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes || bytes.length <= CHECKSUM_OFFSET) return undefined;
  return (bytes[CHECKSUM_OFFSET]! - sum8(bytes)) & 0xff;
}

/**
 * iasl's closing dump of the whole table: `Raw Table Data: Length N (0xN)`,
 * then 16 bytes a line with the offset (`%8.4X`) and the bytes as ASCII after `//`.
 */
function rawTableData(out: TextSink, bytes: Uint8Array): void {
  out.nl().line(`Raw Table Data: Length ${bytes.length} (0x${bytes.length.toString(16).toUpperCase()})`).nl();
  for (let i = 0; i < bytes.length; i += 16) out.dumpRow(i, bytes, i, Math.min(16, bytes.length - i));
}

/** The JSON document of tables (`{"tables": [...]}`), ending with a newline. */
export function printTablesJson(tables: readonly PrintableTable[]): string {
  return formatJsonDocument(tables);
}

/** The same as UTF-8 bytes in chunks, to write to a stream as they are. */
export function printTablesJsonChunks(tables: readonly PrintableTable[]): Uint8Array[] {
  return jsonDocumentChunks(tables);
}

/** The same document written into `out` (a streaming sink: `decode` writes it out as it goes). */
export function writeTablesJson(out: TextSink, tables: readonly PrintableTable[]): TextSink {
  return writeJsonDocument(out, tables);
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
