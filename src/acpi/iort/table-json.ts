/**
 * The IORT's JSON for `decode --format json` and `encode`: the full model
 * (node references as {"node": i}, mappings and arrays as fields), not the
 * registry row's shallow declaration. A table whose bytes the full model
 * cannot say exactly (odd node offsets, damaged layouts) keeps the shallow
 * form, which says every byte; the shallow form is told apart by its
 * `nodeOffset` key, which the full model derives.
 */
import type { Json } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { decodeIort, encodeIort } from './codec.js';
import { iortFromJson, iortToJson } from './json.js';

const CHECKSUM_OFFSET = 9;

function toBytes(json: unknown, path: string): { bytes?: Uint8Array; diagnostics: Diagnostic[] } | undefined {
  if (json !== null && typeof json === 'object' && 'nodeOffset' in json) return undefined;
  const read = iortFromJson(json, path);
  if (read.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: read.diagnostics };
  const encoded = encodeIort(read.table);
  return { ...(encoded.bytes ? { bytes: encoded.bytes } : {}), diagnostics: [...read.diagnostics, ...encoded.diagnostics] };
}

function fromBytes(bytes: Uint8Array): Json | undefined {
  const decoded = decodeIort(bytes);
  if (decoded.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const json = iortToJson(decoded.table) as Json;
  const again = toBytes(JSON.parse(JSON.stringify(json)), '$')?.bytes;
  // The checksum is derived on encode; every other byte must come back.
  const same = again !== undefined && again.length === bytes.length && again.every((b, i) => i === CHECKSUM_OFFSET || b === bytes[i]);
  return same ? json : undefined;
}

export const IORT_JSON = { fromBytes, toBytes };
