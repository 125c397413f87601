/**
 * Layout: the one pass that turns the symbolic tree into what a DTB holds
 * (DESIGN practice 2). It indexes labels and paths, assigns phandles, and
 * derives every property's bytes.
 *
 * Phandles follow dtc's rule, so that our DTB equals dtc's: explicit
 * `phandle` (or `linux,phandle`) properties keep their values; then the
 * references are visited in tree order (node, its properties in order, the
 * cells in order, then its children) and each referenced node without a
 * phandle gets the lowest number, counting up from 1, that no node uses yet.
 * Such a node gets a `phandle` property appended after its own properties.
 * Path references (`&label` as a value) need no phandle.
 */
import type { Diagnostic } from '../diagnostic.js';
import { u32Value } from './cells.js';
import { forEachSymbolicCell, fullName, hasSymbolicCells, walkNodes, type DtNode, type DtProperty, type DtRef, type DtTree, type DtUnresolvedCell } from './tree.js';
import { encodeValue, type RefResolver } from './value-bytes.js';

export interface LaidOutProperty {
  name: string;
  bytes: Uint8Array;
}

/** A node as the DTB stores it: full name, property bytes (with any added phandle), children. */
export interface LaidOutNode {
  name: string;
  properties: LaidOutProperty[];
  children: LaidOutNode[];
}

/** A reference that names no node. */
export interface DanglingReference {
  /** Path of the property holding it. */
  path: string;
  ref: DtRef;
}

export interface DtLayout {
  tree: DtTree;
  root: LaidOutNode;
  pathOf: Map<DtNode, string>;
  nodeByPath: Map<string, DtNode>;
  parentOf: Map<DtNode, DtNode>;
  phandleOf: Map<DtNode, number>;
  nodeByPhandle: Map<number, DtNode>;
  nodeByLabel: Map<string, DtNode>;
  /** Nodes that get a `phandle` property appended because something references them (dtc's rule above). */
  assigned: Set<DtNode>;
  bytesOf: Map<DtProperty, Uint8Array>;
  /** Properties with a cell that names an undefined macro (their bytes are not the real value), with their paths. */
  unresolved: Map<DtProperty, string>;
  dangling: DanglingReference[];
  /** Duplicate labels and phandles, invalid phandle values. */
  diagnostics: Diagnostic[];
}

export const PHANDLE_PROPERTIES = ['phandle', 'linux,phandle'] as const;
const INVALID_PHANDLES = new Set([0, 0xffffffff]);
const isPhandleName = (name: string) => name === PHANDLE_PROPERTIES[0] || name === PHANDLE_PROPERTIES[1];

export function refText(ref: DtRef): string {
  return ref.kind === 'label' ? `&${ref.label}` : `&{${ref.path}}`;
}

/**
 * The layout of a tree. `bytes: false` stops after the references (paths,
 * labels, phandles, what dangles): root stays empty, bytesOf and parentOf unfilled,
 * for the DTB writer, which writes each value straight into the blob rather
 * than into a buffer of its own first.
 */
export function layoutTree(tree: DtTree, { bytes = true }: { bytes?: boolean } = {}): DtLayout {
  const layout: DtLayout = {
    tree,
    root: { name: '', properties: [], children: [] },
    pathOf: new Map(),
    nodeByPath: new Map(),
    parentOf: new Map(),
    phandleOf: new Map(),
    nodeByPhandle: new Map(),
    nodeByLabel: new Map(),
    assigned: new Set(),
    bytesOf: new Map(),
    unresolved: new Map(),
    dangling: [],
    diagnostics: [],
  };
  const nodes = indexNodes(layout, bytes);
  assignPhandles(layout, nodes);
  if (!bytes) return layout;
  const resolve = resolverOf(layout);

  const laidOut = new Map<DtNode, LaidOutNode>();
  for (const node of nodes) {
    const properties = node.properties.map((p) => {
      const bytes = encodeValue(p.value, resolve);
      layout.bytesOf.set(p, bytes);
      return { name: p.name, bytes };
    });
    if (layout.assigned.has(node)) properties.push({ name: 'phandle', bytes: u32Bytes(layout.phandleOf.get(node)!) });
    const out: LaidOutNode = { name: fullName(node), properties, children: [] };
    laidOut.set(node, out);
    const parent = layout.parentOf.get(node);
    if (parent) laidOut.get(parent)!.children.push(out);
    else layout.root = out;
  }
  return layout;
}

/** What a reference stands for in the laid-out tree: the target's phandle (0 when it has none) and path. */
export function resolverOf(layout: DtLayout): RefResolver {
  return (ref) => {
    const node = refTarget(layout, ref);
    return node && { phandle: layout.phandleOf.get(node) ?? 0, path: layout.pathOf.get(node)! };
  };
}

/** Paths, labels and (with `parents`) parents; returns the nodes in tree order. */
function indexNodes(layout: DtLayout, parents: boolean): DtNode[] {
  const nodes: DtNode[] = [];
  const visits = walkNodes(layout.tree.root);
  for (let i = 0; i < visits.length; i++) {
    const { node, path, parent } = visits[i]!;
    nodes.push(node);
    layout.pathOf.set(node, path);
    layout.nodeByPath.set(path, node);
    if (parent && parents) layout.parentOf.set(node, parent);
    for (const label of node.labels) {
      const other = layout.nodeByLabel.get(label);
      if (other && other !== node) {
        layout.diagnostics.push({
          severity: 'error',
          code: 'dt-duplicate-label',
          path,
          message: `label ${label} is also on ${layout.pathOf.get(other)}`,
        });
      } else {
        layout.nodeByLabel.set(label, node);
      }
    }
  }
  return nodes;
}

/** Explicit phandles first, then dtc's numbering of referenced nodes (layout.assigned: the nodes that got one). */
function assignPhandles(layout: DtLayout, nodes: readonly DtNode[]): void {
  for (let i = 0; i < nodes.length; i++) explicitPhandle(layout, nodes[i]!);

  const assigned = layout.assigned;
  let next = 1;
  // The property's path only for what is reported: most references resolve.
  const where = (node: DtNode, p: DtProperty) => childPropertyPath(layout.pathOf.get(node)!, p.name);
  const visit = (node: DtNode, p: DtProperty, cell: DtRef | DtUnresolvedCell, asPath: boolean) => {
    if (cell.kind === 'unresolved') {
      layout.unresolved.set(p, where(node, p));
      return;
    }
    const target = refTarget(layout, cell);
    if (!target) {
      layout.dangling.push({ path: where(node, p), ref: cell });
      return;
    }
    if (asPath || layout.phandleOf.has(target)) return;
    while (layout.nodeByPhandle.has(next)) next++;
    layout.phandleOf.set(target, next);
    layout.nodeByPhandle.set(next, target);
    assigned.add(target);
  };
  // Indexed loops: a cold for-of allocates a result per step.
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    for (let q = 0; q < node.properties.length; q++) {
      const p = node.properties[q]!;
      if (hasSymbolicCells(p.value)) forEachSymbolicCell(p.value, (cell, asPath) => visit(node, p, cell, asPath));
    }
  }
}

function explicitPhandle(layout: DtLayout, node: DtNode): void {
  // Most nodes have neither property: one pass over the names finds that out.
  let any = false;
  for (let i = 0; i < node.properties.length && !any; i++) any = isPhandleName(node.properties[i]!.name);
  if (!any) return;
  const path = layout.pathOf.get(node)!;
  for (const name of PHANDLE_PROPERTIES) {
    const p = node.properties.find((q) => q.name === name);
    if (!p || hasSymbolicCells(p.value)) continue;
    const value = u32Value(encodeValue(p.value, () => undefined));
    if (value === undefined || INVALID_PHANDLES.has(value)) {
      layout.diagnostics.push({
        severity: 'error',
        code: 'dt-bad-phandle',
        path: childPropertyPath(path, name),
        message: `${name} must be one cell other than 0 and 0xffffffff`,
      });
      continue;
    }
    const other = layout.nodeByPhandle.get(value);
    if (other && other !== node) {
      layout.diagnostics.push({
        severity: 'error',
        code: 'dt-bad-phandle',
        path: childPropertyPath(path, name),
        message: `phandle 0x${value.toString(16)} is also ${layout.pathOf.get(other)}'s`,
      });
      continue;
    }
    if (layout.phandleOf.has(node)) continue;
    layout.phandleOf.set(node, value);
    layout.nodeByPhandle.set(value, node);
  }
}

/** `/pcie@10000000/iommu-map`: the form diagnostics name a property by. */
export function childPropertyPath(nodePath: string, property: string): string {
  return nodePath === '/' ? `/${property}` : `${nodePath}/${property}`;
}

export function u32Bytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** The bytes of a node's property, or undefined when it has none of that name. */
export function propertyBytes(layout: DtLayout, node: DtNode, name: string): Uint8Array | undefined {
  const p = node.properties.find((q) => q.name === name);
  return p && layout.bytesOf.get(p);
}

export function refTarget(layout: Pick<DtLayout, 'nodeByLabel' | 'nodeByPath'>, ref: DtRef): DtNode | undefined {
  return ref.kind === 'label' ? layout.nodeByLabel.get(ref.label) : layout.nodeByPath.get(ref.path);
}
