/**
 * The VIOT model's nodes as the declaration names them: which declaration a
 * node is, its structure path, and a decoded model seen as the VIOT model.
 * Apart from codec.ts so that the resolver, which the table registry names,
 * does not import the table layer back.
 */
import { listItemPaths, type Model, type StructSpec } from '../../codec/index.js';
import type { ViotNode, ViotTable } from './model.js';
import { viotDeclarations } from './spec.js';

export const VIOT_PATH = 'VIOT';

/**
 * A model the VIOT declaration decoded, as the VIOT model: it has that shape
 * because the declaration made it (model.ts), except that a table cut short
 * inside its header has no node list at all.
 */
export function asViotTable(model: Model): ViotTable {
  const table = model as ViotTable;
  return Array.isArray(table.nodes) ? table : { ...table, nodes: [] };
}

/** The declaration of a model node; undefined for a node kept raw (a reserved type, or too short for its own). */
export function specOfNode(node: ViotNode): StructSpec | undefined {
  return typeof node.type === 'string' ? viotDeclarations().NODE_SPECS.find((s) => s.name === node.type) : undefined;
}

/** Structure path of each node (`VIOT/PciRange[1]`), as decode names them (listItemPaths). */
export function nodePaths(nodes: readonly ViotNode[]): string[] {
  return listItemPaths(VIOT_PATH, viotDeclarations().nodes, nodes);
}
