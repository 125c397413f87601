/**
 * Structure declarations: one declaration per on-disk structure drives decode,
 * encode, text printing and JSON (DESIGN practice 1). A structure is a list of
 * members; fixed-size fields (and nested groups) come first, then optional
 * fields of newer revisions, then at most one variable part that fills the
 * rest of the structure (a list of typed sub-structures, an array, a
 * NUL-terminated string or raw bytes). Parts placed by offset and count
 * fields (IORT ID mappings, IORT and VIOT node lists) sit where those fields
 * say; the bytes around them are kept. Bytes left over inside a structure are
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
import { IndexCounter } from './path.js';
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
 * Key under which a structure with placed parts keeps what encode would not
 * do by itself: parts in another order than declared, bytes before a part
 * (gaps), offsets of empty parts that are not 0.
 */
export const LAYOUT_KEY = 'layout';

/** How a structure's placed parts sat, where that is not what encode does unasked. */
export interface PlacedLayout {
  /** Keys of the non-empty placed parts in byte order, when not the declared order. */
  order?: string[];
  /** Bytes before a placed part, by the part's key. */
  gaps?: Record<string, Uint8Array>;
  /** The offset field of an empty part, by the part's key, when it is not 0. */
  emptyOffsets?: Record<string, number>;
}

/**
 * What a derived field holds: the length of its structure, the union tag of a
 * variant, the 8-bit checksum making the structure's bytes sum to zero, the
 * element count of an array or list member, or the offset (from the start of
 * the structure) where a placed member starts.
 *
 * A reference (`ref`) is not derived but not a plain number either: the
 * offset, from the start of the root, of an item of the root's list `ref`;
 * the model holds `{[as]: index}` (`{node: 2}`) or, when the offset is no
 * item's start, `{offset: n}`.
 */
export type Role =
  | 'length'
  | 'tag'
  | 'checksum'
  | { readonly count: string }
  | { readonly offset: string }
  | ReferenceRole;

export interface ReferenceRole {
  readonly ref: string;
  /** Key of the index in the model (`node`). */
  readonly as: string;
  /** No diagnostic for a dangling reference (the table's own check reports it). */
  readonly quiet?: boolean;
}

/** Another label for a field when a field of the root structure has a given value (IORT table revision 0: "Reserved"). */
export interface LabelIf {
  readonly rootKey: string;
  readonly equals: number;
  readonly label: string;
}

/**
 * In tables whose root field `rootKey` (the revision) is below `below`, this
 * field and the next `join` fields print as one integer labelled `label`:
 * bytes a later revision split (MADT GICR and GIC ITS: one reserved u16 up to
 * revision 6, Flags + Reserved since 7).
 */
export interface JoinIf {
  readonly rootKey: string;
  readonly below: number;
  readonly label: string;
  readonly join: number;
}

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
  /** Extra text after the value in text output (`"DMAR"    [DMA Remapping Table]`). */
  readonly describe?: (value: unknown) => string;
  /** No value diagnostics (the raw form of a union item: its type was reported already). */
  readonly quiet?: boolean;
  /**
   * A field of a newer revision of the structure after its fixed fields:
   * read while there is room before the first placed part (or the end),
   * absent from the model otherwise. A reserved optional field goes with
   * the optional field before it (both there or neither).
   */
  readonly optional?: boolean;
  readonly labelIf?: LabelIf;
  readonly joinIf?: JoinIf;
  /** The value as iasl prints it, where that depends on the value itself (an IVRS HID: a string or an integer by its bytes). */
  readonly text?: (value: unknown) => string;
  /** Printed only when this says so (iasl leaves out an IVRS F0h entry's UID fields when it has no UID). */
  readonly shownIf?: (m: Model) => boolean;
}

/** A fixed-size structure nested under one key (IORT memory access properties). */
export interface GroupMember extends MemberBase {
  readonly kind: 'group';
  readonly spec: StructSpec;
  /** Text line naming the group before its fields (`Memory Properties : [IORT Memory Access Properties]`). */
  readonly heading?: string;
}

/**
 * Sub-structures chosen by a type field, sized by a length field: the rest
 * of the structure, or (placed) `count` items from where an offset field says,
 * walked as Linux walks IORT and VIOT nodes: each item Length bytes after the
 * one before.
 */
export interface ListMember extends MemberBase {
  readonly kind: 'list';
  readonly union: UnionSpec;
  /** Field holding the number of items (placed lists). */
  readonly countKey?: string;
  /** Field holding the offset of the first item from the structure's start. */
  readonly offsetKey?: string;
  /** Model key of the bytes between the fixed fields and the first item (default: the layout's gaps). */
  readonly gapKey?: string;
  /** Text label of those bytes. */
  readonly gapLabel?: string;
}

/**
 * Fixed-size elements: as many as fill the rest, as many as a count field
 * says, or (`one`) a single structure, there when its offset field is not 0.
 * With `offsetKey` the elements sit where that field says (from the start of
 * the structure) rather than after what precedes them.
 */
export interface ArrayMember extends MemberBase {
  readonly kind: 'array';
  readonly element: StructSpec;
  readonly count: 'rest' | 'one' | { readonly countKey: string };
  readonly offsetKey?: string;
  /** The model holds this element field's value instead of the element (ITS identifiers as numbers). */
  readonly scalar?: string;
  /** No blank line before each element in text. */
  readonly compact?: boolean;
}

/** A NUL-terminated string filling the rest; bytes after the NUL go to `paddingKey`. */
export interface CStringMember extends MemberBase {
  readonly kind: 'cstring';
  readonly paddingKey: string;
}

/** Opaque bytes to the end of the structure. */
export interface RestMember extends MemberBase {
  readonly kind: 'rest';
  /** One field line with this value instead of a hex dump (an IVRS UID, as iasl prints it); nothing when empty. */
  readonly text?: (bytes: Uint8Array, m: Model) => string;
}

export type VariableMember = ListMember | ArrayMember | CStringMember | RestMember;
/** A list or array at an offset field's place: not part of the sequential layout. */
export type PlacedMember = (ListMember & { readonly offsetKey: string }) | (ArrayMember & { readonly offsetKey: string });
export type Member = FieldMember | GroupMember | VariableMember;

/** A diagnostic code of the engine said in a table's own terms (`bin-count-short` → `iort-node-count`). */
export type CodeRename = string | { readonly code: string; readonly severity: Severity };

export interface StructSpec {
  /** Path segment in diagnostics (`DRHD`, `DeviceScope`). */
  readonly name: string;
  /** Name of the model type (`DmarDrhd`), for messages and documentation. */
  readonly typeName: string;
  /** Tag value when this structure is a variant of a union. */
  readonly tag?: number;
  readonly members: readonly Member[];
  /** Bytes taken by the fixed-size members (fields and groups, optional fields excepted). */
  readonly fixedSize: number;
  /** The variable member that follows the fixed fields, if any. */
  readonly variable?: VariableMember;
  /** Members placed by offset fields, in the order encode places them. */
  readonly placed: readonly PlacedMember[];
  /** Optional fields after the fixed ones (newer revisions). */
  readonly optional: readonly FieldMember[];
  /**
   * The layout depends on a field of the structure itself (IORT RMR node
   * revision 0 has no Flags): `pick` gives the declaration for its value.
   * All the declarations it gives have the same name and tag.
   */
  readonly byField?: ByField;
  /** Text label of bytes after the last part (default "Trailing Bytes"). */
  readonly trailingLabel?: string;
  /**
   * Keys of placed members in the order text prints them, when not byte
   * order (iasl prints an IORT node's own parts before its ID mappings,
   * wherever the bytes put them); the others follow in byte order.
   */
  readonly textOrder?: readonly string[];
  /** Root only: engine codes said in the table's own terms (decode diagnostics). */
  readonly codes?: Readonly<Record<string, CodeRename>>;
  /** Print a (fixed-size) element as one line, like iasl's `PCI Path : 1C,04`. */
  readonly line?: { readonly label: string; readonly write: (m: Model, out: TextSink) => void };
  /** iasl prints an extra blank line after some structures (device scopes). */
  readonly blankAfter?: boolean;
}

export interface ByField {
  readonly key: string;
  readonly offset: number;
  readonly type: UintType;
  readonly pick: (value: number) => StructSpec;
}

export interface UnionSpec {
  /** Path segment for items that cannot be decoded as a variant. */
  readonly name: string;
  readonly tagKey: string;
  readonly tagType: UintType;
  readonly tagOffset: number;
  /** Where each item's length field sits; absent when `itemSize` says the size instead. */
  readonly lengthType?: UintType;
  readonly lengthOffset?: number;
  /** The size of an item from its tag (and its own bytes), for items that carry no length field. */
  readonly itemSize?: ItemSize;
  /** Bytes every item has at least: the common header (type and length, or more when declared). */
  readonly headerSize: number;
  readonly variants: ReadonlyMap<number, StructSpec>;
  readonly byName: ReadonlyMap<string, StructSpec>;
  /** Decodes every tag without its own variant (the tag is then plain data). */
  readonly fallback?: StructSpec;
  /** Header + raw body: unknown types and items too short for their variant. */
  readonly raw: StructSpec;
  /** Severity for a tag with no variant (reserved types are a warning). */
  readonly unknownSeverity: Severity;
  readonly unknownNote?: UnknownNote;
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

/** The offset, from the start of the structure, of the placed member `partKey`. */
export function offsetField(label: string, type: UintType, partKey: string, key: string): FieldMember {
  return { kind: 'field', key, label, type, role: { offset: partKey } };
}

/**
 * The offset (from the root's start) of an item of the root's list `listKey`;
 * the model holds `{[as]: index}` (default `{node: i}`).
 */
export function referenceField(label: string, type: UintType, listKey: string, key: string,
  opts: { as?: string; quiet?: boolean } = {}): FieldMember {
  return { kind: 'field', key, label, type, role: { ref: listKey, as: opts.as ?? 'node', ...(opts.quiet ? { quiet: true } : {}) } };
}

/** A fixed-size structure nested under `key`. */
export function group(key: string, label: string, spec: StructSpec, opts: { heading?: string; block?: boolean } = {}): GroupMember {
  return { kind: 'group', key, label, spec, ...opts };
}

export function isReference(role: Role | undefined): role is ReferenceRole {
  return typeof role === 'object' && 'ref' in role;
}

export function isPlaced(m: Member): m is PlacedMember {
  return (m.kind === 'array' || m.kind === 'list') && m.offsetKey !== undefined;
}

/** Bytes a fixed member takes. */
export function memberSize(m: FieldMember | GroupMember): number {
  return m.kind === 'group' ? m.spec.fixedSize : sizeOfType(m.type);
}

export function reserved(label: string, size: number, show?: ReservedType['show'], key = 'reserved'): FieldMember {
  return { kind: 'field', key, label, type: reservedBytes(size, show) };
}

export function list(key: string, label: string, union: UnionSpec,
  opts: { block?: boolean; countKey?: string; offsetKey?: string; gapKey?: string; gapLabel?: string } = {}): ListMember {
  return { kind: 'list', key, label, union, ...opts };
}

export function array(key: string, label: string, element: StructSpec, count: ArrayMember['count'] = 'rest',
  opts: { offsetKey?: string; scalar?: string; compact?: boolean; block?: boolean } = {}): ArrayMember {
  return { kind: 'array', key, label, element, count, ...opts };
}

export function cstring(key: string, label: string, paddingKey = 'padding'): CStringMember {
  return { kind: 'cstring', key, label, paddingKey };
}

export function rest(key: string, label: string, opts: { text?: RestMember['text'] } = {}): RestMember {
  return { kind: 'rest', key, label, ...opts };
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
  byField?: ByField;
  trailingLabel?: string;
  textOrder?: readonly string[];
  codes?: Readonly<Record<string, CodeRename>>;
}

/**
 * Declares a structure; checks the declaration itself (a programming error
 * throws). Order: fixed fields and groups, optional fields, at most one
 * variable member; placed members anywhere (they sit where their offset
 * fields say).
 */
/** Index of the first member with `key`, or -1. */
function memberIndex(members: readonly Member[], key: string): number {
  for (let i = 0; i < members.length; i++) if (members[i]!.key === key) return i;
  return -1;
}

export function struct(o: StructOptions): StructSpec {
  let fixedSize = 0;
  let variable: VariableMember | undefined;
  const placed: PlacedMember[] = [];
  const optional: FieldMember[] = [];
  // Indexed loops and no set of keys: declarations are built at start-up by code the interpreter runs, where
  // for-of allocates a result per member (issue 21); a structure has a few dozen members at most.
  const members = o.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    if (memberIndex(members, m.key) !== i) throw new Error(`${o.name}: duplicate member key ${m.key}`);
    if (isPlaced(m)) {
      if (m.kind === 'array' && m.count === 'rest') throw new Error(`${o.name}: placed array ${m.key} needs a count`);
      placed.push(m);
      continue;
    }
    if (variable) throw new Error(`${o.name}: member ${m.key} after the variable member ${variable.key}`);
    if (m.kind === 'field' && m.optional) {
      optional.push(m);
      continue;
    }
    if (m.kind === 'field' || m.kind === 'group') {
      if (optional.length) throw new Error(`${o.name}: fixed member ${m.key} after optional fields`);
      fixedSize += memberSize(m);
      continue;
    }
    if (m.kind === 'array' && m.count === 'one') throw new Error(`${o.name}: array ${m.key} of one needs an offset field`);
    variable = m;
  }
  if (placed.some((m) => m.kind === 'list') && placed.length > 1) throw new Error(`${o.name}: a placed list must be the only placed member`);
  if (placed.length && variable && variable.kind !== 'cstring' && !(variable.kind === 'array' && typeof variable.count === 'object')) {
    throw new Error(`${o.name}: with placed members, the variable member must be a string or a counted array`);
  }
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    if (m.kind !== 'field' || typeof m.role !== 'object') continue;
    const target = 'count' in m.role ? m.role.count : 'offset' in m.role ? m.role.offset : undefined;
    if (target !== undefined && memberIndex(members, target) < 0) throw new Error(`${o.name}: field ${m.key} names unknown member ${target}`);
  }
  return { ...o, fixedSize, placed, optional, ...(variable ? { variable } : {}) };
}

/**
 * The size of a list item that has no length field (IVRS device entries: the
 * type's bits 7:6 say 4, 8, 16 or 32 bytes; type F0h says it in a byte of its
 * own). `byteAt` reads the item's bytes (undefined past the data); a size
 * that needs bytes that are not there should be the smallest the type can
 * have, so that the item is reported as running past its parent.
 */
export type ItemSize = (tag: number, byteAt: (offset: number) => number | undefined) => number;

export interface UnionOptions {
  name: string;
  /** Common header: where the type and length fields sit. */
  tag: { key: string; label: string; type: UintType; offset: number };
  /** The length field; or `size` for items whose size follows from their type. */
  length: { label: string; type: UintType; offset: number } | { size: ItemSize };
  variants?: readonly StructSpec[];
  fallback?: StructSpec;
  /** Shown for tags without a variant, in the type's `[...]` text. */
  unknownTitle: string;
  unknownSeverity?: Severity;
  /** Bytes every item has at least, when more than type and length (a 16-byte node header). */
  headerSize?: number;
  /** Fields after type and length that the raw form of an item keeps apart (a node's Revision). */
  rawMembers?: readonly FieldMember[];
  /**
   * What sits between the type and the length field (VIOT's reserved byte,
   * RIMT's Revision): the raw form of an item keeps it as that member, so that
   * every header field is where it really is. Its size must be the gap's;
   * without it, the gap is kept as reserved bytes.
   */
  headerGap?: FieldMember;
  unknownNote?: UnknownNote;
}

/**
 * How iasl prints an item of a type it does not decode, where that is not
 * ridmap's header and raw bytes: a note, alone or with the header fields
 * (those before the raw bytes) before or after it. Text only: the bytes stay
 * in the model (JSON, encode) and in the Raw Table Data dump. Items of a
 * known type that are too short for it still print raw.
 */
export interface UnknownNote {
  readonly header?: 'before' | 'after';
  /**
   * The note's lines as iasl prints them (a leading `\n` is a blank line), given the item's tag, offset and size;
   * undefined: the item prints as header and raw bytes (MADT's OEM types, whose bytes iasl prints).
   */
  readonly text: (tag: number, offset: number, size: number) => string | undefined;
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
  // Raw items print their tag as the variants do: with its title, or as a plain number.
  const plain = (o.variants ?? []).some((v) => v.members.some((x) => x.key === o.tag.key && x.kind === 'field' && x.type.kind !== 'enum'));
  const tagType: EnumType | UintType = plain ? o.tag.type : enumOf(o.tag.type, titles, o.unknownTitle);
  const len = 'size' in o.length ? undefined : o.length;
  const headerEnd = Math.max(o.tag.offset + o.tag.type.size, len ? len.offset + len.type.size : 0);
  const headerMembers: Member[] = [];
  const tagMember = field(o.tag.key, o.tag.label, tagType, { quiet: true });
  if (len) {
    const lengthMember = lengthField(len.label, len.type);
    const [first, second] = o.tag.offset < len.offset
      ? [{ m: tagMember, at: o.tag.offset, size: o.tag.type.size }, { m: lengthMember, at: len.offset }]
      : [{ m: lengthMember, at: len.offset, size: len.type.size }, { m: tagMember, at: o.tag.offset }];
    headerMembers.push(first.m);
    // The raw form must put each header field where it really is.
    const between = second.at - first.at - first.size;
    if (between > 0) {
      if (o.headerGap && sizeOfType(o.headerGap.type) !== between) throw new Error(`${o.name}: headerGap ${o.headerGap.key} is not the ${between} bytes between type and length`);
      headerMembers.push(o.headerGap ?? reserved('Reserved', between, 'int', 'headerReserved'));
    }
    headerMembers.push(second.m);
  } else {
    if (o.tag.offset !== 0) throw new Error(`${o.name}: a union sized by its tag needs the tag first`);
    headerMembers.push(tagMember);
  }
  const raw = struct({ name: o.name, typeName: `${o.name} (raw)`, members: [...headerMembers, ...(o.rawMembers ?? []), rest(RAW_KEY, 'Raw Data')] });
  return {
    name: o.name,
    tagKey: o.tag.key,
    tagType: o.tag.type,
    tagOffset: o.tag.offset,
    ...(len ? { lengthType: len.type, lengthOffset: len.offset } : { itemSize: (o.length as { size: ItemSize }).size }),
    headerSize: Math.max(headerEnd, o.headerSize ?? 0, raw.fixedSize),
    variants,
    byName,
    ...(o.fallback ? { fallback: o.fallback } : {}),
    raw,
    unknownSeverity: o.unknownSeverity ?? 'warning',
    ...(o.unknownNote ? { unknownNote: o.unknownNote } : {}),
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
    if (m.kind !== 'field' && m.kind !== 'group') continue;
    if (m.kind === 'field' && m.optional) break;
    off += memberSize(m);
  }
  throw new Error(`${spec.name}: no fixed member ${key}`);
}

/** Computed on encode, never model input: lengths, counts, offsets, checksums (not tags, not references). */
export function isDerived(m: Member): boolean {
  return m.kind === 'field' && m.role !== undefined && m.role !== 'tag' && !isReference(m.role);
}

/**
 * Every key a model of this declaration may have: its non-derived members,
 * the bytes it keeps (padding after a name, the gap before a placed list,
 * the layout of placed parts, trailing bytes). JSON accepts exactly these;
 * a table's model type can be checked against them (test/acpi/iort-model-types).
 */
export function modelKeys(spec: StructSpec): string[] {
  const keys: string[] = [];
  for (const m of spec.members) {
    if (isDerived(m)) continue;
    keys.push(m.key);
    if (m.kind === 'cstring' && !spec.placed.length) keys.push(m.paddingKey);
    if (m.kind === 'list' && m.gapKey) keys.push(m.gapKey);
  }
  // A layout says order, gaps and empty offsets of placed parts (a list with a gap key keeps its gap there).
  if (spec.placed.some((p) => p.kind === 'array' || !p.gapKey)) keys.push(LAYOUT_KEY);
  keys.push(TRAILING_KEY);
  return keys;
}

/**
 * The optional fields a model has, in order: every group up to the last one
 * whose first field is present (encode and text both follow this).
 */
export function presentOptional(spec: StructSpec, m: Model): FieldMember[] {
  const n = presentOptionalCount(spec, m);
  return n ? spec.optional.slice(0, n) : [];
}

/**
 * How many of the optional fields a model has: they are the first this many
 * of `spec.optional` (presentOptional), counted without making a list (print
 * asks once per structure).
 */
export function presentOptionalCount(spec: StructSpec, m: Model): number {
  if (!spec.optional.length) return 0;
  const groups = optionalGroups(spec);
  let n = 0;
  let fields = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    fields += g.members.length;
    if (m[g.members[0]!.key] !== undefined) n = fields;
  }
  return n;
}

const groupsBySpec = new WeakMap<StructSpec, readonly OptionalGroup[]>();

/** A field with the reserved fields after it: all there or not at all. */
export interface OptionalGroup {
  readonly members: FieldMember[];
  readonly size: number;
}

/** Optional fields in groups (OptionalGroup), worked out once per declaration: decode and print ask per structure. */
export function optionalGroups(spec: StructSpec): readonly OptionalGroup[] {
  let groups = groupsBySpec.get(spec);
  if (!groups) groupsBySpec.set(spec, (groups = groupOptional(spec)));
  return groups;
}

function groupOptional(spec: StructSpec): OptionalGroup[] {
  const groups: { members: FieldMember[]; size: number }[] = [];
  for (const f of spec.optional) {
    const last = groups[groups.length - 1];
    if (f.type.kind === 'reserved' && last) {
      last.members.push(f);
      last.size += sizeOfType(f.type);
    } else {
      groups.push({ members: [f], size: sizeOfType(f.type) });
    }
  }
  return groups;
}

/** The declaration of a structure given how to read the field its layout depends on. */
export function resolveByField(spec: StructSpec, value: (bf: ByField) => unknown): StructSpec {
  if (!spec.byField) return spec;
  const v = value(spec.byField);
  return typeof v === 'number' ? spec.byField.pick(v) : spec;
}

/**
 * The structure path of each item of a list (`IORT/SmmuV3[1]`), named and
 * counted as decode names them: by the variant its type declares (also when
 * the item was too short for it and is kept raw), else by the union's name.
 */
export function listItemPaths(root: string, u: UnionSpec, items: readonly Model[]): string[] {
  const counter = new IndexCounter();
  return items.map((item) => {
    const tag = item[u.tagKey];
    const name = typeof tag === 'string' ? tag : ((typeof tag === 'number' ? u.variants.get(tag) : undefined) ?? u.fallback)?.name ?? u.name;
    return `${root}/${name}[${counter.next(name)}]`;
  });
}

/**
 * Which declaration an item of a union is: a variant named by its tag key, a
 * raw item (has `raw`), or the fallback structure.
 */
export function pickVariant(u: UnionSpec, item: Model): StructSpec | string {
  const tag = item[u.tagKey];
  if (typeof tag === 'string') {
    const v = u.byName.get(tag);
    return v ? resolveByField(v, (bf) => item[bf.key]) : `unknown ${u.name} type "${tag}"`;
  }
  if (RAW_KEY in item) return u.raw;
  if (u.fallback) return u.fallback;
  return `${u.name} item needs a "${u.tagKey}" naming its type or "${RAW_KEY}" bytes`;
}
