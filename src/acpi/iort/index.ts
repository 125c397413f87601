/**
 * The IORT in and out through the one declaration (spec.ts) and the generic
 * table path: bytes → model (decodeIort), model → bytes (encodeIort), and
 * iasl-style text. Thin: the codec does the work.
 */
import { encode, fromJson, toJson, type Encoded, type Json } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { printTableText } from '../print-table.js';
import { tableDef } from '../registry.js';
import { decodeTable } from '../table.js';
import { iortModel, iortTable, type IortTable } from './model.js';
import { offsetsOf } from './resolve.js';
import { iortSpec } from './spec.js';

export interface DecodedIort {
  table: IortTable;
  diagnostics: Diagnostic[];
  /**
   * Byte offset of a structure path (`IORT/SmmuV3[0]`,
   * `IORT/RootComplex[0]/IdMapping[0]`): findings made from the model
   * (resolve.ts) have paths but no offsets.
   */
  offsetOf(path: string): number | undefined;
}

export function decodeIort(bytes: Uint8Array, opts: { path?: string } = {}): DecodedIort {
  const t = decodeTable(bytes, { name: opts.path ?? 'IORT', signature: 'IORT' });
  return { table: iortTable(t.model), diagnostics: t.diagnostics, offsetOf: offsetsOf(t.model, t.name) };
}

export function encodeIort(table: IortTable): Encoded {
  return encode(iortSpec(), iortModel(table), { path: 'IORT' });
}

/** Text in iasl's field-line form of bytes or of a model (a model prints as the bytes encode would give). */
export function printIortText(input: Uint8Array | IortTable): string {
  return printTableText(input instanceof Uint8Array ? decodeTable(input, { signature: 'IORT' }) : { def: tableDef('IORT'), model: iortModel(input) });
}

/** The JSON `decode --format json` writes for an IORT model: the declaration's, references as {"node": i}. */
export function iortToJson(table: IortTable): { [key: string]: Json } {
  return toJson(iortSpec(), iortModel(table));
}

/** An IORT model from its JSON; every problem with its JSON path. */
export function iortFromJson(json: unknown, path = '$'): { table: IortTable; diagnostics: Diagnostic[] } {
  const r = fromJson(iortSpec(), json, path);
  return { table: iortTable(r.value), diagnostics: r.diagnostics };
}
