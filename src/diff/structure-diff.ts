/**
 * The structural difference of two decoded tables of one kind, driven by
 * their declaration (practice 1: the same spec that decodes, encodes and
 * prints also compares). Structures in lists are matched by identity
 * (identity.ts), never by position or offset, so reordering is no
 * difference; fields are compared by value, derived fields (lengths,
 * checksums, counts) not at all, since they follow from the rest.
 *
 * A structure of a nested list that leaves one parent and appears under
 * another (a device scope moving between DRHDs) is reported as one move.
 * References (an IORT ID mapping's output node) are compared and shown by
 * the identity of what they point at, not by the index the bytes give.
 */
import { bitValue, equalBytes, formatValue, lineValueText, sizeOfType, TRAILING_KEY, type FieldMember, type Model } from '../codec/index.js';
import { hasIdentity, identityOf } from './identity.js';
import { isReference, type FieldPlace, type ReferenceRole, type StructureItems, type StructureNode } from '../codec/index.js';
import { appendAll } from '../append.js';

export type ByteRange = readonly [start: number, end: number];

export interface FieldChange {
  label: string;
  a: string;
  b: string;
  /** Byte ranges of the field in A and B. */
  at: { a: ByteRange; b: ByteRange };
}

export interface StructureChange {
  kind: 'added' | 'removed' | 'changed' | 'moved';
  /** The structure's identity (`DRHD vtd@0xfed90000`). */
  name: string;
  /** Moves: the parent it left and the one it joined. */
  from?: string;
  to?: string;
  fields: FieldChange[];
  /** Changes inside it; for an added or removed structure, its contents. */
  children: StructureChange[];
  a?: StructureNode;
  b?: StructureNode;
}

/** One table of the two: what its references point at, by name. */
interface Side {
  /** The name of what a reference value (`{node: 2}`, or `{offset: n}` when it names no structure) points at. */
  target(role: ReferenceRole, value: unknown): string;
}

interface Sides {
  a: Side;
  b: Side;
}

/** The difference of two tables' root structures; `fields` and `children` are empty when they are the same. */
export function diffStructures(a: StructureNode, b: StructureNode): StructureChange {
  return { kind: 'changed', name: a.spec.name, ...compareNodes(a, b, { a: sideOf(a), b: sideOf(b) }), a, b };
}

/**
 * A reference is an index into a list of the root (IORT nodes); the
 * structures of the root's lists are named once, by identity, the first time
 * a reference asks (their own identities name no reference).
 */
function sideOf(root: StructureNode): Side {
  let names: Map<Model, string> | undefined;
  const plain: Side = { target: () => '' };
  return {
    target(role, value) {
      names ??= new Map(root.parts.flatMap((p) => [...keyed(p.nodes, plain)].map(([name, n]) => [n.model, name] as const)));
      const v = (value ?? {}) as Record<string, unknown>;
      const list = root.model[role.ref];
      const item = Array.isArray(list) && typeof v[role.as] === 'number' ? (list[v[role.as] as number] as Model | undefined) : undefined;
      const name = item && names.get(item);
      if (name) return name;
      return typeof v['offset'] === 'number' ? `nothing (offset 0x${v['offset'].toString(16)})` : JSON.stringify(value);
    },
  };
}

/** A structure's identity, its references named on its side. */
function nameOf(n: StructureNode, side: Side): string | undefined {
  return identityOf(n.spec.typeName, n.model, (key) => {
    const f = n.fields.find((x) => x.member.key === key);
    const role = f?.member.role;
    return f && isReference(role) ? side.target(role, fieldValue(f, n.model)) : `(${key})`;
  });
}

export function isEmptyChange(c: StructureChange): boolean {
  return c.fields.length === 0 && c.children.length === 0;
}

function compareNodes(a: StructureNode, b: StructureNode, sides: Sides): { fields: FieldChange[]; children: StructureChange[] } {
  const fields: FieldChange[] = [];
  for (const fa of a.fields) {
    const m = fa.member;
    // Derived fields follow from the rest; a tag is the same on both sides, or they would not be matched.
    if (m.role !== undefined && !isReference(m.role)) continue;
    const fb = b.fields.find((f) => f.member.key === m.key && f.group === fa.group);
    if (!fb) continue;
    const va = fieldValue(fa, a.model);
    const vb = fieldValue(fb, b.model);
    const at: { a: ByteRange; b: ByteRange } = { a: [fa.offset, fa.offset + fa.size], b: [fb.offset, fb.offset + fb.size] };
    if (isReference(m.role)) {
      // Nodes are matched by identity, so a reference is the same when it names the same node, whatever its index.
      const [ta, tb] = [sides.a.target(m.role, va), sides.b.target(m.role, vb)];
      if (ta !== tb) fields.push({ label: m.label, a: ta, b: tb, at });
    } else if (!sameValue(va, vb)) {
      fields.push(fieldChange(m, va, vb, at.a, at.b));
    }
  }
  appendAll(fields, variableChanges(a, b));
  const children: StructureChange[] = [];
  // Each list or array part against the same part of the other side (a structure may have several: IORT ID mappings, interrupts).
  for (const pa of a.parts) {
    const pb = b.parts.find((p) => p.member.key === pa.member.key);
    if (!pb) continue;
    if (isPlainArray(pa.member.kind, [...pa.nodes, ...pb.nodes])) appendAll(fields, arrayChange(pa, pb, a, b));
    else appendAll(children, compareItems(pa.nodes, pb.nodes, sides));
  }
  return { fields, children: extractMoves(children, sides) };
}

/** Decode leaves all-zero reserved bytes out of the model: absent means zero. A group's field is under the group's key. */
function fieldValue(f: FieldPlace, model: Model): unknown {
  const m = f.member;
  const v = (f.group === undefined ? model : ((model[f.group] as Model | undefined) ?? {}))[m.key];
  return v === undefined && m.type.kind === 'reserved' ? new Uint8Array(sizeOfType(m.type)) : v;
}

/** An array whose elements have no identity (a scope path) is one value. */
function isPlainArray(kind: 'list' | 'array', nodes: readonly StructureNode[]): boolean {
  return kind === 'array' && nodes.every((n) => !hasIdentity(n.spec.typeName));
}

function arrayChange(pa: StructureItems, pb: StructureItems, a: StructureNode, b: StructureNode): FieldChange[] {
  const text = (p: StructureItems) => p.nodes.map((e) => lineValueText(e.spec, e.model) ?? JSON.stringify(e.model, jsonValue)).join(' ') || '(empty)';
  const range = (p: StructureItems, n: StructureNode): ByteRange => {
    const nodes = p.nodes;
    return nodes.length ? [nodes[0]!.offset, nodes[nodes.length - 1]!.offset + nodes[nodes.length - 1]!.size] : [n.offset, n.offset];
  };
  const [ta, tb] = [text(pa), text(pb)];
  return ta === tb ? [] : [{ label: pa.member.label, a: ta, b: tb, at: { a: range(pa, a), b: range(pb, b) } }];
}

/** 64-bit values and bytes in a structure's JSON text. */
function jsonValue(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  return v instanceof Uint8Array ? Array.from(v) : v;
}

/** Strings and bytes that are not fields: a name, its padding, raw data, trailing bytes. */
function variableChanges(a: StructureNode, b: StructureNode): FieldChange[] {
  const out: FieldChange[] = [];
  const whole = (n: StructureNode): ByteRange => [n.offset, n.offset + n.size];
  const v = a.spec.variable;
  const keys: { key: string; label: string }[] = [{ key: TRAILING_KEY, label: 'Trailing Bytes' }];
  if (v?.kind === 'cstring') keys.push({ key: v.key, label: v.label }, { key: v.paddingKey, label: 'Padding' });
  if (v?.kind === 'rest') keys.push({ key: v.key, label: v.label });
  for (const { key, label } of keys) {
    const va = a.model[key];
    const vb = b.model[key];
    if (!sameValue(va, vb)) out.push({ label, a: valueText(va), b: valueText(vb), at: { a: whole(a), b: whole(b) } });
  }
  return out;
}

/** Items matched by identity. */
function compareItems(as: readonly StructureNode[], bs: readonly StructureNode[], sides: Sides): StructureChange[] {
  const ka = keyed(as, sides.a);
  const kb = keyed(bs, sides.b);
  const out: StructureChange[] = [];
  for (const [key, na] of ka) {
    const nb = kb.get(key);
    if (!nb) {
      out.push(whole('removed', key, na, sides.a));
      continue;
    }
    const d = compareNodes(na, nb, sides);
    if (d.fields.length || d.children.length) out.push({ kind: 'changed', name: key, ...d, a: na, b: nb });
  }
  for (const [key, nb] of kb) if (!ka.has(key)) out.push(whole('added', key, nb, sides.b));
  return out;
}

/** Items by identity; repeated identities (and kinds without one) are told apart by occurrence. */
function keyed(nodes: readonly StructureNode[], side: Side): Map<string, StructureNode> {
  const seen = new Map<string, number>();
  const out = new Map<string, StructureNode>();
  for (const n of nodes) {
    const identity = nameOf(n, side);
    const base = identity ?? n.spec.name;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    out.set(k === 1 && identity !== undefined ? base : `${base} #${k}`, n);
  }
  return out;
}

/** An added or removed structure, with its contents as added or removed too (so moves out of it can be found). */
function whole(kind: 'added' | 'removed', name: string, n: StructureNode, side: Side): StructureChange {
  // Its parts with identities (DMAR device scopes, IORT ID mappings); plain arrays (interrupts) are values of it.
  const parts = n.parts.filter((p) => !isPlainArray(p.member.kind, p.nodes));
  const children = parts.flatMap((p) => [...keyed(p.nodes, side)].map(([k, c]) => whole(kind, k, c, side)));
  return { kind, name, fields: [], children, ...(kind === 'added' ? { b: n } : { a: n }) };
}

/**
 * A child removed under one parent and added under another with the same
 * identity becomes one `moved` change beside the parents; a parent left with
 * nothing changed disappears.
 */
function extractMoves(changes: StructureChange[], sides: Sides): StructureChange[] {
  const removed = new Map<string, { parent: StructureChange; child: StructureChange }>();
  for (const parent of changes) {
    for (const child of parent.children) if (child.kind === 'removed' && parent.kind !== 'added') removed.set(child.name, { parent, child });
  }
  const moves: StructureChange[] = [];
  for (const parent of changes) {
    if (parent.kind === 'removed') continue;
    for (const child of [...parent.children]) {
      const from = child.kind === 'added' ? removed.get(child.name) : undefined;
      if (!from || from.parent === parent) continue;
      removed.delete(child.name);
      from.parent.children = from.parent.children.filter((c) => c !== from.child);
      parent.children = parent.children.filter((c) => c !== child);
      const inner = compareNodes(from.child.a!, child.b!, sides);
      moves.push({ kind: 'moved', name: child.name, from: from.parent.name, to: parent.name, ...inner, a: from.child.a!, b: child.b! });
    }
  }
  const kept = changes.filter((c) => c.kind !== 'changed' || c.fields.length > 0 || c.children.length > 0);
  return [...kept, ...moves];
}

function fieldChange(m: FieldMember, va: unknown, vb: unknown, ra: ByteRange, rb: ByteRange): FieldChange {
  let b = formatValue(m.type, vb);
  if (m.type.kind === 'flags') {
    const [x, y] = [va as number, vb as number];
    const bits = m.type.bits
      .filter((bit) => bitValue(x, bit) !== bitValue(y, bit))
      .map((bit) => ((bit.width ?? 1) > 1 ? `${bit.name} ${bitValue(x, bit)} → ${bitValue(y, bit)}` : `${bit.name} ${bitValue(y, bit) ? 'set' : 'cleared'}`));
    if (bits.length) b += ` (${bits.join(', ')})`;
  }
  return { label: m.label, a: formatValue(m.type, va), b, at: { a: ra, b: rb } };
}

function valueText(v: unknown): string {
  if (v === undefined) return '(none)';
  if (v instanceof Uint8Array) return `${v.length} byte(s)`;
  return JSON.stringify(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return equalBytes(a, b);
  return a === b;
}
