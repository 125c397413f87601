/**
 * The IORT as it sits → the model: derived fields dropped, node references
 * turned into node indexes, and whatever the layout pass would not produce
 * by itself (gaps, unusual order, offsets of empty arrays) kept in `layout`.
 */
import type { Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { IortCode } from './codes.js';
import type { IortLayout, IortNode, IortNodeRef, IortTable, IortUnknownNode } from './model.js';
import { derivedKeys, type NodeKind } from './node-kinds.js';
import { IORT_HEADER_SIZE } from './spec.js';
import type { WireNode, WireTable } from './wire.js';

const HEADER_KEYS = ['signature', 'revision', 'oemId', 'oemTableId', 'oemRevision', 'creatorId', 'creatorRevision', 'reserved'];

export interface FromWire {
  table: IortTable;
  diagnostics: Diagnostic[];
}

export function tableFromWire(w: WireTable, paths: readonly string[]): FromWire {
  const diagnostics: Diagnostic[] = [];
  const starts = new Map(w.nodes.map((n, i) => [n.at, i]));
  const table = {} as IortTable;
  for (const key of HEADER_KEYS) if (w.header[key] !== undefined) (table as unknown as Model)[key] = w.header[key];
  if (w.padding) table.padding = w.padding;
  table.nodes = w.nodes.map((n, i) => {
    const ref = (offset: number, at: number, what: string): IortNodeRef => {
      const node = starts.get(offset);
      if (node !== undefined) return { node };
      diagnostics.push({
        severity: 'error',
        code: IortCode.danglingReference,
        path: paths[i],
        offset: at,
        message: `${what} 0x${offset.toString(16)} is the start of no node${describeTarget(w, offset)}; kept as that offset`,
      });
      return { offset };
    };
    return n.kind ? knownNode(n, n.kind, ref) : unknownNode(n);
  });
  if (w.trailing) table.trailing = w.trailing;
  return { table, diagnostics };
}

function describeTarget(w: WireTable, offset: number): string {
  const inside = w.nodes.find((n) => n.at < offset && offset < n.at + n.length);
  if (inside) return ` (it points ${offset - inside.at} byte(s) into the node at 0x${inside.at.toString(16)})`;
  return offset < IORT_HEADER_SIZE ? ' (it points into the table header)' : ' (it points past the nodes)';
}

function unknownNode(n: WireNode): IortUnknownNode {
  return { type: n.fixed['type'] as number, revision: n.fixed['revision'] as number, raw: n.fixed['raw'] as Uint8Array };
}

type Ref = (offset: number, at: number, what: string) => IortNodeRef;

function knownNode(n: WireNode, kind: NodeKind, ref: Ref): IortNode {
  const derived = derivedKeys(kind);
  const node: Model = { type: kind.name };
  for (const [key, value] of Object.entries(n.fixed)) if (!derived.has(key)) node[key] = value;
  for (const r of kind.refs ?? []) node[r] = ref(n.fixed[r] as number, n.at, `${kind.title} ${r}`);
  if (n.name !== undefined) node['deviceName'] = n.name;
  for (const a of kind.arrays) {
    const placed = n.arrays.find((x) => x.array === a);
    const elements = (placed?.elements ?? []).map((e, i) => {
      if (a.scalar) return e[a.scalar];
      if (!a.ref) return e;
      const at = n.at + placed!.offset + i * a.element.fixedSize;
      return { ...e, [a.ref]: ref(e[a.ref] as number, at, `${kind.title} ${a.element.name}[${i}] ${a.ref}`) };
    });
    if (a.count !== 'one') node[a.key] = elements;
    else if (elements.length) node[a.key] = elements[0];
  }
  const layout = layoutOf(n, kind);
  if (layout) node['layout'] = layout;
  if (n.trailing) node['trailing'] = n.trailing;
  return node as unknown as IortNode;
}

function layoutOf(n: WireNode, kind: NodeKind): IortLayout | undefined {
  const layout: IortLayout = {};
  const placed = n.arrays.filter((a) => a.array.offset !== undefined).map((a) => a.array.key);
  const usual = kind.arrays.filter((a) => placed.includes(a.key)).map((a) => a.key);
  if (placed.join() !== usual.join()) layout.order = placed;
  if (n.gaps.size) layout.gaps = Object.fromEntries(n.gaps);
  for (const a of kind.arrays) {
    if (!a.offset || n.arrays.some((x) => x.array === a)) continue;
    const offset = n.fixed[a.offset] as number;
    if (offset !== 0) (layout.emptyOffsets ??= {})[a.key] = offset;
  }
  return Object.keys(layout).length ? layout : undefined;
}
