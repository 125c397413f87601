/**
 * The live Device Tree: nodes with labels, properties and children, the one
 * model that DTS parsing, DTB decoding and building from a topology produce
 * and that DTS printing, DTB encoding, resolving and the checks consume.
 *
 * A property value is kept in its source form, a list of chunks (cells,
 * strings, byte strings, references), because that is what a DTS prints back
 * and because references must stay symbolic (DESIGN practice 2): `&smmu` is a
 * label until layout.ts assigns phandles in one pass and derives the bytes.
 * A value decoded from a DTB has no source form; it is one `raw` chunk and is
 * printed the way dtc guesses types. Bytes are therefore always derived,
 * never stored beside a source form that could disagree with them.
 */
import { utf8ToByteString } from './byte-string.js';

/** A reference to a node: `&label` or `&{/path/to/node}`. */
export type DtRef = { kind: 'label'; label: string } | { kind: 'path'; path: string };

/**
 * A cell the DTS could not evaluate because it names a C preprocessor macro
 * that is not defined in what was parsed (typically from a dt-bindings
 * header). Encoded as 0; `text` is printed back verbatim.
 */
export interface DtUnresolvedCell {
  kind: 'unresolved';
  text: string;
}

/**
 * A cell: a number, a phandle reference (32-bit cells only), or an unresolved
 * macro. A number is a `number` in 8-, 16- and 32-bit cells and a `bigint` in
 * 64-bit ones, always (checkedCell and cells() see to it), so that two readers
 * of the same text give equal trees and a large tree holds no BigInt per cell.
 */
export type DtCell = DtNumber | DtRef | DtUnresolvedCell;
export type DtNumber = number | bigint;

/** Whether a cell is a number (not a reference or an unresolved macro). */
export const isNumberCell = (cell: DtCell): cell is DtNumber => typeof cell !== 'object';

export type DtCellBits = 8 | 16 | 32 | 64;

export type DtChunk =
  /** `<...>`, or `/bits/ N <...>`. */
  | { kind: 'cells'; bits: DtCellBits; cells: DtCell[] }
  /**
   * `"..."`: the bytes of the string without its NUL, one char per byte
   * (char codes 0-255), since DTS strings are byte strings (`"\xff"`).
   */
  | { kind: 'string'; value: string }
  /** `[00 11 22]`. */
  | { kind: 'bytes'; bytes: Uint8Array }
  /** `&label` or `&{/path}` as a value: the full path of the node, NUL-terminated. */
  | { kind: 'path'; ref: DtRef }
  /** Bytes with no known source form (decoded from a DTB). */
  | { kind: 'raw'; bytes: Uint8Array };

export interface DtProperty {
  name: string;
  labels: string[];
  /** Chunks in order; an empty list is an empty (boolean) property. */
  value: DtChunk[];
}

export interface DtNode {
  /** Node name without the unit address; '' for the root. */
  name: string;
  /** Text after '@' in the node name, if any. */
  unitAddress?: string;
  labels: string[];
  properties: DtProperty[];
  children: DtNode[];
}

export interface DtReservation {
  address: bigint;
  size: bigint;
  labels: string[];
}

export interface DtTree {
  root: DtNode;
  /** The memory reservation block (`/memreserve/`). */
  memoryReservations: DtReservation[];
  /** FDT header boot_cpuid_phys. */
  bootCpuidPhys: number;
}

export function createNode(fullNameText: string, labels: string[] = []): DtNode {
  const at = fullNameText.indexOf('@');
  if (at < 0) return { name: fullNameText, labels, properties: [], children: [] };
  // One literal with every field: a field added afterwards lives outside the object, a second allocation per node.
  return { name: fullNameText.slice(0, at), labels, properties: [], children: [], unitAddress: fullNameText.slice(at + 1) };
}

export function emptyTree(): DtTree {
  return { root: createNode(''), memoryReservations: [], bootCpuidPhys: 0 };
}

/** `name@unit`, as the node is named in a path and in the DTB. */
export function fullName(node: DtNode): string {
  return node.unitAddress === undefined ? node.name : `${node.name}@${node.unitAddress}`;
}

export function childPath(parentPath: string, child: DtNode): string {
  return parentPath === '/' ? `/${fullName(child)}` : `${parentPath}/${fullName(child)}`;
}

export function findChild(node: DtNode, name: string): DtNode | undefined {
  return node.children.find((c) => fullName(c) === name);
}

export function findProperty(node: DtNode, name: string): DtProperty | undefined {
  return node.properties.find((p) => p.name === name);
}

/** Sets a property, replacing one of the same name in place (as a DTS redefinition does). */
export function setProperty(node: DtNode, property: DtProperty): void {
  const i = node.properties.findIndex((p) => p.name === property.name);
  if (i < 0) node.properties.push(property);
  else node.properties[i] = { ...property, labels: mergeLabels(node.properties[i]!.labels, property.labels) };
}

export function mergeLabels(into: readonly string[], more: readonly string[]): string[] {
  return [...into, ...more.filter((l) => !into.includes(l))];
}

/** The node at an absolute path (`/`, `/soc/pcie@1000`); as in dtc, each part must be a full node name. */
export function nodeAtPath(root: DtNode, path: string): DtNode | undefined {
  if (!path.startsWith('/')) return undefined;
  let node: DtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = findChild(node, part);
    if (!node) return undefined;
  }
  return node;
}

export interface VisitedNode {
  node: DtNode;
  path: string;
  parent: DtNode | undefined;
  depth: number;
}

/**
 * Every node in tree (pre-)order, parents before children, without recursion
 * (trees may be deep). A list, not a generator: walking a large tree is done
 * several times per command, and a generator allocates a result per step.
 */
export function walkNodes(root: DtNode): VisitedNode[] {
  const out: VisitedNode[] = [];
  const stack: VisitedNode[] = [{ node: root, path: '/', parent: undefined, depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    out.push(visit);
    const { node, path, depth } = visit;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      stack.push({ node: child, path: childPath(path, child), parent: node, depth: depth + 1 });
    }
  }
  return out;
}

/** A 32-bit cells chunk (a bigint given is cut to its low 32 bits, as the cell holds them). */
export function cells(...values: DtCell[]): DtChunk {
  return { kind: 'cells', bits: 32, cells: values.map((v) => (typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : v)) };
}

export function labelRef(label: string): DtRef {
  return { kind: 'label', label };
}

export function prop(name: string, ...value: DtChunk[]): DtProperty {
  return { name, labels: [], value };
}

/** One string chunk per string: a DTS string list `"a", "b"`; text is stored as its UTF-8 bytes. */
export function strings(...values: string[]): DtChunk[] {
  return values.map((value) => ({ kind: 'string', value: utf8ToByteString(value) }));
}

export interface TreeEvent<T> {
  kind: 'open' | 'close';
  node: T;
  depth: number;
}

/**
 * Opens and closes of every node, children between, without recursion: the
 * order a DTB structure block and a DTS text are written in. A list, as
 * walkNodes is.
 */
export function openClose<T extends { children: readonly T[] }>(root: T): TreeEvent<T>[] {
  const out: TreeEvent<T>[] = [];
  const stack: TreeEvent<T>[] = [{ kind: 'open', node: root, depth: 0 }];
  while (stack.length > 0) {
    const event = stack.pop()!;
    out.push(event);
    if (event.kind === 'close') continue;
    stack.push({ kind: 'close', node: event.node, depth: event.depth });
    const { children } = event.node;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ kind: 'open', node: children[i]!, depth: event.depth + 1 });
  }
  return out;
}

/**
 * Each reference and unresolved cell of a value, in order, given to `visit`;
 * `asPath` marks a reference used as a path string. Indexed loops, not a
 * generator: laying out a large tree visits every value, and a generator (or
 * a cold for-of) allocates a result per step.
 */
export function forEachSymbolicCell(value: readonly DtChunk[], visit: (cell: DtRef | DtUnresolvedCell, asPath: boolean) => void): void {
  for (let c = 0; c < value.length; c++) {
    const chunk = value[c]!;
    if (chunk.kind === 'path') visit(chunk.ref, true);
    if (chunk.kind !== 'cells') continue;
    for (let i = 0; i < chunk.cells.length; i++) {
      const cell = chunk.cells[i]!;
      if (typeof cell === 'object') visit(cell, false);
    }
  }
}

/** The references and unresolved cells of a value, in order (forEachSymbolicCell's, as a list). */
export function symbolicCells(value: readonly DtChunk[]): { cell: DtRef | DtUnresolvedCell; asPath: boolean }[] {
  const out: { cell: DtRef | DtUnresolvedCell; asPath: boolean }[] = [];
  forEachSymbolicCell(value, (cell, asPath) => out.push({ cell, asPath }));
  return out;
}

/**
 * Whether forEachSymbolicCell would visit anything: a plain loop, since most values
 * have no reference and a generator per value is what laying out a large
 * tree would spend its time on.
 */
export function hasSymbolicCells(value: readonly DtChunk[]): boolean {
  // Indexed loops: a cold for-of allocates a result per step.
  for (let c = 0; c < value.length; c++) {
    const chunk = value[c]!;
    if (chunk.kind === 'path') return true;
    if (chunk.kind !== 'cells') continue;
    for (let i = 0; i < chunk.cells.length; i++) if (typeof chunk.cells[i] === 'object') return true;
  }
  return false;
}
