/**
 * One ACPI table: decode (header checks, then the table's declaration),
 * encode (derived fields computed, checksum last) and the JSON document that
 * `decode --format json` writes and `encode` reads back.
 */
import {
  decode,
  encode,
  fromJson,
  JsonCode,
  toJson,
  type Encoded,
  type Json,
  type Model,
  concatBytes,
  TextSink,
} from '../codec/index.js';
import { cleanWalk, type ItemStarts } from '../codec/clean-walk.js';
import { printCleanJson } from '../codec/clean-json.js';
import type { Diagnostic } from '../diagnostic.js';
import { LimitCode, MAX_MODELLED_TABLE_BYTES } from '../limits.js';
import { AcpiCode, checkStandardHeader, peekLength, peekSignature } from './header.js';
import { rawTableSpec, tableDef, type TableDef } from './registry.js';
import { appendAll } from '../append.js';

export interface DecodedTable {
  /** Signature as found in the bytes (`RSD PTR ` for the RSDP). */
  signature: string;
  def: TableDef;
  /** The decoded model (a DmarTable for DMAR; header + `data` bytes for others). */
  model: Model;
  /** Everything decode found, with structure paths and offsets in the table. */
  diagnostics: Diagnostic[];
  /** The bytes it was decoded from (with `extra`), for round-trip checks and byte-level diffs. */
  bytes?: Uint8Array;
  /** Root of its structure paths (`DMAR`, `SSDT[3]`). */
  name?: string;
  /** Bytes after the table's Length in the input; not part of the table. */
  extra?: Uint8Array;
  /** Where the table was found inside a multi-table input (acpidump text). */
  origin?: { line?: number; address?: string };
  /**
   * Decode found nothing (clean-walk.ts): the bytes are exactly what the
   * declaration says, so text and JSON come straight from them and the model
   * is decoded only when something asks for it.
   */
  clean?: boolean;
  /** Clean, and none of the findings `decode` shows is there (TableDef.quietWhenClean): no model needed for them either. */
  quiet?: boolean;
}

export interface DecodeTableOptions {
  /** Root of structure paths; defaults to the signature (`SSDT[3]` tells repeated tables apart). */
  name?: string;
  /** Decode as this table whatever the bytes' signature says (a caller that wants one table type); a different one is an error. */
  signature?: string;
  /** Decode the model now, even for a clean table (what the clean path is held against in tests). */
  eager?: boolean;
}

/** Path root for a signature (`RSD PTR ` → `RSDP`). */
export function tablePathName(signature: string): string {
  if (signature === 'RSD PTR ') return 'RSDP';
  const clean = signature.replace(/[^\x21-\x7e]/g, '?');
  return clean || 'Table';
}

export function signatureOf(bytes: Uint8Array): string {
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 8)) === 'RSD PTR ') return 'RSD PTR ';
  return peekSignature(bytes);
}

/** Decodes one table; never throws, whatever the bytes. */
export function decodeTable(bytes: Uint8Array, opts: DecodeTableOptions = {}): DecodedTable {
  const found = signatureOf(bytes);
  const signature = opts.signature ?? found;
  let def = tableDef(signature);
  const path = opts.name ?? tablePathName(signature);
  const diagnostics: Diagnostic[] = [];
  if (signature !== found) {
    diagnostics.push({ severity: 'error', code: AcpiCode.signatureMismatch, path, offset: 0,
      message: `signature ${JSON.stringify(found)} is not ${JSON.stringify(signature)}; decoded as ${tablePathName(signature)} all the same` });
  }
  let extent = bytes.length;
  let header: Diagnostic[] = [];
  if (def.header === 'standard') {
    const check = checkStandardHeader(bytes, path);
    appendAll(diagnostics, check.diagnostics);
    header = check.diagnostics;
    extent = check.extent;
  } else if (def.header === 'facs') {
    const len = peekLength(bytes);
    if (len !== undefined && len > bytes.length) {
      diagnostics.push({ severity: 'error', code: AcpiCode.lengthBeyondBuffer, path, offset: 4,
        message: `Length ${len} runs past the ${bytes.length} bytes present; decoding what is there` });
    } else if (len !== undefined && len >= 8) {
      extent = len;
      if (len < bytes.length) {
        diagnostics.push({ severity: 'warning', code: AcpiCode.bytesAfterTable, path, offset: len,
          message: `${bytes.length - len} byte(s) after the table's Length ${len} are not part of it` });
      }
    }
  }
  if (def.modelled && extent > MAX_MODELLED_TABLE_BYTES) {
    // Decoding field by field would cost ~27 bytes of heap per byte; the bytes are kept, not decoded.
    diagnostics.push({ severity: 'error', code: LimitCode.tableTooLarge, path, offset: 4,
      message: `${extent} bytes; ridmap decodes ${path} field by field only up to ${MAX_MODELLED_TABLE_BYTES} bytes (real ones are a few KiB); kept as header + raw bytes` });
    def = { ...def, spec: rawTableSpec(), modelled: false };
  } else if (!def.modelled && def.header === 'standard' && bytes.length >= 4) {
    diagnostics.push({ severity: 'info', code: AcpiCode.notModelled, path, offset: 0,
      message: `ridmap does not decode ${path} field by field; kept as header + ${Math.max(0, extent - 36)} raw bytes` });
  }
  const checks = def.modelled && def.decodeChecks ? def.decodeChecks(bytes, path, header) : [];
  const walked = !opts.eager && def.modelled && checks.length === 0 && diagnostics.length === 0 && extent === bytes.length
    ? cleanWalk(def.spec, bytes) : undefined;
  if (walked) {
    const t = lazyTable({ signature, def, diagnostics, bytes, name: path, clean: true }, () => decode(def.spec, bytes, { extent, path }).value);
    if (def.quietWhenClean?.(walked.graph)) t.quiet = true;
    walkedStarts.set(t, walked.starts);
    return t;
  }
  const decoded = decode(def.spec, bytes, { extent, path });
  appendAll(diagnostics, checks);
  appendAll(diagnostics, decoded.diagnostics);
  const table: DecodedTable = { signature, def, model: decoded.value, diagnostics, bytes, name: path };
  if (extent < bytes.length) table.extra = bytes.slice(extent);
  return table;
}

/**
 * Where a clean table's list items start, as decode's walk found them: the
 * JSON printer names referenced items by index, and takes them from here
 * rather than walking the table once more to find them.
 */
const walkedStarts = new WeakMap<object, ItemStarts>();

/**
 * A clean table whose model is decoded on first use: `decode` prints it from
 * its bytes and never asks (a 1 MB DMAR's model is 100k objects); `check`,
 * `map` and the library do, and get what decode gives. A model set in its
 * place is no longer the bytes', so the table is then no longer clean.
 */
function lazyTable(t: Omit<DecodedTable, 'model'>, decodeModel: () => Model): DecodedTable {
  let model: Model | undefined;
  return Object.defineProperty(t as DecodedTable, 'model', {
    enumerable: true,
    configurable: true,
    get: () => (model ??= decodeModel()),
    set: (m: Model) => {
      model = m;
      t.clean = false;
      t.quiet = false;
    },
  });
}

/** Encodes a table model; the signature in the model picks the declaration. */
export function encodeTable(model: Model): Encoded {
  const signature = typeof model['signature'] === 'string' ? model['signature'] : '';
  const def = tableDef(signature);
  return encode(def.spec, model, { path: tablePathName(signature) });
}

// ---------------------------------------------------------------------------
// JSON

/**
 * The JSON document of `decode --format json`: `{ "tables": [ {signature, ...}, ... ] }`,
 * with `"deviceTrees": [ {file, deviceTree}, ... ]` beside them when DTBs or DTS were decoded too.
 */
export interface AcpiJsonDocument {
  tables: Json[];
  deviceTrees?: Json[];
}

export function tableToJson(t: { def: TableDef; model: Model }): Json {
  return toJson(t.def.spec, t.model);
}

/**
 * A table found clean at decode whose print walks the same bytes and finds
 * them not clean, after a streaming sink wrote part of its output: a bug in
 * ridmap (the walk is the same over the same bytes), never the input's doing.
 */
export function cleanWalkDisagrees(signature: string, what: 'text' | 'JSON'): Error {
  return new Error(`the clean walk of ${tablePathName(signature)} disagreed with itself after its ${what} was partly written`);
}

/** What the JSON document is made from: a table's declaration and model, and its bytes when it is clean. */
export type JsonTable = { def: TableDef; model: Model; bytes?: Uint8Array; extra?: Uint8Array; clean?: boolean };

/** JSON text with 2-space indentation and a final newline. */
export function formatJsonDocument(tables: readonly JsonTable[]): string {
  return new TextDecoder().decode(concatBytes(jsonDocumentChunks(tables)));
}

/**
 * The same document as UTF-8 bytes in chunks, to write as they are: what
 * `JSON.stringify({tables}, null, 2)` gives, with each clean table written
 * straight from its bytes (clean-json.ts) rather than through its model and
 * a JSON tree.
 */
export function jsonDocumentChunks(tables: readonly JsonTable[]): Uint8Array[] {
  return writeJsonDocument(new TextSink(), tables).chunks();
}

/** The same document written into `out` (a streaming sink: `decode` writes it out as it goes). */
export function writeJsonDocument(out: TextSink, tables: readonly JsonTable[]): TextSink {
  if (!tables.length) return out.str('{\n  "tables": []\n}\n');
  out.str('{\n  "tables": [');
  tables.forEach((t, i) => {
    out.str(i ? ',\n    ' : '\n    ');
    if (t.clean && t.bytes && !t.extra?.length) {
      const mark = out.mark();
      if (printCleanJson(t.def.spec, t.bytes, out, 2, walkedStarts.get(t))) return;
      if (!out.rewind(mark)) throw cleanWalkDisagrees(t.def.signature, 'JSON');
    }
    // Nested two levels deep in the document: every line after the first is indented by four more spaces.
    out.bytes(new TextEncoder().encode(JSON.stringify(tableToJson(t), null, 2).replaceAll('\n', '\n    ')));
  });
  return out.str('\n  ]\n}\n');
}

export interface TablesFromJson {
  tables: { def: TableDef; model: Model }[];
  /** How many device trees the document holds beside its tables: not read here (see AcpiJsonDocument). */
  deviceTrees: number;
  diagnostics: Diagnostic[];
}

/**
 * Rebuilds table models from JSON text: the document form, a bare array of
 * tables, or a single table object. Problems carry JSON paths
 * (`$.tables[0].remappingStructures[1].flags`). The device trees a document
 * may hold are counted, not read: each caller says what it does without them.
 */
export function tablesFromJson(text: string): TablesFromJson {
  const diagnostics: Diagnostic[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    diagnostics.push({ severity: 'error', code: JsonCode.syntax, message: `not valid JSON: ${(e as Error).message}`, ...jsonErrorPosition(text, e) });
    return { tables: [], deviceTrees: 0, diagnostics };
  }
  let deviceTrees = 0;
  let items: unknown[];
  let base: string;
  if (Array.isArray(parsed)) {
    items = parsed;
    base = '$';
  } else if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { tables?: unknown }).tables)) {
    items = (parsed as { tables: unknown[] }).tables;
    base = '$.tables';
    for (const [key, value] of Object.entries(parsed)) {
      if (key === 'deviceTrees' && Array.isArray(value)) deviceTrees = value.length;
      else if (key === 'deviceTrees') diagnostics.push({ severity: 'error', code: JsonCode.type, path: '$.deviceTrees', message: '"deviceTrees" is a list, as `decode --format json` writes it' });
      else if (key !== 'tables') diagnostics.push({ severity: 'error', code: JsonCode.unknownKey, path: `$.${key}`, message: `the document has only "tables" and "deviceTrees", not "${key}"` });
    }
  } else if (parsed && typeof parsed === 'object' && 'signature' in parsed) {
    items = [parsed];
    base = '';
  } else {
    diagnostics.push({ severity: 'error', code: JsonCode.type, path: '$', message: 'expected {"tables": [...]}, an array of tables or one table object with a "signature"' });
    return { tables: [], deviceTrees: 0, diagnostics };
  }
  const tables: TablesFromJson['tables'] = [];
  items.forEach((item, i) => {
    const path = base ? `${base}[${i}]` : '$';
    const sig = item && typeof item === 'object' ? (item as { signature?: unknown }).signature : undefined;
    if (typeof sig !== 'string') {
      diagnostics.push({ severity: 'error', code: JsonCode.missing, path: `${path}.signature`, message: 'a table needs its "signature"' });
      return;
    }
    const def = tableDef(sig);
    const r = fromJson(def.spec, item, path);
    appendAll(diagnostics, r.diagnostics);
    tables.push({ def, model: r.value });
  });
  return { tables, deviceTrees, diagnostics };
}

export interface EncodedJson {
  /** One entry per table of the document, in order; empty when anything is wrong. */
  tables: { signature: string; bytes: Uint8Array }[];
  diagnostics: Diagnostic[];
}

/**
 * `encode FILE.json`: the JSON text of `decode --format json` (or an edited
 * copy) back to table bytes. Strict: any problem in any table means no bytes.
 * Device trees beside the tables are skipped with a warning: their JSON is
 * for reading (each property as DTS text and as bytes, which an edit would
 * set against each other), and the DTB comes from `build` or dtc.
 */
export function encodeJsonDocument(text: string): EncodedJson {
  const parsed = tablesFromJson(text);
  const diagnostics = [...parsed.diagnostics];
  if (parsed.deviceTrees > 0) {
    diagnostics.push(deviceTreesSkipped(parsed.deviceTrees, 'encode writes ACPI tables from JSON (a DTB comes from `ridmap build`, or from `ridmap encode board.dts` given the DTS `ridmap decode` prints)'));
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { tables: [], diagnostics };
  const tables: EncodedJson['tables'] = [];
  for (const { def, model } of parsed.tables) {
    const e = encodeTable(model);
    appendAll(diagnostics, e.diagnostics);
    if (e.bytes) tables.push({ signature: def.signature, bytes: e.bytes });
  }
  return diagnostics.some((d) => d.severity === 'error') ? { tables: [], diagnostics } : { tables, diagnostics };
}

/** The warning for the device trees of a document that a reader of its tables leaves out, saying why. */
export function deviceTreesSkipped(count: number, why: string): Diagnostic {
  return { severity: 'warning', code: 'json-device-trees-skipped', path: '$.deviceTrees', message: `${count} device tree${count === 1 ? '' : 's'} skipped: ${why}` };
}

/** Line and column of a JSON.parse error, when the engine says where. */
function jsonErrorPosition(text: string, e: unknown): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(String((e as Error).message));
  if (!m) return {};
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}
