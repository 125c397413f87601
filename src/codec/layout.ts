/**
 * Where the parts of a model sit, computed from the model alone: sizes for
 * printing a model whose stored derived values are missing (built in code
 * rather than decoded), and the byte order of placed parts for text, the
 * structure tree and encode. A decoded model lays out exactly as its bytes
 * were (gaps, order and empty offsets are kept in its `layout`), so walking
 * it this way finds every part where decode found it.
 */
import {
  isReference,
  LAYOUT_KEY,
  pickVariant,
  presentOptionalCount,
  STORED,
  TRAILING_KEY,
  type ArrayMember,
  type Model,
  type PlacedLayout,
  type PlacedMember,
  type StructSpec,
  type VariableMember,
} from './struct.js';
import { sizeOfType } from './primitives.js';

export function measure(spec: StructSpec, m: Model): number {
  let size = sequentialSize(spec, m);
  if (spec.placed.length) {
    const parts = placedParts(spec, m);
    const last = parts[parts.length - 1];
    if (last) size = last.offset + last.size;
  }
  const t = m[TRAILING_KEY];
  if (t instanceof Uint8Array) size += t.length;
  return size;
}

/** Fixed fields, the optional fields present and the variable member: what sits before any placed part. */
export function sequentialSize(spec: StructSpec, m: Model): number {
  let size = spec.fixedSize;
  const optional = presentOptionalCount(spec, m);
  for (let i = 0; i < optional; i++) size += sizeOfType(spec.optional[i]!.type);
  if (spec.variable) size += measureVariable(spec, spec.variable, m);
  return size;
}

function measureVariable(spec: StructSpec, v: VariableMember, m: Model): number {
  const value = m[v.key];
  switch (v.kind) {
    case 'list': {
      let n = 0;
      for (const item of (value as Model[] | undefined) ?? []) {
        const s = pickVariant(v.union, item);
        if (typeof s !== 'string') n += measure(s, item);
      }
      return n;
    }
    case 'array':
      return ((value as unknown[] | undefined)?.length ?? 0) * v.element.fixedSize;
    case 'cstring': {
      // Before placed parts a name ends at its NUL: what follows is the next part's gap.
      const pad = spec.placed.length ? undefined : m[v.paddingKey];
      return String(value ?? '').length + 1 + (pad instanceof Uint8Array ? pad.length : 0);
    }
    case 'rest':
      return value instanceof Uint8Array ? value.length : 0;
  }
}

/** A placed part where encode puts it: offsets from the structure's start. */
export interface PlacedPart {
  member: PlacedMember;
  /** Bytes between the part before it (or the sequential members) and it. */
  gap?: Uint8Array;
  offset: number;
  size: number;
  /** The elements (a scalar array's values as elements) or list items. */
  items: Model[];
}

/** The layout a model keeps, if any. */
export function layoutOf(m: Model): PlacedLayout | undefined {
  const l = m[LAYOUT_KEY];
  return typeof l === 'object' && l !== null ? (l as PlacedLayout) : undefined;
}

/** Placed members in the order they go: the layout's order first, then the declared one. */
export function placementOrder(spec: StructSpec, m: Model): PlacedMember[] {
  const order = layoutOf(m)?.order;
  if (!Array.isArray(order)) return [...spec.placed];
  const first = spec.placed.filter((p) => order.includes(p.key)).sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  return [...first, ...spec.placed.filter((p) => !order.includes(p.key))];
}

/** The elements of an array member as models (a scalar array's values wrapped, a single structure as one). */
export function arrayElements(a: ArrayMember, m: Model): Model[] {
  const v = m[a.key];
  const list = a.count === 'one' ? (v === undefined ? [] : [v]) : Array.isArray(v) ? v : [];
  const scalar = a.scalar;
  return scalar ? list.map((x) => ({ [scalar]: x })) : (list as Model[]);
}

/** The bytes kept before a placed part. */
export function gapOf(member: PlacedMember, m: Model): Uint8Array | undefined {
  const g = member.kind === 'list' && member.gapKey ? m[member.gapKey] : layoutOf(m)?.gaps?.[member.key];
  return g instanceof Uint8Array && g.length ? g : undefined;
}

/** The non-empty placed parts (a placed list always) in byte order, after the sequential members. */
export function placedParts(spec: StructSpec, m: Model): PlacedPart[] {
  const parts: PlacedPart[] = [];
  let pos = sequentialSize(spec, m);
  for (const member of placementOrder(spec, m)) {
    let items: Model[];
    let size: number;
    if (member.kind === 'list') {
      items = (m[member.key] as Model[] | undefined) ?? [];
      size = 0;
      for (const item of items) {
        const s = pickVariant(member.union, item);
        if (typeof s !== 'string') size += measure(s, item);
      }
    } else {
      items = arrayElements(member, m);
      if (!items.length) continue;
      size = items.length * member.element.fixedSize;
    }
    const gap = gapOf(member, m);
    if (gap) pos += gap.length;
    parts.push({ member, ...(gap ? { gap } : {}), offset: pos, size, items });
    pos += size;
  }
  return parts;
}

/** The value a derived field has: as stored by decode, else as encode would compute it (checksums and references excepted). */
export function derivedValue(spec: StructSpec, m: Model, key: string): number | bigint | undefined {
  const stored = m[STORED];
  if (stored) {
    const v = stored[key];
    if (v !== undefined) return v;
  }
  const member = spec.members.find((x) => x.key === key);
  if (member?.kind !== 'field') return undefined;
  const role = member.role;
  if (role === 'tag') return spec.tag;
  if (role === 'length') return measure(spec, m);
  if (typeof role !== 'object' || isReference(role)) return undefined;
  if ('count' in role) return ((m[role.count] as unknown[] | undefined) ?? []).length;
  const part = placedParts(spec, m).find((p) => p.member.key === role.offset);
  return part?.offset ?? layoutOf(m)?.emptyOffsets?.[role.offset] ?? 0;
}
