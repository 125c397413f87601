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
  type CStringMember,
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


/** Kinds of member, as numbers: the walk's loop switches on them. */
const FIELD = 0;
const GROUP = 1;
const LIST = 2;
const ARRAY = 3;
const CSTRING = 4;
/** Roles of a field the walk acts on. */
const PLAIN = 0;
const LENGTH = 1;
const TAG = 2;
const COUNT = 3;

/**
 * What the walk does at one member. Every step has this one shape, and so has
 * every Compiled: declarations, members and unions are object literals of
 * many shapes (their options), and a loop reading those is slow in V8
 * (megamorphic loads); the walk reads only these.
 */
class Step {
  constructor(
    readonly kind: number,
    readonly member: Member,
    /** A field's read and check (field-ops.ts, decode's own). */
    readonly op: FieldOp | undefined,
    readonly role: number,
    /** A group's or an array element's structure. */
    readonly child: Compiled | undefined,
    /** A group's or an array element's size. */
    readonly size: number,
  ) {}
}

/** A list member's header layout and its compiled variants. */
class ListPlan {
  constructor(
    readonly union: UnionSpec,
    readonly tagOffset: number,
    readonly tagSize: number,
    readonly tagLe: boolean,
    readonly lengthOffset: number,
    readonly lengthSize: number,
    readonly lengthLe: boolean,
    readonly headerSize: number,
    readonly variants: ReadonlyMap<number, Compiled>,
    readonly fallback: Compiled | undefined,
  ) {}
}

/** Optional fields (newer revisions): member index of the first, how many, and their groups, all there or none (optionalGroups). */
interface OptionalPlan {
  readonly first: number;
  readonly count: number;
  readonly groups: readonly { readonly indexes: readonly number[]; readonly size: number }[];
}

/** A declaration compiled for the walk. */
class Compiled {
  constructor(
    readonly spec: StructSpec,
    readonly fixedSize: number,
    readonly tag: number | undefined,
    readonly steps: readonly Step[],
    /** Offset of each fixed member from the structure's start. */
    readonly offsets: readonly number[],
    readonly list: ListPlan | undefined,
    readonly optional: OptionalPlan | undefined,
    /**
     * Only plain fields with nothing to check: any bytes of its size are
     * clean. A walk without a visitor steps over an array of these without
     * reading them (a 1 MB DMAR's 200k scope path hops).
     */
    readonly checkFree: boolean,
  ) {}
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
  const steps: Step[] = [];
  const offsets: number[] = [];
  let list: ListPlan | undefined;
  let off = 0;
  for (let i = 0; i < spec.members.length; i++) {
    const m = spec.members[i]!;
    offsets.push(off);
    if (m.kind === 'field') {
      if (!walkedField(m)) return undefined;
      const op = fieldOp(m);
      const role = m.role === 'length' ? LENGTH : m.role === 'tag' ? TAG : m.role !== undefined ? COUNT : PLAIN;
      steps.push(new Step(FIELD, m, op, role, undefined, op.size));
      off += op.size;
      continue;
    }
    if (m.kind === 'group') {
      const child = compile(m.spec);
      if (!child) return undefined;
      steps.push(new Step(GROUP, m, undefined, PLAIN, child, m.spec.fixedSize));
      off += m.spec.fixedSize;
      continue;
    }
    if (!variableSupported(spec, m)) return undefined;
    if (m.kind === 'list') {
      const u = m.union;
      const variants = new Map([...u.variants].map(([tag, v]) => [tag, compile(v)!]));
      list = new ListPlan(u, u.tagOffset, u.tagType.size, u.tagType.endian === 'le', u.lengthOffset!, u.lengthType!.size,
        u.lengthType!.endian === 'le', u.headerSize, variants, u.fallback ? compile(u.fallback) : undefined);
      steps.push(new Step(LIST, m, undefined, PLAIN, undefined, 0));
    } else if (m.kind === 'array') {
      steps.push(new Step(ARRAY, m, undefined, typeof m.count === 'object' ? COUNT : PLAIN, compile(m.element), m.element.fixedSize));
    } else {
      steps.push(new Step(CSTRING, m, undefined, PLAIN, undefined, 0));
    }
  }
  const optional = spec.optional.length ? {
    first: spec.members.indexOf(spec.optional[0]!),
    count: spec.optional.length,
    groups: optionalGroups(spec).map((g) => ({ indexes: g.members.map((f) => spec.members.indexOf(f)), size: g.size })),
  } : undefined;
  const checkFree = !optional && steps.every((st) => st.kind === FIELD && st.role === PLAIN && st.op!.check === undefined);
  return new Compiled(spec, spec.fixedSize, spec.tag, steps, offsets, list, optional, checkFree);
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
export function fieldValue(spec: StructSpec, r: ByteReader, start: number, index: number): FixedValue | undefined {
  const c = compile(spec)!;
  return c.steps[index]!.op!.read(r, start + c.offsets[index]!);
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
    const r = this.reader;
    if (start + c.fixedSize > end) return NOT_CLEAN;
    v?.enter(spec, start);
    const steps = c.steps;
    const optional = c.optional;
    let pos = start;
    let count = -1;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (optional !== undefined && i === optional.first) {
        // Whole groups while there is room before the end, as decode reads them; the rest are absent.
        for (const g of optional.groups) {
          if (pos + g.size > end) break;
          for (const k of g.indexes) {
            const op = steps[k]!.op!;
            const value = op.read(r, pos);
            if (op.check !== undefined && op.check(r, value, pos) !== undefined) return NOT_CLEAN;
            v?.field(spec, k, steps[k]!.member as FieldMember, value, pos);
            pos += op.size;
          }
        }
        i += optional.count - 1;
        continue;
      }
      switch (step.kind) {
        case FIELD: {
          const op = step.op!;
          const value = op.read(r, pos);
          if (op.check !== undefined && op.check(r, value, pos) !== undefined) return NOT_CLEAN;
          const role = step.role;
          if (role !== PLAIN) {
            // An item ends where its Length says; a root's Length must be all of the bytes (else decode keeps what it says).
            if (role === LENGTH ? value !== end - start : role === TAG ? value !== c.tag : ((count = value as number), false)) return NOT_CLEAN;
          }
          v?.field(spec, i, step.member as FieldMember, value, pos);
          pos += step.size;
          continue;
        }
        case GROUP:
          v?.group(spec, step.member as GroupMember, pos);
          if (this.struct(step.child!, pos, pos + step.size) === NOT_CLEAN) return NOT_CLEAN;
          pos += step.size;
          continue;
        case LIST:
          pos = this.list(c.list!, step.member as ListMember, pos, end);
          break;
        case ARRAY:
          pos = this.array(step, pos, end, step.role === COUNT ? count : -1);
          break;
        default:
          pos = this.cstring(spec, step.member as CStringMember, pos, end);
      }
      if (pos === NOT_CLEAN) return NOT_CLEAN;
    }
    // Bytes after the last member are kept as `trailing` and reported.
    if (pos !== end) return NOT_CLEAN;
    v?.leave(spec);
    return end;
  }

  private list(l: ListPlan, member: ListMember, pos: number, end: number): number {
    const v = this.visitor;
    const r = this.reader;
    const found = this.found;
    v?.open(member);
    while (pos < end) {
      if (end - pos < l.headerSize) return NOT_CLEAN;
      const tag = r.uint(pos + l.tagOffset, l.tagSize, l.tagLe);
      const len = r.uint(pos + l.lengthOffset, l.lengthSize, l.lengthLe);
      const item = l.variants.get(tag) ?? l.fallback;
      // Unknown types, lengths that cannot be followed and items too short for their type: decode's own item checks.
      if (item === undefined) return NOT_CLEAN;
      if (listItemEnd(found, l.union, item.spec, item.spec.name, tag, len, pos, end, false) !== pos + len || found.found) return NOT_CLEAN;
      v?.item(member);
      if (this.struct(item, pos, pos + len) === NOT_CLEAN) return NOT_CLEAN;
      pos += len;
    }
    v?.close(member);
    return pos;
  }

  private array(step: Step, pos: number, end: number, count: number): number {
    const member = step.member as ArrayMember;
    const el = step.child!;
    const size = step.size;
    const room = end - pos;
    // A partial element, or a count the bytes do not hold (or that leaves bytes over), is reported by decode.
    const n = count >= 0 ? count : room / size;
    if (!Number.isInteger(n) || n * size !== room) return NOT_CLEAN;
    const v = this.visitor;
    // Nothing to check in them and nobody to show them to: they are clean whatever their bytes.
    if (v === undefined && el.checkFree) return pos + n * size;
    v?.open(member);
    for (let i = 0; i < n; i++) {
      v?.item(member);
      if (this.struct(el, pos, pos + size) === NOT_CLEAN) return NOT_CLEAN;
      pos += size;
    }
    v?.close(member);
    return pos;
  }

  private cstring(spec: StructSpec, member: CStringMember, pos: number, end: number): number {
    const b = this.bytes;
    let nul = pos;
    while (nul < end && b[nul] !== 0) nul++;
    // No NUL is reported; bytes after it are kept as padding.
    if (nul + 1 !== end) return NOT_CLEAN;
    this.visitor?.cstring(spec, member, this.reader.latin1(pos, nul), pos);
    return end;
  }
}
