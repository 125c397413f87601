/**
 * Bytes → the VIOT model. Lenient: any bytes give a table and diagnostics,
 * nothing throws, and encodeViot of the result gives the bytes back (with
 * the checksum corrected): what the walk does not reach is kept as bytes, an
 * Output Node that names no node start is kept as its offset, and Node Count
 * or Node Offset are kept as read where the nodes cannot bear them out.
 */
import { encode, memberOffset, STORED, type Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import type { ViotNode, ViotNodeRef, ViotTable } from './model.js';
import { hasOutputNode, VIOT_HEADER_SIZE, viotSpec } from './spec.js';
import { ViotDecodeCode, walkViot, type ViotWalk, type WalkedNode } from './walk.js';

export interface DecodedViot {
  /** The table; when the header itself is cut short, the fields missing from the bytes are missing here. */
  table: ViotTable;
  diagnostics: Diagnostic[];
}

const hex = (n: number): string => '0x' + n.toString(16);

export function decodeViot(bytes: Uint8Array): DecodedViot {
  const walk = walkViot(bytes);
  const { [STORED]: _stored, nodeCount: _count, nodeOffset: _offset, ...header } = walk.header;
  const table = header as unknown as ViotTable;
  const byOffset = new Map(walk.nodes.map((n, i) => [n.offset, i]));
  table.nodes = walk.nodes.map((n) => toModelNode(n, byOffset, walk));
  if (walk.padding) table.padding = walk.padding;
  if (walk.trailing) table.trailing = walk.trailing;
  if (walk.stoppedEarly) table.nodeCount = walk.nodeCount;
  if (walk.offsetUnusable) table.nodeOffset = walk.nodeOffset;
  return { table, diagnostics: walk.diagnostics };
}

/**
 * The model of a table in the registry's wire form (what decodeTable gives,
 * or its JSON read back): written out (that form keeps every byte) and
 * walked again, so that Node Offset and Node Count mean what they say.
 */
export function viotFromWire(wire: Model): { table?: ViotTable; diagnostics: Diagnostic[] } {
  const e = encode(viotSpec, wire);
  return e.bytes ? decodeViot(e.bytes) : { diagnostics: e.diagnostics };
}

/** The wire node with its Output Node turned into a reference. */
function toModelNode(n: WalkedNode, byOffset: Map<number, number>, walk: ViotWalk): ViotNode {
  const { [STORED]: _stored, ...node } = n.wire;
  if (hasOutputNode(n.spec)) {
    node['outputNode'] = reference(node['outputNode'] as number, n, byOffset, walk);
  }
  return node as unknown as ViotNode;
}

function reference(offset: number, from: WalkedNode, byOffset: Map<number, number>, walk: ViotWalk): ViotNodeRef {
  const index = byOffset.get(offset);
  if (index !== undefined) return { node: index };
  walk.diagnostics.push({
    severity: 'error',
    code: ViotDecodeCode.outputNode,
    path: `${from.path}.outputNode`,
    offset: from.offset + memberOffset(from.spec, 'outputNode'),
    message: `Output Node ${hex(offset)} is not the start of a node: it points ${describeOffset(offset, walk)}; kept as a number`,
  });
  return { offset };
}

/** Where an offset that starts no node lands, for the message. */
function describeOffset(offset: number, walk: ViotWalk): string {
  const inside = walk.nodes.findIndex((n) => offset > n.offset && offset < n.offset + n.length);
  if (inside >= 0) {
    const n = walk.nodes[inside]!;
    return `${offset - n.offset} byte(s) into node ${inside} (${n.spec.name} at ${hex(n.offset)})`;
  }
  if (offset < VIOT_HEADER_SIZE) return 'into the table header';
  if (offset >= walk.extent) return `past the end of the table (${hex(walk.extent)})`;
  if (offset < walk.nodeOffset) return 'into the bytes between the header and the first node';
  return 'into bytes after the nodes Node Count covers';
}
