/**
 * The VIOT in and out, typed: the generic table path (header checks, then the
 * declaration in spec.ts) seen as the VIOT model. Lenient in, strict out
 * (DESIGN practice 3): any bytes give a table and diagnostics, and encoding
 * that table gives the bytes back with the checksum corrected; encode returns
 * no bytes when the model has a problem, and lists them all.
 */
import { encode, type Encoded, type Model, type StructSpec } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { decodeTable } from '../table.js';
import type { ViotNode, ViotTable } from './model.js';
import { NODE_SPECS, viotSpec } from './spec.js';

export const VIOT_PATH = 'VIOT';

export interface DecodedViot {
  /** The table; when the header itself is cut short, the fields missing from the bytes are missing here. */
  table: ViotTable;
  diagnostics: Diagnostic[];
}

export function decodeViot(bytes: Uint8Array): DecodedViot {
  const t = decodeTable(bytes, { signature: 'VIOT' });
  return { table: asViotTable(t.model), diagnostics: t.diagnostics };
}

/**
 * A model the VIOT declaration decoded, as the VIOT model: it has that shape
 * because the declaration made it (model.ts), except that a table cut short
 * inside its header has no node list at all.
 */
export function asViotTable(model: Model): ViotTable {
  const table = model as ViotTable;
  return Array.isArray(table.nodes) ? table : { ...table, nodes: [] };
}

export function encodeViot(table: ViotTable): Encoded {
  return encode(viotSpec, table, { path: VIOT_PATH });
}

/** The declaration of a model node; undefined for a node kept raw (a reserved type, or too short for its own). */
export function specOfNode(node: ViotNode): StructSpec | undefined {
  return typeof node.type === 'string' ? NODE_SPECS.find((s) => s.name === node.type) : undefined;
}

/** Structure path of each node (`VIOT/PciRange[1]`), as decode names them: per declaration, counted. */
export function nodePaths(nodes: readonly ViotNode[]): string[] {
  const counts = new Map<string, number>();
  return nodes.map((node) => {
    const name = specOfNode(node)?.name ?? 'Node';
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    return `${VIOT_PATH}/${name}[${n}]`;
  });
}
