/**
 * The node walk of a VIOT as Linux does it (acpi_viot_init): from Node Offset,
 * Node Count nodes, each Length bytes after the previous one; a node header
 * outside the table or a Length below 4 ends the walk. Each node is decoded
 * with its declaration from spec.ts; what the walk does not reach is kept as
 * bytes. Shared by the model's decode and by anything that needs the nodes'
 * byte offsets.
 */
import { BinCode, decode, memberOffset, type Model, type StructSpec } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { checkStandardHeader, peekSignature } from '../header.js';
import { nodeSpecOf, otherNode, VIOT_HEADER_SIZE, VIOT_NODE_HEADER_SIZE, viotHeaderSpec } from './spec.js';

export const VIOT_PATH = 'VIOT';

/** Codes of the VIOT walk (the engine's own codes cover what is wrong inside a node). */
export const ViotDecodeCode = {
  /** The bytes are not a VIOT (error). */
  signature: 'viot-signature',
  /** Node Offset leaves no room for nodes: inside the header or past the end (error when nodes are due). */
  nodeOffset: 'viot-node-offset',
  /** Node Offset is past the header: the bytes in between are kept (info). */
  nodeOffsetPadding: 'viot-node-offset-padding',
  /** The table ends before Node Count nodes (error). */
  nodeCount: 'viot-node-count',
  /** An Output Node is not the offset of a node the walk found (error). */
  outputNode: 'viot-output-node',
} as const;

export interface WalkedNode {
  /** Byte offset of the node in the table, and its Length. */
  offset: number;
  length: number;
  /** Structure path in diagnostics (`VIOT/PciRange[1]`). */
  path: string;
  spec: StructSpec;
  /** The node as the wire form decodes it (Output Node as a number). */
  wire: Model;
}

export interface ViotWalk {
  /** Header fields as read (with the stored Length and Checksum). */
  header: Model;
  /** End of the table: its Length, clamped to the bytes present. */
  extent: number;
  /** Node Offset and Node Count as read. */
  nodeOffset: number;
  nodeCount: number;
  padding?: Uint8Array;
  nodes: WalkedNode[];
  /** Where the walk stopped (the end of the last node it decoded). */
  end: number;
  trailing?: Uint8Array;
  /** The walk stopped before Node Count nodes. */
  stoppedEarly: boolean;
  /** Node Offset leaves no room for nodes (inside the header, past the end), so no node was walked. */
  offsetUnusable: boolean;
  diagnostics: Diagnostic[];
}

const hex = (n: number): string => '0x' + n.toString(16);

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

export function walkViot(bytes: Uint8Array): ViotWalk {
  const diagnostics: Diagnostic[] = [];
  const report = (severity: Diagnostic['severity'], code: string, offset: number, message: string, path = VIOT_PATH) =>
    diagnostics.push({ severity, code, message, path, offset });

  const signature = peekSignature(bytes);
  if (signature !== 'VIOT') report('error', ViotDecodeCode.signature, 0, `signature ${JSON.stringify(signature)} is not "VIOT"`);
  const check = checkStandardHeader(bytes, VIOT_PATH);
  diagnostics.push(...check.diagnostics);
  const extent = check.extent;
  const head = decode(viotHeaderSpec, bytes.subarray(0, Math.min(extent, VIOT_HEADER_SIZE)), {
    path: VIOT_PATH,
    extent: VIOT_HEADER_SIZE,
  });
  diagnostics.push(...head.diagnostics);
  const walk: ViotWalk = {
    header: head.value,
    extent,
    nodeOffset: Number(head.value['nodeOffset'] ?? 0),
    nodeCount: Number(head.value['nodeCount'] ?? 0),
    nodes: [],
    end: Math.min(extent, VIOT_HEADER_SIZE),
    stoppedEarly: false,
    offsetUnusable: false,
    diagnostics,
  };
  if (extent < VIOT_HEADER_SIZE) return walk;

  const { nodeOffset, nodeCount } = walk;
  walk.end = VIOT_HEADER_SIZE;
  // Set when a diagnostic has already said why the bytes after `end` are kept.
  let restReported = false;
  if (nodeOffset < VIOT_HEADER_SIZE || nodeOffset > extent) {
    const where = nodeOffset < VIOT_HEADER_SIZE ? 'inside the 48-byte header' : `past the end of the table (${hex(extent)})`;
    report(nodeCount > 0 ? 'error' : 'warning', ViotDecodeCode.nodeOffset, memberOffset(viotHeaderSpec, 'nodeOffset'),
      `Node Offset ${hex(nodeOffset)} is ${where}: Linux finds no node there; the ${extent - VIOT_HEADER_SIZE} byte(s) after the header are kept undecoded`);
    walk.stoppedEarly = nodeCount > 0;
    walk.offsetUnusable = true;
    restReported = true;
  } else {
    if (nodeOffset > VIOT_HEADER_SIZE) {
      walk.padding = bytes.slice(VIOT_HEADER_SIZE, nodeOffset);
      report('info', ViotDecodeCode.nodeOffsetPadding, VIOT_HEADER_SIZE,
        `Node Offset ${hex(nodeOffset)}: ${nodeOffset - VIOT_HEADER_SIZE} byte(s) between the header and the first node; kept`);
    }
    walk.end = nodeOffset;
    walkNodes(bytes, walk, report);
    restReported = walk.stoppedEarly;
  }
  if (walk.end < extent) {
    walk.trailing = bytes.slice(walk.end, extent);
    if (!restReported) {
      report('warning', BinCode.trailingBytes, walk.end,
        `${extent - walk.end} byte(s) after the ${nodeCount} node(s) of Node Count; Linux does not read them; kept`);
    }
  }
  return walk;
}

type Report = (severity: Diagnostic['severity'], code: string, offset: number, message: string, path?: string) => void;

function walkNodes(bytes: Uint8Array, walk: ViotWalk, report: Report): void {
  const counts = new Map<string, number>();
  let pos = walk.nodeOffset;
  for (let i = 0; i < walk.nodeCount; i++) {
    const stop = nodeProblem(bytes, pos, walk.extent, i, walk.nodeCount);
    if (stop) {
      report('error', stop.code, pos, stop.message);
      walk.stoppedEarly = true;
      break;
    }
    const type = bytes[pos]!;
    const length = u16(bytes, pos + 2);
    const declared = nodeSpecOf(type);
    const spec = declared && length >= declared.fixedSize ? declared : otherNode;
    const n = counts.get(spec.name) ?? 0;
    counts.set(spec.name, n + 1);
    const path = `${VIOT_PATH}/${spec.name}[${n}]`;
    if (declared && spec === otherNode) {
      report('error', BinCode.lengthShort, pos,
        `${declared.name} length ${length} is shorter than its fields (${declared.fixedSize} bytes); kept as bytes`, path);
    }
    const node = decode(spec, bytes.subarray(pos, pos + length), { path, extent: length });
    for (const d of node.diagnostics) walk.diagnostics.push({ ...d, offset: (d.offset ?? 0) + pos });
    walk.nodes.push({ offset: pos, length, path, spec, wire: node.value });
    pos += length;
    walk.end = pos;
  }
}

/** Why the walk cannot take node `i` at `pos` (Linux's viot_check_bounds), or nothing. */
function nodeProblem(bytes: Uint8Array, pos: number, extent: number, i: number, count: number): { code: string; message: string } | undefined {
  const left = `the remaining ${extent - pos} byte(s) are kept undecoded`;
  if (pos + VIOT_NODE_HEADER_SIZE > extent) {
    return {
      code: ViotDecodeCode.nodeCount,
      message: `Node Count is ${count} but the table ends after ${i} node(s); Linux stops here (node pointer overflows)` +
        (pos < extent ? `; ${left}` : ''),
    };
  }
  const length = u16(bytes, pos + 2);
  if (length < VIOT_NODE_HEADER_SIZE) {
    return {
      code: length === 0 ? BinCode.zeroLength : BinCode.lengthShort,
      message: `node ${i} (type ${bytes[pos]}) has length ${length}, less than its 4-byte header; Linux stops parsing here (empty node); ${left}`,
    };
  }
  if (pos + length > extent) {
    return {
      code: BinCode.lengthOverrun,
      message: `node ${i} (type ${bytes[pos]}) length ${length} runs ${pos + length - extent} byte(s) past the end of the table; ${left}`,
    };
  }
  return undefined;
}
