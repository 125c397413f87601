/**
 * The IORT as it sits in the bytes: every part a codec model at its offset,
 * counts, offsets and references included. The reader produces it from
 * bytes, the layout pass from the model; the writer and the text printer
 * consume it, so that what is printed is always what is (or will be) in the
 * bytes.
 */
import { field, rest, sizeOfType, struct, u16le, u8, type Model, type StructSpec } from '../../codec/index.js';
import type { NodeKind, PlacedArray, Section } from './node-kinds.js';
import { deviceName, IORT_HEADER_SIZE, tableHeader } from './spec.js';

export interface WireArray {
  array: PlacedArray;
  /** Offset of the first element from the node start. */
  offset: number;
  elements: Model[];
}

export interface WireNode {
  /** Offset of the node in the table. */
  at: number;
  length: number;
  /** Absent for a node kept raw (reserved type, too short, impossible layout). */
  kind?: NodeKind;
  /** Header and fixed fields; a section with a key nests under it. A raw node: type, length, revision, raw. */
  fixed: Model;
  /** The header section first. */
  sections: readonly Section[];
  /** How many extension fields the node has room for. */
  extension: number;
  name?: string;
  /** The non-empty arrays, in byte order. */
  arrays: WireArray[];
  /** Bytes before an array, by its key. */
  gaps: Map<string, Uint8Array>;
  trailing?: Uint8Array;
}

export interface WireTable {
  /** tableHeader's model; a STORED length/checksum when the bytes disagree with the layout. */
  header: Model;
  length: number;
  padding?: Uint8Array;
  nodes: WireNode[];
  trailing?: Uint8Array;
}

/** A node kept as bytes: the first four bytes, then the rest unread. */
export const rawNode: StructSpec = struct({
  name: 'Node',
  typeName: 'IortUnknownNode',
  members: [field('type', 'Type', u8), field('length', 'Length', u16le), field('revision', 'Revision', u8), rest('raw', 'Raw Data')],
});

const extensionSpecs = new Map<string, StructSpec>();

/** The first `n` extension fields of a node type, as one structure. */
export function extensionSpec(kind: NodeKind, n: number): StructSpec {
  const key = `${kind.name}:${n}`;
  let spec = extensionSpecs.get(key);
  if (!spec) {
    spec = struct({ name: kind.name, typeName: `Iort${kind.name}Extension`, members: (kind.extension ?? []).slice(0, n) });
    extensionSpecs.set(key, spec);
  }
  return spec;
}

/**
 * Extension fields in groups: a field with the reserved bytes after it
 * (RC PASID capabilities and its reserved byte). A group is all there or
 * not at all, so a reserved member (absent from the model when zero) never
 * leaves in doubt whether its bytes exist.
 */
export function extensionGroups(kind: NodeKind): { key: string; members: number; size: number }[] {
  const groups: { key: string; members: number; size: number }[] = [];
  for (const m of kind.extension ?? []) {
    const last = groups[groups.length - 1];
    if (m.type.kind === 'reserved' && last) {
      last.members++;
      last.size += m.type.size;
    } else {
      groups.push({ key: m.key, members: 1, size: sizeOfType(m.type) });
    }
  }
  return groups;
}

export function sectionModel(node: WireNode, s: Section): Model {
  return s.key ? (node.fixed[s.key] as Model) : node.fixed;
}

/** One placed part: a structure, or bytes no structure describes. */
export type WireItem =
  | { at: number; path: string; spec: StructSpec; model: Model; heading?: Section['heading']; blank?: boolean }
  | { at: number; path: string; label: string; bytes: Uint8Array; blank?: boolean };

/** Every part of the table in byte order; together they cover [0, length) exactly. */
export function wireItems(t: WireTable, paths: readonly string[]): WireItem[] {
  const items: WireItem[] = [{ at: 0, path: 'IORT', spec: tableHeader, model: t.header }];
  if (t.padding?.length) items.push({ at: IORT_HEADER_SIZE, path: 'IORT', label: 'Optional Padding', bytes: t.padding, blank: true });
  t.nodes.forEach((n, i) => nodeItems(n, paths[i] ?? `IORT/Node[${i}]`, items));
  const end = t.nodes.length ? t.nodes[t.nodes.length - 1]!.at + t.nodes[t.nodes.length - 1]!.length : IORT_HEADER_SIZE + (t.padding?.length ?? 0);
  if (t.trailing?.length) items.push({ at: end, path: 'IORT', label: 'Trailing Bytes', bytes: t.trailing, blank: true });
  return items;
}

function nodeItems(n: WireNode, path: string, items: WireItem[]): void {
  if (!n.kind) {
    items.push({ at: n.at, path, spec: rawNode, model: n.fixed, blank: true });
    return;
  }
  let pos = n.at;
  n.sections.forEach((s, i) => {
    items.push({ at: pos, path, spec: s.spec, model: sectionModel(n, s), ...(s.heading ? { heading: s.heading } : {}), blank: i <= 1 });
    pos += s.spec.fixedSize;
  });
  if (n.extension) {
    const spec = extensionSpec(n.kind, n.extension);
    items.push({ at: pos, path, spec, model: n.fixed });
    pos += spec.fixedSize;
  }
  if (n.name !== undefined) {
    items.push({ at: pos, path, spec: deviceName, model: { deviceName: n.name } });
    pos += n.name.length + 1;
  }
  for (const a of n.arrays) {
    const gap = n.gaps.get(a.array.key);
    if (gap?.length) items.push({ at: pos, path, label: 'Padding', bytes: gap });
    pos = n.at + a.offset;
    const size = a.array.element.fixedSize;
    a.elements.forEach((model, i) => {
      items.push({ at: pos, path: `${path}/${a.array.element.name}[${i}]`, spec: a.array.element, model, blank: a.array.spaced === true });
      pos += size;
    });
  }
  if (n.trailing?.length) items.push({ at: pos, path, label: 'Unused Bytes', bytes: n.trailing });
}
