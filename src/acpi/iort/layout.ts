/**
 * The layout pass (DESIGN practice 2): the model → the IORT as it will sit.
 * One walk places every node and every part inside it, computes Length,
 * counts and offsets, and turns node references into table offsets. Arrays
 * go back to back after the fixed fields, in the spec's order, unless the
 * model's `layout` says how a decoded table had them.
 *
 * Strict: problems of the model are errors with their structure path; value
 * problems of individual fields are left to the codec when the parts are
 * written, which reports them all.
 */
import type { Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { IortCode } from './codes.js';
import type { IortNodeRef, IortTable } from './model.js';
import { KIND_BY_NAME, NODE_KINDS, type NodeKind, type PlacedArray, type Section } from './node-kinds.js';
import { IORT_HEADER_SIZE, nodeHeaderFor } from './spec.js';
import { extensionGroups, type WireArray, type WireNode, type WireTable } from './wire.js';

export interface ToWire {
  wire: WireTable;
  paths: string[];
  diagnostics: Diagnostic[];
}

const MAX_NODE_LENGTH = 0xffff;
const MAX_U32 = 0xffffffff;
const HEADER_KEYS = ['signature', 'revision', 'oemId', 'oemTableId', 'oemRevision', 'creatorId', 'creatorRevision', 'reserved'];

interface PendingRef {
  target: Model;
  key: string;
  ref: unknown;
  path: string;
}

export function tableToWire(t: IortTable): ToWire {
  return new Layout(t).run();
}

class Layout {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly paths: string[] = [];
  private readonly pending: PendingRef[] = [];
  private readonly counters = new Map<string, number>();
  private readonly tableRevision: number;

  constructor(private readonly t: IortTable) {
    this.tableRevision = typeof t.revision === 'number' ? t.revision : 0;
  }

  private problem(path: string, message: string): void {
    this.diagnostics.push({ severity: 'error', code: IortCode.invalidModel, path, message });
  }

  run(): ToWire {
    const t = this.t;
    const header: Model = {};
    for (const key of HEADER_KEYS) if ((t as unknown as Model)[key] !== undefined) header[key] = (t as unknown as Model)[key];
    const padding = this.bytes(t.padding, 'IORT', 'padding');
    const nodes = Array.isArray(t.nodes) ? t.nodes : [];
    if (!Array.isArray(t.nodes)) this.problem('IORT', 'nodes must be a list');
    let pos = IORT_HEADER_SIZE + (padding?.length ?? 0);
    const wireNodes = nodes.map((node) => {
      const w = this.node(node as unknown as Model, pos);
      pos += w.length;
      return w;
    });
    header['nodeCount'] = wireNodes.length;
    header['nodeOffset'] = IORT_HEADER_SIZE + (padding?.length ?? 0);
    this.resolveRefs(wireNodes);
    const trailing = this.bytes(t.trailing, 'IORT', 'trailing');
    const wire: WireTable = { header, length: pos + (trailing?.length ?? 0), nodes: wireNodes };
    if (padding?.length) wire.padding = padding;
    if (trailing?.length) wire.trailing = trailing;
    return { wire, paths: this.paths, diagnostics: this.diagnostics };
  }

  private bytes(v: unknown, path: string, key: string): Uint8Array | undefined {
    if (v === undefined || v instanceof Uint8Array) return v;
    this.problem(`${path}.${key}`, `${key} must be bytes`);
    return undefined;
  }

  private nodePath(name: string): string {
    const n = this.counters.get(name) ?? 0;
    this.counters.set(name, n + 1);
    const p = `IORT/${name}[${n}]`;
    this.paths.push(p);
    return p;
  }

  private node(node: Model, at: number): WireNode {
    const type = node?.['type'];
    const kind = typeof type === 'string' ? KIND_BY_NAME.get(type) : undefined;
    if (typeof type === 'number' || !kind) {
      const path = this.nodePath('Node');
      if (typeof type !== 'number') {
        this.problem(`${path}.type`, `unknown node type ${JSON.stringify(type)} (known: ${NODE_KINDS.map((k) => k.name).join(', ')})`);
      }
      const raw = this.bytes(node?.['raw'], path, 'raw') ?? new Uint8Array(0);
      const fixed: Model = { type: typeof type === 'number' ? type : 0, length: 4 + raw.length, revision: node?.['revision'], raw };
      return { at, length: 4 + raw.length, fixed, sections: [], extension: 0, arrays: [], gaps: new Map() };
    }
    return this.knownNode(node, kind, at, this.nodePath(kind.name));
  }

  private knownNode(node: Model, kind: NodeKind, at: number, path: string): WireNode {
    const revision = typeof node['revision'] === 'number' ? node['revision'] : 0;
    const sections: Section[] = [{ spec: nodeHeaderFor(this.tableRevision) }, ...kind.sections(revision)];
    const skip = new Set(['type', 'deviceName', 'layout', 'trailing', ...kind.arrays.map((a) => a.key), ...(kind.refs ?? [])]);
    const fixed: Model = {};
    for (const [key, value] of Object.entries(node)) if (!skip.has(key)) fixed[key] = value;
    fixed['type'] = kind.type;
    for (const r of kind.refs ?? []) this.pending.push({ target: fixed, key: r, ref: node[r], path: `${path}.${r}` });

    const groups = extensionGroups(kind).slice(0, this.extension(node, kind, path));
    let cursor = sections.reduce((n, s) => n + s.spec.fixedSize, 0) + groups.reduce((n, g) => n + g.size, 0);
    const extension = groups.reduce((n, g) => n + g.members, 0);
    const w: WireNode = { at, length: 0, kind, fixed, sections, extension, arrays: [], gaps: new Map() };
    if (kind.deviceName) {
      const name = node['deviceName'];
      if (typeof name === 'string') {
        w.name = name;
        cursor += name.length + 1;
      } else {
        this.problem(`${path}.deviceName`, 'deviceName must be a string');
      }
    }
    const layout = (node['layout'] ?? {}) as { order?: unknown; gaps?: Record<string, unknown>; emptyOffsets?: Record<string, unknown> };
    for (const a of this.arrayOrder(kind, layout.order, path)) {
      const elements = this.elements(node, a, path);
      if (a.count !== 'one') fixed[a.count] = elements.length;
      if (elements.length === 0) {
        // A single structure is absent exactly when its offset is 0.
        if (a.offset) fixed[a.offset] = a.count === 'one' ? 0 : this.emptyOffset(layout.emptyOffsets?.[a.key], `${path}.layout.emptyOffsets.${a.key}`);
        continue;
      }
      const gap = this.bytes(layout.gaps?.[a.key], `${path}.layout.gaps`, a.key);
      if (gap?.length) {
        w.gaps.set(a.key, gap);
        cursor += gap.length;
      }
      if (a.offset) fixed[a.offset] = cursor;
      w.arrays.push({ array: a, offset: cursor, elements } satisfies WireArray);
      cursor += elements.length * a.element.fixedSize;
    }
    const trailing = this.bytes(node['trailing'], path, 'trailing');
    if (trailing?.length) {
      w.trailing = trailing;
      cursor += trailing.length;
    }
    if (cursor > MAX_NODE_LENGTH) this.problem(path, `the ${kind.title} node needs ${cursor} bytes; a node's Length holds at most ${MAX_NODE_LENGTH}`);
    w.length = cursor;
    fixed['length'] = Math.min(cursor, MAX_NODE_LENGTH);
    return w;
  }

  /** How many extension groups the node has: every group up to the last one whose field is set. */
  private extension(node: Model, kind: NodeKind, path: string): number {
    const groups = extensionGroups(kind);
    let n = 0;
    groups.forEach((g, i) => {
      if (node[g.key] === undefined) return;
      if (n < i) {
        const missing = groups.slice(n, i).map((x) => x.key).join(', ');
        this.problem(`${path}.${g.key}`, `${g.key} sits after ${missing} in the node; give ${missing} too`);
      }
      n = i + 1;
    });
    return n;
  }

  /** Arrays that follow the fixed fields first, then the placed ones in the model's order, else the spec's. */
  private arrayOrder(kind: NodeKind, order: unknown, path: string): PlacedArray[] {
    const immediate = kind.arrays.filter((a) => !a.offset);
    const placed = kind.arrays.filter((a) => a.offset);
    if (order === undefined) return [...immediate, ...placed];
    const keys = Array.isArray(order) ? order : [];
    const known = keys.filter((k): k is string => placed.some((a) => a.key === k));
    if (!Array.isArray(order) || known.length !== keys.length || new Set(keys).size !== keys.length) {
      this.problem(`${path}.layout.order`, `order must list distinct arrays of the node among ${placed.map((a) => a.key).join(', ')}`);
    }
    const first = known.map((k) => placed.find((a) => a.key === k)!);
    return [...immediate, ...first, ...placed.filter((a) => !known.includes(a.key))];
  }

  private elements(node: Model, a: PlacedArray, path: string): Model[] {
    const v = node[a.key];
    let list: unknown[];
    if (a.count === 'one') list = v === undefined ? [] : [v];
    else if (Array.isArray(v)) list = v;
    else {
      this.problem(`${path}.${a.key}`, `${a.key} must be a list`);
      list = [];
    }
    return list.map((e, i) => {
      if (a.scalar) return { [a.scalar]: e };
      const element = { ...(e as Model) };
      if (a.ref) this.pending.push({ target: element, key: a.ref, ref: element[a.ref], path: `${path}/${a.element.name}[${i}].${a.ref}` });
      return element;
    });
  }

  private emptyOffset(v: unknown, path: string): number {
    if (v === undefined) return 0;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_U32) return v;
    this.problem(path, 'an empty array\'s offset must be an integer 0..0xffffffff');
    return 0;
  }

  /** Node references → table offsets, now that every node has its place. */
  private resolveRefs(nodes: readonly WireNode[]): void {
    for (const p of this.pending) {
      const ref = p.ref as Partial<IortNodeRef> | undefined;
      if (ref && 'node' in ref && Number.isInteger(ref.node) && ref.node! >= 0 && ref.node! < nodes.length) {
        p.target[p.key] = nodes[ref.node!]!.at;
      } else if (ref && 'offset' in ref && Number.isInteger(ref.offset) && ref.offset! >= 0 && ref.offset! <= MAX_U32) {
        p.target[p.key] = ref.offset;
      } else {
        this.problem(p.path, `a node reference must be {"node": 0..${nodes.length - 1}} or {"offset": n}, got ${JSON.stringify(p.ref)}`);
        p.target[p.key] = 0;
      }
    }
  }
}
