/**
 * The fast path of decode, text and JSON for clean structures: a walk over
 * the bytes, driven by the declaration and compiled once per declaration
 * (the readers and checks of its fields as closures, as protobufjs compiles a
 * schema), that builds no model. The field checks and list item checks are
 * decode's own (field-ops.ts, item-check.ts), so that "clean" cannot drift
 * from "decode finds nothing" field by field. It tells what `decode` would find and, with
 * a visitor, lets a printer write the text or the JSON straight from the
 * bytes (clean-text.ts, clean-json.ts).
 *
 * "Clean" means that decode would report nothing and keep nothing beside the
 * declared fields: no reserved bytes or bits set, no unknown value or type,
 * every length and count exactly what the bytes hold, no bytes left over.
 * Declarations using what the walk does not cover (placed parts, layouts
 * picked by a field, items sized by their type, fields shown by the model)
 * are never clean here. Optional fields of newer revisions are read as
 * decode reads them: whole groups while there is room. Whatever is not clean goes the model's
 * way (decode.ts, print.ts, json.ts), so its output and findings are
 * unchanged: the walk only ever says "clean" or "not clean".
 */
import type { FixedValue } from './primitives.js';
import { fieldOp, type FieldOp } from './field-ops.js';
import { FoundAny, listItemEnd } from './item-check.js';
import { ByteReader } from './reader.js';
import {
  optionalGroups,
  type ArrayMember,
  type FieldMember,
  type GroupMember,
  type ListMember,
  type Member,
  type StructSpec,
  type UnionSpec,
} from './struct.js';

/** What a printer does with a clean structure as the walk goes through it; every position is from the start of the table. */
export interface CleanVisitor {
  /** Before the members of a structure (a list item, an array element, a group, the root). */
  enter(spec: StructSpec, pos: number): void;
  leave(spec: StructSpec): void;
  /** A fixed field; `v` is the value as decode reads it, undefined for (all-zero) reserved bytes. */
  field(spec: StructSpec, index: number, member: FieldMember, v: FixedValue | undefined, pos: number): void;
  /** Before a group's structure (its heading). */
  group(spec: StructSpec, member: GroupMember, pos: number): void;
  /** Before and after the items of a list or the elements of an array. */
  open(member: ListMember | ArrayMember): void;
  close(member: ListMember | ArrayMember): void;
  /** Before each list item or array element. */
  item(member: ListMember | ArrayMember): void;
  /** A NUL-terminated name of `length` characters plus its NUL. */
  cstring(spec: StructSpec, member: Member & { kind: 'cstring' }, s: string, pos: number): void;
}


/** A declaration compiled for the walk, or undefined where the walk does not cover it. */
interface Compiled {
  readonly spec: StructSpec;
  /** Per member: how to read and check a fixed field (field-ops.ts, decode's own; undefined for other members). */
  readonly fields: (FieldOp | undefined)[];
  /** Offset of each fixed member from the structure's start. */
  readonly offsets: number[];
  /** Member index of the variable member, or -1. */
  readonly variableIndex: number;
  /** Per member: a group's or an array element's compiled structure (no map lookup per element). */
  readonly children: (Compiled | undefined)[];
  /** The compiled variants of the list member, by tag, and its fallback. */
  readonly variants?: ReadonlyMap<number, Compiled>;
  readonly fallback?: Compiled;
  /** Optional fields (newer revisions): member index of the first, and their groups, all there or none (optionalGroups). */
  readonly optional?: { readonly first: number; readonly groups: readonly { readonly indexes: readonly number[]; readonly size: number }[] };
}

const compiled = new WeakMap<StructSpec, Compiled | null>();

/** Where the walk stopped: not clean (decode would report or keep something the walk does not). */
const NOT_CLEAN = -1;

function compile(spec: StructSpec): Compiled | undefined {
  const known = compiled.get(spec);
  if (known !== undefined) return known ?? undefined;
  // Cycles cannot occur in declarations (structures are built bottom-up), so recursion here is bounded by the declaration.
  compiled.set(spec, null);
  const c = build(spec);
  compiled.set(spec, c ?? null);
  return c;
}

function build(spec: StructSpec): Compiled | undefined {
  if (spec.placed.length || spec.byField) return undefined;
  const fields: (FieldOp | undefined)[] = [];
  const offsets: number[] = [];
  const children: (Compiled | undefined)[] = [];
  let variants: Map<number, Compiled> | undefined;
  let fallback: Compiled | undefined;
  let variableIndex = -1;
  let off = 0;
  for (let i = 0; i < spec.members.length; i++) {
    const m = spec.members[i]!;
    offsets.push(off);
    children.push(m.kind === 'group' ? compile(m.spec) : m.kind === 'array' ? compile(m.element) : undefined);
    if (m.kind === 'field') {
      if (!walkedField(m)) return undefined;
      const op = fieldOp(m);
      fields.push(op);
      off += op.size;
      continue;
    }
    fields.push(undefined);
    if (m.kind === 'group') {
      if (!compile(m.spec)) return undefined;
      off += m.spec.fixedSize;
      continue;
    }
    if (!variableSupported(spec, m)) return undefined;
    variableIndex = i;
    if (m.kind === 'list') {
      variants = new Map([...m.union.variants].map(([tag, v]) => [tag, compile(v)!]));
      if (m.union.fallback) fallback = compile(m.union.fallback);
    }
  }
  const optional = spec.optional.length ? {
    first: spec.members.indexOf(spec.optional[0]!),
    groups: optionalGroups(spec).map((g) => ({ indexes: g.members.map((f) => spec.members.indexOf(f)), size: g.size })),
  } : undefined;
  return { spec, fields, offsets, variableIndex, children, ...(variants ? { variants } : {}), ...(fallback ? { fallback } : {}), ...(optional ? { optional } : {}) };
}

function variableSupported(spec: StructSpec, m: Member): boolean {
  switch (m.kind) {
    case 'list': {
      const u = m.union;
      if (u.itemSize || u.lengthType === undefined || m.countKey !== undefined || m.offsetKey !== undefined) return false;
      for (const v of [...u.variants.values(), ...(u.fallback ? [u.fallback] : [])]) if (!compile(v)) return false;
      return true;
    }
    case 'array': {
      if (m.offsetKey !== undefined || m.count === 'one' || m.element.fixedSize === 0) return false;
      if (typeof m.count === 'object') {
        const counter = spec.members.find((x) => x.key === (m.count as { countKey: string }).countKey);
        if (counter?.kind !== 'field' || counter.type.kind !== 'uint') return false;
      }
      return compile(m.element) !== undefined && m.element.variable === undefined;
    }
    case 'cstring':
      return true;
    default:
      return false;
  }
}

/** Fields the walk reads as decode does; the others (resolved against the whole table, or shown by the model) go the model's way. */
function walkedField(m: FieldMember): boolean {
  const role = m.role;
  // References and placed offsets resolve against the whole table: the model's way.
  if (role !== undefined && typeof role === 'object' && !('count' in role)) return false;
  return !m.shownIf;
}

/**
 * The value of fixed field `index` of a walkable structure at `start`, as the
 * walk reads it (undefined for reserved bytes): for a printer that needs a
 * field out of turn (the root's revision, before the walk).
 */
export function fieldValue(spec: StructSpec, bytes: Uint8Array, start: number, index: number): FixedValue | undefined {
  const c = compile(spec)!;
  return c.fields[index]!.read(new ByteReader(bytes), start + c.offsets[index]!);
}

/** True when the walk covers this declaration (its structures, their lists' items, their elements). */
export function walkable(spec: StructSpec): boolean {
  return compile(spec) !== undefined;
}

/**
 * Walks a table's bytes `[0, bytes.length)` as `spec` declares them; true
 * when clean. With a visitor, the visitor sees every structure and field;
 * what it was given is incomplete when the answer is false.
 */
export function walkClean(spec: StructSpec, bytes: Uint8Array, visitor?: CleanVisitor): boolean {
  if (!compile(spec) || bytes.length < spec.fixedSize) return false;
  const w = new Walk(bytes, visitor);
  return w.struct(compile(spec)!, 0, bytes.length) === bytes.length;
}

class Walk {
  private readonly reader: ByteReader;
  /** Set by decode's item checks when they find anything (then the walk stops: not clean). */
  private readonly found = new FoundAny();

  constructor(private readonly bytes: Uint8Array, private readonly visitor: CleanVisitor | undefined) {
    this.reader = new ByteReader(bytes);
  }

  /**
   * One structure `[start, end)` (a root's end is its Length, which must be
   * `end`); returns its end, or NOT_CLEAN. Recursion follows the declaration's
   * nesting (a list's items, an array's elements), never the input: items of
   * one list are walked in a loop.
   */
  struct(c: Compiled, start: number, end: number): number {
    const spec = c.spec;
    const v = this.visitor;
    if (start + spec.fixedSize > end) return NOT_CLEAN;
    v?.enter(spec, start);
    const members = spec.members;
    let pos = start;
    let count = -1;
    const optional = c.optional;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (optional && i === optional.first) {
        // Whole groups while there is room before the end, as decode reads them; the rest are absent.
        for (const g of optional.groups) {
          if (pos + g.size > end) break;
          for (const k of g.indexes) {
            const f = members[k] as FieldMember;
            const op = c.fields[k]!;
            const value = op.read(this.reader, pos);
            if (op.check !== undefined && op.check(this.reader, value, pos) !== undefined) return NOT_CLEAN;
            v?.field(spec, k, f, value, pos);
            pos += op.size;
          }
        }
        i += spec.optional.length - 1;
        continue;
      }
      if (m.kind === 'field') {
        const op = c.fields[i]!;
        const value = op.read(this.reader, pos);
        if (op.check !== undefined && op.check(this.reader, value, pos) !== undefined) return NOT_CLEAN;
        const role = m.role;
        // An item ends where its Length says; a root's Length must be all of the bytes (else decode keeps what it says).
        if (role === 'length' && value !== end - start) return NOT_CLEAN;
        if (role === 'tag' && value !== spec.tag) return NOT_CLEAN;
        if (typeof role === 'object') count = value as number;
        v?.field(spec, i, m, value, pos);
        pos += op.size;
        continue;
      }
      if (m.kind === 'group') {
        v?.group(spec, m, pos);
        if (this.struct(c.children[i]!, pos, pos + m.spec.fixedSize) === NOT_CLEAN) return NOT_CLEAN;
        pos += m.spec.fixedSize;
        continue;
      }
      switch (m.kind) {
        case 'list':
          pos = this.list(c, m, pos, end);
          break;
        case 'array':
          pos = this.array(c.children[i]!, m, pos, end, typeof m.count === 'object' ? count : -1);
          break;
        case 'cstring':
          pos = this.cstring(spec, m, pos, end);
          break;
        default:
          return NOT_CLEAN;
      }
      if (pos === NOT_CLEAN) return NOT_CLEAN;
    }
    // Bytes after the last member are kept as `trailing` and reported.
    if (pos !== end) return NOT_CLEAN;
    v?.leave(spec);
    return end;
  }

  private list(c: Compiled, member: ListMember, pos: number, end: number): number {
    const u: UnionSpec = member.union;
    const v = this.visitor;
    const lengthOffset = u.lengthOffset!;
    const lengthType = u.lengthType!;
    const tagType = u.tagType;
    v?.open(member);
    while (pos < end) {
      if (end - pos < u.headerSize) return NOT_CLEAN;
      const tag = this.reader.uint(pos + u.tagOffset, tagType.size, tagType.endian === 'le');
      const len = this.reader.uint(pos + lengthOffset, lengthType.size, lengthType.endian === 'le');
      const compiledVariant = c.variants!.get(tag) ?? c.fallback;
      const variant = compiledVariant?.spec;
      // Unknown types, lengths that cannot be followed and items too short for their type: decode's own item checks.
      const found = this.found;
      if (listItemEnd(found, u, variant, variant?.name ?? u.name, tag, len, pos, end, false) !== pos + len || found.found || !variant) return NOT_CLEAN;
      v?.item(member);
      if (this.struct(compiledVariant!, pos, pos + len) === NOT_CLEAN) return NOT_CLEAN;
      pos += len;
    }
    v?.close(member);
    return pos;
  }

  private array(ec: Compiled, member: ArrayMember, pos: number, end: number, count: number): number {
    const el = member.element;
    const size = el.fixedSize;
    const room = end - pos;
    // A partial element, or a count the bytes do not hold (or that leaves bytes over), is reported by decode.
    const n = count >= 0 ? count : room / size;
    if (!Number.isInteger(n) || n * size !== room) return NOT_CLEAN;
    const v = this.visitor;
    v?.open(member);
    for (let i = 0; i < n; i++) {
      v?.item(member);
      if (this.struct(ec, pos, pos + size) === NOT_CLEAN) return NOT_CLEAN;
      pos += size;
    }
    v?.close(member);
    return pos;
  }

  private cstring(spec: StructSpec, member: Member & { kind: 'cstring' }, pos: number, end: number): number {
    const b = this.bytes;
    let nul = pos;
    while (nul < end && b[nul] !== 0) nul++;
    // No NUL is reported; bytes after it are kept as padding.
    if (nul + 1 !== end) return NOT_CLEAN;
    this.visitor?.cstring(spec, member, this.reader.latin1(pos, nul), pos);
    return end;
  }
}
