/**
 * The VIOT model → bytes, with the layout pass: each node's offset follows
 * from Node Offset and the lengths before it, Output Node references become
 * those offsets, and Node Count, Node Offset, Table Length and Checksum are
 * computed. Strict: every problem is reported and no bytes are returned when
 * there is one. Each structure is written by the codec from its declaration.
 */
import { encode, EncodeCode, measure, type Encoded, type Model, type StructSpec } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { CHECKSUM_OFFSET, computeChecksum } from '../header.js';
import type { ViotNode, ViotNodeRef, ViotTable } from './model.js';
import { hasOutputNode, NODE_SPECS, otherNode, VIOT_HEADER_SIZE, viotHeaderSpec } from './spec.js';
import { VIOT_PATH } from './walk.js';

const LENGTH_OFFSET = 4;

/** The declaration a model node is written with; a message when it names no node type. */
export function specOfNode(node: ViotNode): StructSpec | string {
  if (typeof node?.type === 'number') return otherNode;
  return NODE_SPECS.find((s) => s.name === node?.type) ?? `unknown VIOT node type "${String(node?.type)}" (known: ${NODE_SPECS.map((s) => s.name).join(', ')})`;
}

/** Structure path of each node (`VIOT/PciRange[1]`): its declaration's name, counted per name. */
export function nodePaths(nodes: readonly ViotNode[]): string[] {
  const counts = new Map<string, number>();
  return nodes.map((node) => {
    const spec = specOfNode(node);
    const name = typeof spec === 'string' ? otherNode.name : spec.name;
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    return `${VIOT_PATH}/${name}[${n}]`;
  });
}

export interface ViotLayout {
  /** Node Offset: where the first node starts. */
  nodeOffset: number;
  /** Byte offset of each node. */
  offsets: number[];
  /** One declaration per node (undefined for a node naming no type). */
  specs: (StructSpec | undefined)[];
  diagnostics: Diagnostic[];
}

/** Where every node goes: Node Offset, then each node right after the previous one. */
export function layoutViot(table: ViotTable): ViotLayout {
  const diagnostics: Diagnostic[] = [];
  const nodes = Array.isArray(table.nodes) ? table.nodes : [];
  if (!Array.isArray(table.nodes)) {
    diagnostics.push({ severity: 'error', code: EncodeCode.missing, path: VIOT_PATH, message: 'nodes must be a list' });
  }
  const nodeOffset = VIOT_HEADER_SIZE + (table.padding?.length ?? 0);
  const offsets: number[] = [];
  const specs: (StructSpec | undefined)[] = [];
  let pos = nodeOffset;
  nodes.forEach((node, i) => {
    const spec = specOfNode(node);
    offsets.push(pos);
    if (typeof spec === 'string') {
      diagnostics.push({ severity: 'error', code: EncodeCode.unknownVariant, path: `${VIOT_PATH}/nodes[${i}]`, message: spec });
      specs.push(undefined);
      return;
    }
    specs.push(spec);
    pos += measure(spec, node as unknown as Model);
  });
  return { nodeOffset, offsets, specs, diagnostics };
}

export function encodeViot(table: ViotTable): Encoded {
  const layout = layoutViot(table);
  const diagnostics = [...layout.diagnostics, ...keptProblems(table)];
  const { nodes: _nodes, padding, trailing, nodeCount, nodeOffset, ...header } = table;
  const nodes = Array.isArray(table.nodes) ? table.nodes : [];
  const parts: Uint8Array[] = [];
  const head = encode(viotHeaderSpec, {
    ...header,
    nodeCount: nodeCount ?? nodes.length,
    nodeOffset: nodeOffset ?? layout.nodeOffset,
  } as Model, { path: VIOT_PATH });
  diagnostics.push(...head.diagnostics);
  if (head.bytes) parts.push(head.bytes);
  if (padding) parts.push(padding);
  const paths = nodePaths(nodes);
  nodes.forEach((node, i) => {
    const spec = layout.specs[i];
    if (!spec) return;
    const path = paths[i]!;
    const wire = { ...(node as unknown as Model) };
    if (hasOutputNode(spec)) wire['outputNode'] = outputOffset(node, layout, path, diagnostics);
    const e = encode(spec, wire, { path });
    diagnostics.push(...e.diagnostics);
    if (e.bytes) parts.push(e.bytes);
  });
  if (trailing) parts.push(trailing);
  if (diagnostics.length) return { diagnostics };
  return { bytes: finish(parts), diagnostics };
}

/** Kept bytes must be bytes; a kept Node Count / Node Offset must still describe the nodes that are there. */
function keptProblems(table: ViotTable): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const key of ['padding', 'trailing'] as const) {
    if (table[key] !== undefined && !(table[key] instanceof Uint8Array)) {
      problems.push({ severity: 'error', code: EncodeCode.badValue, path: `${VIOT_PATH}.${key}`, message: `${key} must be bytes` });
    }
  }
  const count = Array.isArray(table.nodes) ? table.nodes.length : 0;
  if (table.nodeCount !== undefined && table.nodeCount < count) {
    problems.push({ severity: 'error', code: EncodeCode.badValue, path: `${VIOT_PATH}.nodeCount`,
      message: `nodeCount ${table.nodeCount} would hide ${count - table.nodeCount} of the ${count} nodes; leave it out to have it computed` });
  }
  if (table.nodeOffset !== undefined && (count > 0 || table.padding !== undefined)) {
    problems.push({ severity: 'error', code: EncodeCode.badValue, path: `${VIOT_PATH}.nodeOffset`,
      message: 'nodeOffset is kept only for a table without nodes; leave it out to have it computed (padding sets the gap)' });
  }
  return problems;
}

/** The byte offset an Output Node reference stands for. */
function outputOffset(node: ViotNode, layout: ViotLayout, path: string, diagnostics: Diagnostic[]): unknown {
  const ref = (node as { outputNode?: ViotNodeRef }).outputNode;
  if (ref && typeof ref === 'object') {
    if ('node' in ref) {
      const at = Number.isInteger(ref.node) ? layout.offsets[ref.node] : undefined;
      if (at !== undefined) return at;
    } else if ('offset' in ref) {
      return ref.offset;
    }
  }
  diagnostics.push({
    severity: 'error',
    code: EncodeCode.badValue,
    path: `${path}.outputNode`,
    message: `Output node must be {"node": <index of one of the ${layout.offsets.length} nodes>} or {"offset": <byte offset>}`,
  });
  return 0;
}

/** Header, nodes and kept bytes as one table, with its Length and Checksum. */
function finish(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  new DataView(out.buffer).setUint32(LENGTH_OFFSET, out.length, true);
  out[CHECKSUM_OFFSET] = computeChecksum(out);
  return out;
}
