/**
 * The IORT in and out: bytes → model (decodeIort), model → bytes
 * (encodeIort), and iasl-style text of either. Lenient in, strict out
 * (DESIGN practice 3): decode never throws and keeps every byte; encode
 * returns no bytes when the model has any problem, and lists them all.
 */
import { encode, TextSink, type Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { tableFromWire } from './from-wire.js';
import { tableToWire } from './layout.js';
import type { IortTable } from './model.js';
import { readIort } from './read.js';
import { wireItems } from './wire.js';
import { iortSpec } from './registry-row.js';
import { printWire, writeWire } from './write.js';

export interface DecodedIort {
  table: IortTable;
  diagnostics: Diagnostic[];
  /**
   * Byte offset of the first part at a structure path (`IORT/SmmuV3[0]`,
   * `IORT/RootComplex[0]/IdMapping[0]`): findings made later from the model
   * (resolve.ts) have paths but no offsets. Placed on first call.
   */
  offsetOf(path: string): number | undefined;
}

export interface EncodedIort {
  /** Absent when the model has an error. */
  bytes?: Uint8Array;
  diagnostics: Diagnostic[];
}

export function decodeIort(bytes: Uint8Array, opts: { path?: string } = {}): DecodedIort {
  const read = readIort(bytes, opts.path);
  const model = tableFromWire(read.wire, read.paths);
  let offsets: Map<string, number> | undefined;
  const offsetOf = (path: string): number | undefined => {
    if (!offsets) {
      offsets = new Map();
      for (const item of wireItems(read.wire, read.paths)) if (!offsets.has(item.path)) offsets.set(item.path, item.at);
    }
    return offsets.get(path);
  };
  return { table: model.table, diagnostics: [...read.diagnostics, ...model.diagnostics], offsetOf };
}

export function encodeIort(table: IortTable): EncodedIort {
  const laid = tableToWire(table);
  if (laid.diagnostics.length) return { diagnostics: laid.diagnostics };
  return writeWire(laid.wire, laid.paths);
}

/**
 * Text in iasl's field-line form, offsets from the table start. Bytes print
 * as they are (stored Length and checksum, raw nodes); a model prints as the
 * bytes encode would give.
 */
export function printIortText(input: Uint8Array | IortTable): string {
  const out = new TextSink();
  out.line('/*').line(' * ACPI Data Table [IORT]').line(' *')
    .line(' * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue').line(' */').nl();
  printIortFields(input, out);
  return out.nl().toString();
}

/** The field lines alone, into a sink: what `ridmap decode` prints for an IORT. */
export function printIortFields(input: Uint8Array | IortTable, out: TextSink): void {
  const laid = input instanceof Uint8Array ? readIort(input) : tableToWire(input);
  printWire(laid.wire, laid.paths, out);
}

/**
 * The IORT model of a table the generic table layer decoded (registry.ts
 * declares the IORT only down to node fields; the parts placed by offsets
 * need this codec): its bytes, written back by that same declaration, read
 * again in full. For table resolvers that receive the generic model.
 */
export function iortFromTableModel(model: Model): DecodedIort {
  const e = encode(iortSpec, model);
  if (!e.bytes) return { table: { ...(model as unknown as IortTable), nodes: [] }, diagnostics: e.diagnostics, offsetOf: () => undefined };
  return decodeIort(e.bytes);
}
