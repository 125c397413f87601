/**
 * Bytes → the IORT as it sits (wire.ts), leniently: every problem is a
 * diagnostic with its code, path and offset, and every byte of the table
 * ends up in exactly one part, so that writing the parts back gives the
 * input. Nodes are walked the way Linux walks them: Node Count nodes from
 * Node Offset, each Length after the previous; a node's parts are found
 * through its offset fields, never by assuming a size.
 */
import { array, decode, struct, type Model, type StructSpec } from '../../codec/index.js';
import type { Diagnostic, Severity } from '../../diagnostic.js';
import { checkStandardHeader } from '../header.js';
import { IortCode } from './codes.js';
import { KIND_BY_TYPE, type NodeKind, type PlacedArray, type Section } from './node-kinds.js';
import { deviceName, IORT_HEADER_SIZE, NODE_HEADER_SIZE, nodeHeaderFor, tableHeader } from './spec.js';
import { extensionGroups, extensionSpec, type WireArray, type WireNode, type WireTable } from './wire.js';

export interface ReadIort {
  wire: WireTable;
  /** Structure path of each node (`IORT/SmmuV3[1]`), by node index. */
  paths: string[];
  diagnostics: Diagnostic[];
}

const UNSUPPORTED_REVISIONS: Record<number, string> = { 1: 'E', 2: 'E.a', 4: 'E.c' };

const hex = (n: number): string => '0x' + n.toString(16);
/** Replacement sequences that, with a failed header check, mean a mangled table rather than chance. */
const MANGLED_MIN = 3;

const arraySpecs = new Map<PlacedArray, StructSpec>();

/** An array's elements as one structure, so that one codec call decodes them all. */
function arraySpec(a: PlacedArray): StructSpec {
  let spec = arraySpecs.get(a);
  if (!spec) arraySpecs.set(a, (spec = struct({ name: a.key, typeName: a.label, members: [array('items', a.label, a.element)] })));
  return spec;
}

interface Placement {
  array: PlacedArray;
  offset: number;
  size: number;
}

export function readIort(input: Uint8Array, path = 'IORT'): ReadIort {
  return new Reader(input, path).read();
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly paths: string[] = [];
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly counters = new Map<string, number>();
  private tableRevision = 0;

  constructor(input: Uint8Array, private readonly path: string) {
    // A plain view: kept bytes are sliced from it and must be copies, not Buffer views of the input.
    this.bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  private report(severity: Severity, code: string, offset: number, message: string, path = this.path): void {
    this.diagnostics.push({ severity, code, message, path, offset });
  }

  /** One codec structure over [at, at + size), its diagnostics moved to table offsets. */
  private part(spec: StructSpec, at: number, size: number, path: string): Model {
    const d = decode(spec, this.bytes.subarray(at, at + size), { path, extent: size });
    for (const x of d.diagnostics) this.diagnostics.push({ ...x, offset: (x.offset ?? 0) + at });
    return d.value;
  }

  read(): ReadIort {
    const check = checkStandardHeader(this.bytes, this.path);
    this.diagnostics.push(...check.diagnostics);
    if (check.diagnostics.length) this.textMangled();
    const extent = check.extent;
    const header = this.part(tableHeader, 0, Math.min(IORT_HEADER_SIZE, extent), this.path);
    const wire: WireTable = { header, length: extent, nodes: [] };
    if (extent < IORT_HEADER_SIZE) return this.done(wire);
    this.tableRevision = header['revision'] as number;
    const issue = UNSUPPORTED_REVISIONS[this.tableRevision];
    if (issue) {
      this.report('warning', IortCode.unsupportedRevision, 8,
        `table revision ${this.tableRevision} (issue ${issue}) has known issues and is supported by neither ACPICA nor Linux; decoded with the E.b+ layout`);
    }
    const start = this.nodeStart(header['nodeOffset'] as number, extent);
    if (start > IORT_HEADER_SIZE) wire.padding = this.bytes.slice(IORT_HEADER_SIZE, start);
    // With Node Offset past the end there is nothing to walk (and nothing more to report).
    const spans = start < extent || header['nodeOffset'] === extent ? this.walk(start, header['nodeCount'] as number, extent) : [];
    wire.nodes = spans.map(([at, end]) => this.node(at, end));
    const last = spans.length ? spans[spans.length - 1]![1] : start;
    if (last < extent) wire.trailing = this.bytes.slice(last, extent);
    return this.done(wire);
  }

  /**
   * A table saved as text and back loses every byte ≥ 0x80 to EF BF BD, the
   * UTF-8 replacement character; its header then fails its checks. Say so,
   * since no field can be trusted.
   */
  private textMangled(): void {
    let count = 0;
    for (let i = 0; i + 2 < this.bytes.length; i++) {
      if (this.bytes[i] === 0xef && this.bytes[i + 1] === 0xbf && this.bytes[i + 2] === 0xbd) count++;
    }
    if (count < MANGLED_MIN) return;
    this.report('error', IortCode.textMangled, this.bytes.indexOf(0xef),
      `the bytes hold ${count} UTF-8 replacement sequences (EF BF BD): the table went through a text conversion that replaced every byte ≥ 0x80, so its fields cannot be trusted; get the table again as binary`);
  }

  private done(wire: WireTable): ReadIort {
    // In byte order: the node walk reports what it finds after the nodes before they are decoded.
    const diagnostics = this.diagnostics.map((d, i) => ({ d, i })).sort((a, b) => (a.d.offset ?? 0) - (b.d.offset ?? 0) || a.i - b.i).map((x) => x.d);
    return { wire, paths: this.paths, diagnostics };
  }

  private nodeStart(nodeOffset: number, extent: number): number {
    if (nodeOffset < IORT_HEADER_SIZE) {
      this.report('error', IortCode.nodeOffset, 40, `Node Offset ${hex(nodeOffset)} lies inside the ${IORT_HEADER_SIZE}-byte header; nodes are read from ${hex(IORT_HEADER_SIZE)}`);
      return IORT_HEADER_SIZE;
    }
    if (nodeOffset > extent) {
      this.report('error', IortCode.nodeOffset, 40, `Node Offset ${hex(nodeOffset)} is past the end of the table (${hex(extent)}); no node is read`);
      return extent;
    }
    return nodeOffset;
  }

  /** [start, end) of each node, Linux's way: Node Count nodes, each Length after the last. */
  private walk(start: number, count: number, extent: number): [number, number][] {
    const spans: [number, number][] = [];
    let pos = start;
    let clean = true;
    for (let i = 0; i < count; i++) {
      if (extent - pos < NODE_HEADER_SIZE) {
        this.report('error', IortCode.nodeCount, pos,
          `Node Count is ${count}, but the table ends after ${i} node(s)${pos < extent ? ` (${extent - pos} byte(s) left, too few for a node header)` : ''}`);
        clean = false;
        break;
      }
      const len = this.view.getUint16(pos + 1, true);
      if (len === 0) {
        this.report('error', IortCode.nodeZeroLength, pos, `node ${i} has Length 0; the walk stops, the remaining ${extent - pos} byte(s) are kept undecoded`);
        clean = false;
        break;
      }
      if (len < NODE_HEADER_SIZE) {
        this.report('error', IortCode.nodeShort, pos, `node ${i} has Length ${len}, shorter than the ${NODE_HEADER_SIZE}-byte node header; the walk stops`);
        clean = false;
        break;
      }
      let end = pos + len;
      if (end > extent) {
        this.report('error', IortCode.nodeBeyondTable, pos, `node ${i} (Length ${len}) runs ${end - extent} byte(s) past the end of the table; decoding what is there`);
        end = extent;
        clean = false;
      }
      spans.push([pos, end]);
      pos = end;
    }
    if (clean && pos < extent) {
      this.report('warning', IortCode.bytesAfterNodes, pos,
        `${extent - pos} byte(s) after the last of the ${count} node(s) Node Count names; Linux does not read them; kept`);
    }
    return spans;
  }

  private nodePath(name: string): string {
    const n = this.counters.get(name) ?? 0;
    this.counters.set(name, n + 1);
    const p = `${this.path}/${name}[${n}]`;
    this.paths.push(p);
    return p;
  }

  private node(at: number, end: number): WireNode {
    const type = this.bytes[at]!;
    const kind = KIND_BY_TYPE.get(type);
    const path = this.nodePath(kind?.name ?? 'Node');
    if (!kind) {
      this.report('warning', IortCode.unknownNodeType, at, `node type ${type} is reserved; kept as ${end - at} raw bytes`, path);
      return this.raw(at, end);
    }
    const sections: Section[] = [{ spec: nodeHeaderFor(this.tableRevision) }, ...kind.sections(this.bytes[at + 3]!)];
    const fixedSize = sections.reduce((n, s) => n + s.spec.fixedSize, 0);
    if (end - at < fixedSize) {
      this.report('error', IortCode.nodeShort, at,
        `${kind.title} node of ${end - at} byte(s) is shorter than its fixed fields (${fixedSize} bytes); kept as raw bytes`, path);
      return this.raw(at, end);
    }
    const fixed: Model = {};
    let pos = at;
    for (const s of sections) {
      const m = this.part(s.spec, pos, s.spec.fixedSize, path);
      if (s.key) fixed[s.key] = m;
      else Object.assign(fixed, m);
      pos += s.spec.fixedSize;
    }
    const placements = this.placements(kind, fixed, fixedSize, end - at, at, path);
    if (!placements) return this.raw(at, end);
    const node: WireNode = { at, length: end - at, kind, fixed, sections, extension: 0, arrays: [], gaps: new Map() };
    this.body(node, placements, fixedSize, path);
    return node;
  }

  /** Where the node's non-empty arrays are, in byte order; undefined (reported) when they do not fit. */
  private placements(kind: NodeKind, fixed: Model, fixedSize: number, length: number, at: number, path: string): Placement[] | undefined {
    const list: Placement[] = [];
    for (const a of kind.arrays) {
      const offset = a.offset === undefined ? fixedSize : (fixed[a.offset] as number);
      const count = a.count === 'one' ? (offset !== 0 ? 1 : 0) : (fixed[a.count] as number);
      if (count > 0) list.push({ array: a, offset, size: count * a.element.fixedSize });
    }
    list.sort((x, y) => x.offset - y.offset);
    let floor = fixedSize;
    for (const p of list) {
      const where = `${kind.title} node: ${p.array.label} (${p.size} bytes at node offset ${hex(p.offset)})`;
      if (p.offset + p.size > length) {
        this.report('error', IortCode.arrayOutsideNode, at + Math.min(p.offset, length),
          `${where} run past the node's Length ${length}; the node is kept as raw bytes`, path);
        return undefined;
      }
      if (p.offset < floor) {
        this.report('error', IortCode.arrayOverlap, at + p.offset,
          floor === fixedSize
            ? `${where} overlap the node's fixed fields (${fixedSize} bytes); the node is kept as raw bytes`
            : `${where} overlap the array before them; the node is kept as raw bytes`, path);
        return undefined;
      }
      floor = p.offset + p.size;
    }
    return list;
  }

  /** Extension fields, the device name, the arrays and the bytes between and after them. */
  private body(node: WireNode, placements: Placement[], fixedSize: number, path: string): void {
    const { at, kind, fixed } = node;
    const firstArray = placements.find((p) => p.array.offset !== undefined)?.offset ?? node.length;
    let cursor = fixedSize;
    if (kind!.extension && !placements.some((p) => p.array.offset === undefined)) {
      // Whole groups only (a field with the reserved bytes after it), as far as there is room.
      let size = 0;
      for (const g of extensionGroups(kind!)) {
        if (size + g.size > firstArray - cursor) break;
        size += g.size;
        node.extension += g.members;
      }
      if (node.extension) Object.assign(fixed, this.part(extensionSpec(kind!, node.extension), at + cursor, size, path));
      cursor += size;
    }
    if (kind!.deviceName) cursor = this.name(node, cursor, firstArray, path);
    for (const p of placements) {
      if (p.offset > cursor) node.gaps.set(p.array.key, this.bytes.slice(at + cursor, at + p.offset));
      const elements = this.part(arraySpec(p.array), at + p.offset, p.size, path)['items'] as Model[];
      node.arrays.push({ array: p.array, offset: p.offset, elements } satisfies WireArray);
      cursor = p.offset + p.size;
    }
    if (cursor < node.length) {
      node.trailing = this.bytes.slice(at + cursor, at + node.length);
      this.report('info', IortCode.nodeUnusedBytes, at + cursor,
        `${node.length - cursor} byte(s) after the last part of the ${kind!.title} node are not used; kept`, path);
    }
  }

  private name(node: WireNode, cursor: number, limit: number, path: string): number {
    const from = node.at + cursor;
    const nul = this.bytes.subarray(from, node.at + limit).indexOf(0);
    if (nul < 0) {
      this.report('error', IortCode.nameUnterminated, from, `Device Name has no NUL before node offset ${hex(limit)}`, path);
      node.name = String.fromCharCode(...this.bytes.subarray(from, node.at + limit));
      return limit;
    }
    node.name = this.part(deviceName, from, nul + 1, path)['deviceName'] as string;
    return cursor + nul + 1;
  }

  private raw(at: number, end: number): WireNode {
    const fixed: Model = {
      type: this.bytes[at]!,
      length: this.view.getUint16(at + 1, true),
      revision: this.bytes[at + 3]!,
      raw: this.bytes.slice(at + 4, end),
    };
    return { at, length: end - at, fixed, sections: [], extension: 0, arrays: [], gaps: new Map() };
  }
}
