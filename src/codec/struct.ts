/**
 * Structure declarations: one declaration per on-disk structure drives decode,
 * encode, text printing and JSON (DESIGN practice 1). A structure is a list of
 * members; fixed-size fields come first, then at most one variable part that
 * fills the rest of the structure (a list of typed sub-structures, an array, a
 * NUL-terminated string or raw bytes). Bytes left over inside a structure are
 * kept as `trailing`.
 *
 * Derived fields (lengths, counts, checksums, type tags) are not model input
 * (practice 2): decode keeps the values it read under the `STORED` symbol, so
 * that text output shows what the bytes say while JSON and encode ignore them.
 */
import type { Severity } from '../diagnostic.js';
import {
  enumOf,
  sizeOfType,
  type EnumType,
  type FixedType,
  type ReservedType,
  type UintType,
  reservedBytes,
} from './primitives.js';
import type { TextSink } from './text-sink.js';

/**
 * Values of derived fields as read, keyed like the member (`checksum`,
 * counts, and a length only when it differs from the structure's real
 * extent): what text output shows where encode would compute another value.
 */
export const STORED: unique symbol = Symbol('ridmap.stored');
export type StoredValues = Record<string, number | bigint>;

/** A decoded structure instance: plain data plus the stored derived values. */
export interface Model {
  [key: string]: unknown;
  [STORED]?: StoredValues;
}

/**
 * Stored under `STORED` when the data ended inside a fixed field: the index of
 * the first member that is missing, so that the printer knows that a missing
 * reserved field is absent rather than zero.
 */
export const TRUNCATED_AT = '#truncatedAt';

/** Key under which bytes left over inside a structure are kept. */
export const TRAILING_KEY = 'trailing';
/** Key under which an undecodable union item keeps its body. */
export const RAW_KEY = 'raw';

/**
 * What a derived field holds: the length of its structure, the union tag of a
 * variant, the 8-bit checksum making the structure's bytes sum to zero, or the
 * element count of an array member.
 */
export type Role = 'length' | 'tag' | 'checksum' | { readonly count: string };

interface MemberBase {
  readonly key: string;
  readonly label: string;
  /** Start a new group (a blank line before it in text, as iasl groups fields). */
  readonly block?: boolean;
}

export interface FieldMember extends MemberBase {
  readonly kind: 'field';
  readonly type: FixedType;
  readonly role?: Role;
  /** Extra text after the value in text output (`"DMAR"    [DMA Remapping table]`). */
  readonly describe?: (value: unknown) => string;
  /** No value diagnostics (the raw form of a union item: its type was reported already). */
  readonly quiet?: boolean;
}

/** The rest of the structure: sub-structures chosen by a type field, sized by a length field. */
export interface ListMember extends MemberBase {
  readonly kind: 'list';
  readonly union: UnionSpec;
}

/** Fixed-size elements: as many as fill the rest, or as many as a count field says. */
export interface ArrayMember extends MemberBase {
  readonly kind: 'array';
  readonly element: StructSpec;
  readonly count: 'rest' | { readonly countKey: string };
}

/** A NUL-terminated string filling the rest; bytes after the NUL go to `paddingKey`. */
export interface CStringMember extends MemberBase {
  readonly kind: 'cstring';
  readonly paddingKey: string;
}

/** Opaque bytes to the end of the structure. */
export interface RestMember extends MemberBase {
  readonly kind: 'rest';
}

export type VariableMember = ListMember | ArrayMember | CStringMember | RestMember;
export type Member = FieldMember | VariableMember;

export interface StructSpec {
  /** Path segment in diagnostics (`DRHD`, `DeviceScope`). */
  readonly name: string;
  /** Name of the model type (`DmarDrhd`), for messages and documentation. */
  readonly typeName: string;
  /** Tag value when this structure is a variant of a union. */
  readonly tag?: number;
  readonly members: readonly Member[];
  /** Bytes taken by the fixed-size members (all members but the variable one). */
  readonly fixedSize: number;
  /** The variable member, if any (always last). */
  readonly variable?: VariableMember;
  /** Print a (fixed-size) element as one line, like iasl's `PCI Path : 1C,04`. */
  readonly line?: { readonly label: string; readonly write: (m: Model, out: TextSink) => void };
  /** iasl prints an extra blank line after some structures (device scopes). */
  readonly blankAfter?: boolean;
}

export interface UnionSpec {
  /** Path segment for items that cannot be decoded as a variant. */
  readonly name: string;
  readonly tagKey: string;
  readonly tagType: UintType;
  readonly tagOffset: number;
  readonly lengthType: UintType;
  readonly lengthOffset: number;
  /** Bytes of the common header (type and length). */
  readonly headerSize: number;
  readonly variants: ReadonlyMap<number, StructSpec>;
  readonly byName: ReadonlyMap<string, StructSpec>;
  /** Decodes every tag without its own variant (the tag is then plain data). */
  readonly fallback?: StructSpec;
  /** Header + raw body: unknown types and items too short for their variant. */
  readonly raw: StructSpec;
  /** Severity for a tag with no variant (reserved types are a warning). */
  readonly unknownSeverity: Severity;
}

// ---------------------------------------------------------------------------
// Member constructors

export function field(key: string, label: string, type: FixedType, opts: Partial<FieldMember> = {}): FieldMember {
  return { ...opts, kind: 'field', key, label, type };
}

export function lengthField(label: string, type: UintType, key = 'length'): FieldMember {
  return { kind: 'field', key, label, type, role: 'length' };
}

export function checksumField(label: string, type: UintType, key = 'checksum'): FieldMember {
  return { kind: 'field', key, label, type, role: 'checksum' };
}

export function countField(label: string, type: UintType, arrayKey: string, key: string): FieldMember {
  return { kind: 'field', key, label, type, role: { count: arrayKey } };
}

export function reserved(label: string, size: number, show?: ReservedType['show'], key = 'reserved'): FieldMember {
  return { kind: 'field', key, label, type: reservedBytes(size, show) };
}

export function list(key: string, label: string, union: UnionSpec, opts: { block?: boolean } = {}): ListMember {
  return { kind: 'list', key, label, union, ...opts };
}

export function array(key: string, label: string, element: StructSpec, count: ArrayMember['count'] = 'rest'): ArrayMember {
  return { kind: 'array', key, label, element, count };
}

export function cstring(key: string, label: string, paddingKey = 'padding'): CStringMember {
  return { kind: 'cstring', key, label, paddingKey };
}

export function rest(key: string, label: string): RestMember {
  return { kind: 'rest', key, label };
}

// ---------------------------------------------------------------------------
// Structure and union constructors

export interface StructOptions {
  name: string;
  typeName: string;
  tag?: number;
  members: readonly Member[];
  line?: StructSpec['line'];
  blankAfter?: boolean;
}

/** Declares a structure; checks the declaration itself (a programming error throws). */
export function struct(o: StructOptions): StructSpec {
  let fixedSize = 0;
  let variable: VariableMember | undefined;
  const keys = new Set<string>();
  o.members.forEach((m, i) => {
    if (keys.has(m.key)) throw new Error(`${o.name}: duplicate member key ${m.key}`);
    keys.add(m.key);
    if (m.kind === 'field') {
      fixedSize += sizeOfType(m.type);
      return;
    }
    if (i !== o.members.length - 1) throw new Error(`${o.name}: variable member ${m.key} must be last`);
    variable = m;
  });
  for (const m of o.members) {
    if (m.kind === 'field' && typeof m.role === 'object' && !keys.has(m.role.count)) {
      throw new Error(`${o.name}: count field ${m.key} names unknown member ${m.role.count}`);
    }
  }
  return { ...o, fixedSize, ...(variable ? { variable } : {}) };
}

export interface UnionOptions {
  name: string;
  /** Common header: where the type and length fields sit. */
  tag: { key: string; label: string; type: UintType; offset: number };
  length: { label: string; type: UintType; offset: number };
  variants?: readonly StructSpec[];
  fallback?: StructSpec;
  /** Shown for tags without a variant, in the type's `[...]` text. */
  unknownTitle: string;
  unknownSeverity?: Severity;
}

/**
 * Declares "the rest is a list of sub-structures selected by a type field
 * with lengths from a length field". Items whose type has no variant (or that
 * are too short for it) are kept as header + raw bytes.
 */
export function union(o: UnionOptions): UnionSpec {
  const variants = new Map<number, StructSpec>();
  const byName = new Map<string, StructSpec>();
  const titles: Record<number, string> = {};
  for (const v of o.variants ?? []) {
    if (v.tag === undefined) throw new Error(`${o.name}: variant ${v.name} has no tag`);
    variants.set(v.tag, v);
    byName.set(v.name, v);
    titles[v.tag] = variantTitle(v, o.tag.key) ?? v.name;
  }
  const tagType: EnumType = enumOf(o.tag.type, titles, o.unknownTitle);
  const headerEnd = Math.max(o.tag.offset + o.tag.type.size, o.length.offset + o.length.type.size);
  const headerMembers: Member[] = [];
  const tagMember = field(o.tag.key, o.tag.label, tagType, { quiet: true });
  const lengthMember = lengthField(o.length.label, o.length.type);
  if (o.tag.offset < o.length.offset) headerMembers.push(tagMember, lengthMember);
  else headerMembers.push(lengthMember, tagMember);
  const raw = struct({ name: o.name, typeName: `${o.name} (raw)`, members: [...headerMembers, rest(RAW_KEY, 'Raw Data')] });
  return {
    name: o.name,
    tagKey: o.tag.key,
    tagType: o.tag.type,
    tagOffset: o.tag.offset,
    lengthType: o.length.type,
    lengthOffset: o.length.offset,
    headerSize: headerEnd,
    variants,
    byName,
    ...(o.fallback ? { fallback: o.fallback } : {}),
    raw,
    unknownSeverity: o.unknownSeverity ?? 'warning',
  };
}

/** A variant's tag member carries its title in an enum type of one value. */
function variantTitle(v: StructSpec, tagKey: string): string | undefined {
  const m = v.members.find((x) => x.key === tagKey);
  if (m?.kind === 'field' && m.type.kind === 'enum' && v.tag !== undefined) return m.type.names.get(v.tag);
  return undefined;
}

/**
 * The tag member of a union variant: derived (the model says which variant it
 * is by name), printed with the variant's title like iasl's
 * `0000 [Hardware Unit Definition]`.
 */
export function tagField(label: string, type: UintType, tag: number, title: string, key = 'type'): FieldMember {
  return { kind: 'field', key, label, type: enumOf(type, { [tag]: title }), role: 'tag' };
}

/** Offset of a fixed member inside its structure. */
export function memberOffset(spec: StructSpec, key: string): number {
  let off = 0;
  for (const m of spec.members) {
    if (m.key === key) return off;
    if (m.kind !== 'field') break;
    off += sizeOfType(m.type);
  }
  throw new Error(`${spec.name}: no fixed member ${key}`);
}

export function isDerived(m: Member): boolean {
  return m.kind === 'field' && m.role !== undefined && m.role !== 'tag';
}

/**
 * Which declaration an item of a union is: a variant named by its tag key, a
 * raw item (has `raw`), or the fallback structure.
 */
export function pickVariant(u: UnionSpec, item: Model): StructSpec | string {
  const tag = item[u.tagKey];
  if (typeof tag === 'string') return u.byName.get(tag) ?? `unknown ${u.name} type "${tag}"`;
  if (RAW_KEY in item) return u.raw;
  if (u.fallback) return u.fallback;
  return `${u.name} item needs a "${u.tagKey}" naming its type or "${RAW_KEY}" bytes`;
}
