/**
 * A table's own JSON form (TableDef.json) from its model's codec and JSON
 * conversions, for tables whose model says more than the registry's
 * declaration (IORT, VIOT: references symbolic rather than offsets). A table
 * the model cannot say byte for byte keeps the declaration's wire form, which
 * says every byte; a document in that form is told apart by `wireKey`, a key
 * the model derives and so never writes.
 */
import type { Json } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import type { TableJson } from './registry.js';

interface Converted<T> {
  table: T;
  diagnostics: Diagnostic[];
}

export interface ModelCodec<T> {
  decode: (bytes: Uint8Array) => Converted<T>;
  encode: (table: T) => { bytes?: Uint8Array; diagnostics: Diagnostic[] };
  toJson: (table: T) => Json;
  fromJson: (json: unknown, path: string) => Converted<T>;
  /** A key only the wire form has. */
  wireKey: string;
}

const CHECKSUM_OFFSET = 9;

export function modelTableJson<T>(codec: ModelCodec<T>): TableJson {
  const toBytes = (json: unknown, path: string): { bytes?: Uint8Array; diagnostics: Diagnostic[] } | undefined => {
    if (json !== null && typeof json === 'object' && codec.wireKey in json) return undefined;
    const read = codec.fromJson(json, path);
    if (read.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: read.diagnostics };
    const encoded = codec.encode(read.table);
    return { ...(encoded.bytes ? { bytes: encoded.bytes } : {}), diagnostics: [...read.diagnostics, ...encoded.diagnostics] };
  };
  const fromBytes = (bytes: Uint8Array): Json | undefined => {
    const decoded = codec.decode(bytes);
    if (decoded.diagnostics.some((d) => d.severity === 'error')) return undefined;
    const json = codec.toJson(decoded.table);
    const again = toBytes(JSON.parse(JSON.stringify(json)), '$')?.bytes;
    // The checksum is derived on encode; every other byte must come back.
    const same = again !== undefined && again.length === bytes.length && again.every((b, i) => i === CHECKSUM_OFFSET || b === bytes[i]);
    return same ? json : undefined;
  };
  return { fromBytes, toBytes };
}
