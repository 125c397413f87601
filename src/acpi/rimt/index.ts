/**
 * The RIMT in and out through the one declaration (spec.ts) and the generic
 * table path: bytes → model (decodeRimt), model → bytes (encodeRimt), JSON
 * both ways, and iasl-style text. Thin: the codec does the work. The map is
 * resolve.ts's (walk.ts follows the ID mappings as Linux does).
 */
import { encode, fromJson, toJson, type Encoded, type Json } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { printTableText } from '../print-table.js';
import { tableDef } from '../registry.js';
import { decodeTable } from '../table.js';
import { rimtModel, rimtTable, type RimtTable } from './model.js';
import { rimtSpec } from './spec.js';

export type * from './model.js';
export { isKnownRimtNode } from './model.js';
export {
  INTERRUPT_WIRE_FLAG_BITS, IOMMU_FLAG_BITS, RIMT_DESCRIPTION, RIMT_NODE_HEADER_SIZE, RIMT_NODE_TITLES, ROOT_COMPLEX_FLAG_BITS,
  RimtDecodeCode, RimtNodeType, rimtSpec,
} from './spec.js';
export { RIMT_IDENTITIES, rimtIommuIdentity } from './identity.js';
export { resolveRimt, resolveRimtModel, RIMT_SOURCE } from './resolve.js';
export { rimtFromTopology, RIMT_REVISION, type RimtBuild } from './from-topology.js';

export interface DecodedRimt {
  table: RimtTable;
  diagnostics: Diagnostic[];
}

export function decodeRimt(bytes: Uint8Array, opts: { path?: string } = {}): DecodedRimt {
  const t = decodeTable(bytes, { name: opts.path ?? 'RIMT', signature: 'RIMT' });
  return { table: rimtTable(t.model), diagnostics: t.diagnostics };
}

/** Bytes of a model: lengths, counts, offsets, references and the checksum laid out afresh; every problem listed. */
export function encodeRimt(table: RimtTable): Encoded {
  return encode(rimtSpec(), rimtModel(table), { path: 'RIMT' });
}

/** Text in iasl's field-line form of bytes or of a model (a model prints as the bytes encode would give). */
export function printRimtText(input: Uint8Array | RimtTable): string {
  return printTableText(input instanceof Uint8Array ? decodeTable(input, { signature: 'RIMT' }) : { def: tableDef('RIMT'), model: rimtModel(input) });
}

/** The JSON `decode --format json` writes for a RIMT model: the declaration's, destinations as {"node": i}. */
export function rimtToJson(table: RimtTable): { [key: string]: Json } {
  return toJson(rimtSpec(), rimtModel(table));
}

/** A RIMT model from its JSON; every problem with its JSON path. */
export function rimtFromJson(json: unknown, path = '$'): { table: RimtTable; diagnostics: Diagnostic[] } {
  const r = fromJson(rimtSpec(), json, path);
  return { table: rimtTable(r.value), diagnostics: r.diagnostics };
}
