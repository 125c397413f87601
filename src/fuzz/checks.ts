/**
 * What every decoder must do with any input, as functions that throw when
 * it does not: the fuzz targets call them on mutated inputs, the property
 * tests on generated ones. Throwing InputError is allowed where the API
 * documents it (input that is not of the kind at all); any other exception
 * is a crash, and an InvariantError says that data was lost silently.
 */
import { decodeInput } from '../io/decode-input.js';
import { computeChecksum } from '../acpi/header.js';
import { mapAcpiTables } from '../acpi/map-tables.js';
import { printTableText } from '../acpi/print-table.js';
import { FORM_2020 } from '../codec/index.js';
import {
  decodeTable,
  encodeJsonDocument,
  encodeTable,
  formatJsonDocument,
  tablesFromJson,
  type DecodedTable,
} from '../acpi/table.js';
import { buildOutputs } from '../build-outputs.js';
import { hasErrors, InputError, type Diagnostic } from '../diagnostic.js';
import { parseTopology } from '../model/parse-topology.js';
import { resolveTopology } from '../model/resolve.js';

/** A decoder broke a promise without crashing: it lost or changed data and said nothing. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

/** Runs `f`; an InputError (the documented refusal) counts as a normal outcome. */
export function allowInputError<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `first difference at 0x${i.toString(16)} (lengths ${a.length} and ${b.length})`;
}

/**
 * What decode→encode must give back for a table decoded from `input`: its
 * bytes up to its Length, with a wrong checksum corrected (encode computes
 * the checksum; a wrong one was reported as a warning).
 */
export function expectedTableBytes(input: Uint8Array, t: DecodedTable): Uint8Array {
  const out = Uint8Array.from(input.subarray(0, input.length - (t.extra?.length ?? 0)));
  if (t.diagnostics.some((d) => d.code === 'acpi-bad-checksum')) out[9] = computeChecksum(out);
  return out;
}

const errorCodes = (ds: readonly Diagnostic[]): string =>
  [...new Set(ds.filter((d) => d.severity === 'error').map((d) => d.code))].join(', ');

/** Decoded without error, then encoded: the same bytes (what `want` says), or an InvariantError naming `what`. */
function expectSameEncoding(what: string, encoded: { bytes?: Uint8Array; diagnostics: Diagnostic[] }, want: Uint8Array): void {
  if (!encoded.bytes) throw new InvariantError(`${what} fails: ${errorCodes(encoded.diagnostics)}`);
  if (!sameBytes(encoded.bytes, want)) throw new InvariantError(`${what} changed the table: ${firstDifference(encoded.bytes, want)}`);
}

/** The first line where two texts differ, for a message. */
function firstDifferentLine(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return `line ${i + 1}: ${JSON.stringify(x[i] ?? '(end)')} vs the model's ${JSON.stringify(y[i] ?? '(end)')}`;
}

/**
 * A table decode found clean is printed from its bytes (codec/clean-walk.ts),
 * not from its model: that is only right if it reads exactly as the model's
 * way prints it. So for a clean table, the model's way (`eager`, which never
 * takes the clean path) must give the same diagnostics (none), the same text
 * in both iasl forms and the same JSON. A difference is data changed without
 * a word, an InvariantError.
 */
export function expectCleanAsModel(bytes: Uint8Array, t: DecodedTable, text: string, json: string): void {
  if (!t.clean) return;
  const ref = decodeTable(bytes, { eager: true });
  if (ref.diagnostics.length > 0) throw new InvariantError(`clean path taken, but the model's decode reports ${ref.diagnostics.map((d) => d.code).join(', ')}`);
  const refText = printTableText(ref);
  if (text !== refText) throw new InvariantError(`clean text differs from the model's: ${firstDifferentLine(text, refText)}`);
  const old = printTableText(t, { form: FORM_2020 });
  const refOld = printTableText(ref, { form: FORM_2020 });
  if (old !== refOld) throw new InvariantError(`clean text (iasl 2020 form) differs from the model's: ${firstDifferentLine(old, refOld)}`);
  const refJson = formatJsonDocument([ref]);
  if (json !== refJson) throw new InvariantError(`clean JSON differs from the model's: ${firstDifferentLine(json, refJson)}`);
}

/**
 * One table's bytes through everything that reads tables: decode, text,
 * JSON, the translation map; and, when decode reported no error, encode and
 * the JSON round trip must give the same bytes back.
 */
export function exerciseTable(bytes: Uint8Array): DecodedTable {
  const t = decodeTable(bytes);
  const text = printTableText(t);
  const json = formatJsonDocument([t]);
  expectCleanAsModel(bytes, t, text, json);
  mapAcpiTables([{ table: t, file: 'fuzz' }]);
  const encoded = encodeTable(t.model);
  if (hasErrors(t.diagnostics)) return t;
  const want = expectedTableBytes(bytes, t);
  expectSameEncoding('decode→encode', encoded, want);
  const fromJson = encodeJsonDocument(json);
  expectSameEncoding('decode→JSON→encode', { bytes: fromJson.tables[0]?.bytes, diagnostics: fromJson.diagnostics }, want);
  return t;
}

/**
 * Any ACPI input (raw table, acpidump text, .dsl, decoded JSON) through
 * decodeInput, and each table it yields through text, JSON, re-encoding and
 * the translation map.
 */
export function exerciseAcpiInput(data: Uint8Array | string): void {
  const input = allowInputError(() => decodeInput(data, 'fuzz'));
  if (!input) return;
  for (const t of input.tables) {
    printTableText(t);
    tablesFromJson(formatJsonDocument([t]));
    encodeTable(t.model);
  }
  mapAcpiTables(input.tables.map((table) => ({ table, file: 'fuzz' })));
}

/** Edited JSON back to bytes (`ridmap encode`), then as a decode input. */
export function exerciseJson(text: string): void {
  encodeJsonDocument(text);
  exerciseAcpiInput(text);
}

/** A topology text: parsed and validated, and when valid, resolved and built into every output. */
export function exerciseTopology(text: string): void {
  const topology = allowInputError(() => parseTopology(text, 'fuzz'));
  if (!topology) return;
  const resolved = allowInputError(() => resolveTopology(topology, {}));
  if (resolved) buildOutputs(resolved);
}

/**
 * A DTB: decoded, printed as DTS and JSON, resolved to a map; when decoded
 * without error it must encode, and the encoded blob must decode to the
 * same tree (the DTB's own layout, padding and string-table order may differ).
 */
export async function exerciseDtb(bytes: Uint8Array): Promise<void> {
  const dt = await import('../dt/index.js');
  const decoded = dt.decodeDtb(bytes);
  dt.formatDts(decoded.tree);
  const json = JSON.stringify(dt.treeToJson(decoded.tree));
  dt.resolveDt(decoded.tree);
  if (hasErrors(decoded.diagnostics)) return;
  const encoded = await encodeDtbOrCheckFinding(decoded.tree);
  if (!encoded) return;
  const again = dt.decodeDtb(encoded);
  if (hasErrors(again.diagnostics)) throw new InvariantError(`decode→encode→decode reports ${errorCodes(again.diagnostics)}`);
  if (JSON.stringify(dt.treeToJson(again.tree)) !== json) throw new InvariantError('decode→encode→decode changed the tree');
}

/**
 * DTS text: parsed (no includes available), printed, resolved, and taken
 * straight to a DTB where the direct path takes it; when it
 * parsed without error, its printed form must parse to the same tree and
 * encode to a DTB.
 */
export async function exerciseDts(text: string): Promise<void> {
  const dt = await import('../dt/index.js');
  const direct = dt.plainDtsToDtb(text);
  const parsed = await dt.parseDts(text, 'fuzz.dts');
  const printed = dt.formatDts(parsed.tree);
  dt.resolveDt(parsed.tree);
  if (hasErrors(parsed.diagnostics)) return expectDirectDtbAsGeneral(direct, parsed.diagnostics, undefined);
  const json = JSON.stringify(dt.treeToJson(parsed.tree));
  const again = await dt.parseDts(printed, 'printed.dts');
  if (hasErrors(again.diagnostics)) throw new InvariantError(`parse→print→parse reports ${errorCodes(again.diagnostics)}`);
  if (JSON.stringify(dt.treeToJson(again.tree)) !== json) throw new InvariantError('parse→print→parse changed the tree');
  const encoded = await encodeDtbOrCheckFinding(parsed.tree);
  expectDirectDtbAsGeneral(direct, parsed.diagnostics, encoded);
}

/**
 * `encode board.dts` writes plain DTS straight to its DTB (dt/dts-plain-dtb.ts)
 * and builds the tree only for what that gives up on. Where it gives a DTB,
 * the general path (parse, lay out, encodeDtb) must give the same bytes and
 * nothing to say: else the direct path hid a diagnostic or changed the blob.
 */
export function expectDirectDtbAsGeneral(direct: Uint8Array | undefined, parsed: readonly Diagnostic[], general: Uint8Array | undefined): void {
  if (!direct) return;
  if (parsed.length > 0) throw new InvariantError(`the direct DTB path took a source the parser reports ${parsed.map((d) => d.code).join(', ')} for`);
  if (!general) throw new InvariantError('the direct DTB path took a source the general path refuses to encode');
  if (!sameBytes(direct, general)) throw new InvariantError(`the direct DTB differs from the general path's: ${firstDifference(direct, general)}`);
}

/**
 * encodeDtb is strict where decoding is lenient: it refuses a tree that a
 * named DT check flags (dangling phandles, duplicate labels); any other
 * refusal of a tree that decoded without error is data ridmap cannot write back.
 */
async function encodeDtbOrCheckFinding(tree: import('../dt/index.js').DtTree): Promise<Uint8Array | undefined> {
  const dt = await import('../dt/index.js');
  try {
    return dt.encodeDtb(tree);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const checks = new Set(dt.DT_CHECKS.map((c) => c.id));
    const unexplained = e.diagnostics.filter((d) => d.severity === 'error' && !checks.has(d.code));
    if (unexplained.length) throw new InvariantError(`decoded without error but does not encode: ${errorCodes(unexplained)}`);
    return undefined;
  }
}
