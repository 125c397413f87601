/**
 * The VIOT in and out, typed: the generic table path (header checks, then the
 * declaration in spec.ts) seen as the VIOT model. Lenient in, strict out
 * (DESIGN practice 3): any bytes give a table and diagnostics, and encoding
 * that table gives the bytes back with the checksum corrected; encode returns
 * no bytes when the model has a problem, and lists them all.
 */
import { encode, type Encoded } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { decodeTable } from '../table.js';
import type { ViotTable } from './model.js';
import { asViotTable, VIOT_PATH } from './nodes.js';
import { viotSpec } from './spec.js';

export interface DecodedViot {
  /** The table; when the header itself is cut short, the fields missing from the bytes are missing here. */
  table: ViotTable;
  diagnostics: Diagnostic[];
}

export function decodeViot(bytes: Uint8Array): DecodedViot {
  const t = decodeTable(bytes, { signature: 'VIOT' });
  return { table: asViotTable(t.model), diagnostics: t.diagnostics };
}

export function encodeViot(table: ViotTable): Encoded {
  return encode(viotSpec(), table, { path: VIOT_PATH });
}
