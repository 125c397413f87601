/**
 * The VIOT model's nodes as the declaration names them: which declaration a
 * node is, its structure path, and a decoded model seen as the VIOT model.
 * Apart from codec.ts so that the resolver, which the table registry names,
 * does not import the table layer back.
 */
import type { Model, StructSpec } from '../../codec/index.js';
import type { ViotNode, ViotTable } from './model.js';
import { NODE_SPECS } from './spec.js';

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
  return typeof node.type === 'string' ? NODE_SPECS.find((s) => s.name === node.type) : undefined;
}

/**
 * Structure path of each node (`VIOT/PciRange[1]`), as decode names them:
 * per declaration, counted; a node kept raw because it is too short for its
 * type is named after its type too, as decode names it, and one of a
 * reserved type is `Node`.
 */
export function nodePaths(nodes: readonly ViotNode[]): string[] {
  const counts = new Map<string, number>();
  return nodes.map((node) => {
    const name = (specOfNode(node) ?? NODE_SPECS.find((s) => s.tag === node.type))?.name ?? 'Node';
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    return `${VIOT_PATH}/${name}[${n}]`;
  });
}
