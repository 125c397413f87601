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
 * Placed parts (IORT and VIOT nodes, a node's ID mappings: where an offset
 * field says, as many as a count field says) are walked where decode finds
 * them without keeping a layout: right after what precedes them, in declared
 * order, an empty one at offset 0. References must name an item's start
 * (decode's `{node: i}`). Declarations using what the walk does not cover
 * (layouts picked by a field, a text order of their own, single structures
 * at an offset, items sized by their type, fields shown by the model) are
 * never clean here. Optional fields of newer revisions are read as
 * decode reads them: whole groups while there is room. Whatever is not clean goes the model's
 * way (decode.ts, print.ts, json.ts), so its output and findings are
 * unchanged: the walk only ever says "clean" or "not clean".
 */
import type { FixedValue } from './primitives.js';
import { fieldOp, type FieldOp } from './field-ops.js';
import { FoundAny, listItemEnd } from './item-check.js';
import { ByteReader } from './reader.js';
import {
  isPlaced,
  isReference,
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
/** A count or offset field: its value is read again where its part is (countIndex, offsetIndex). */
const DERIVED = 3;
/** A reference to an item of a list: it must be an item's start (checked once the table is walked). */
const REF = 4;

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
    /** Member index of the count field of an array or placed list, else -1. */
    readonly countIndex: number,
    /** Member index of the offset field of a placed part, else -1. */
    readonly offsetIndex: number,
    /** The list a reference field points into (its key), else undefined. */
    readonly refList: string | undefined,
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
    /** null: a type the walk does not cover (an item of it is never clean here). */
    readonly variants: ReadonlyMap<number, Compiled | null>,
    readonly fallback: Compiled | null | undefined,
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
    /** The placed parts' steps, in declared order (they come after every other member). */
    readonly placed: readonly Step[],
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
  if (spec.byField || spec.textOrder) return undefined;
  const members = spec.members;
  // Count and offset fields are read again by their parts: they must sit at fixed offsets, before anything optional or variable.
  let fixedPrefix = members.findIndex((m) => (m.kind !== 'field' && m.kind !== 'group') || (m.kind === 'field' && m.optional));
  if (fixedPrefix < 0) fixedPrefix = members.length;
  const fixedIndex = (key: string | undefined): number => {
    const i = key === undefined ? -1 : members.findIndex((x) => x.key === key);
    return i >= 0 && i < fixedPrefix && members[i]!.kind === 'field' && (members[i] as FieldMember).type.kind === 'uint' ? i : -1;
  };
  // Placed parts are printed and kept after the other members: the walk visits them so only when they are declared so.
  const firstPlaced = members.findIndex(isPlaced);
  if (firstPlaced >= 0 && members.slice(firstPlaced).some((m) => !isPlaced(m))) return undefined;
  const steps: Step[] = [];
  const offsets: number[] = [];
  let list: ListPlan | undefined;
  let off = 0;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    offsets.push(off);
    if (m.kind === 'field') {
      if (!walkedField(spec, m)) return undefined;
      const op = fieldOp(m);
      const r = m.role;
      const role = r === 'length' ? LENGTH : r === 'tag' ? TAG : isReference(r) ? REF : typeof r === 'object' ? DERIVED : PLAIN;
      steps.push(new Step(FIELD, m, op, role, undefined, op.size, -1, -1, isReference(r) ? r.ref : undefined));
      off += op.size;
      continue;
    }
    if (m.kind === 'group') {
      const child = compile(m.spec);
      if (!child) return undefined;
      steps.push(new Step(GROUP, m, undefined, PLAIN, child, m.spec.fixedSize, -1, -1, undefined));
      off += m.spec.fixedSize;
      continue;
    }
    if (!variableSupported(m)) return undefined;
    const offsetIndex = fixedIndex(isPlaced(m) ? m.offsetKey : undefined);
    if (isPlaced(m) && offsetIndex < 0) return undefined;
    if (m.kind === 'list') {
      const countIndex = fixedIndex(m.countKey);
      if (m.countKey !== undefined && countIndex < 0) return undefined;
      const u = m.union;
      const variants = new Map([...u.variants].map(([tag, v]) => [tag, compile(v) ?? null]));
      list = new ListPlan(u, u.tagOffset, u.tagType.size, u.tagType.endian === 'le', u.lengthOffset!, u.lengthType!.size,
        u.lengthType!.endian === 'le', u.headerSize, variants, u.fallback ? compile(u.fallback) ?? null : undefined);
      steps.push(new Step(LIST, m, undefined, PLAIN, undefined, 0, countIndex, offsetIndex, undefined));
    } else if (m.kind === 'array') {
      const countIndex = typeof m.count === 'object' ? fixedIndex(m.count.countKey) : -1;
      if (typeof m.count === 'object' && countIndex < 0) return undefined;
      steps.push(new Step(ARRAY, m, undefined, PLAIN, compile(m.element), m.element.fixedSize, countIndex, offsetIndex, undefined));
    } else {
      steps.push(new Step(CSTRING, m, undefined, PLAIN, undefined, 0, -1, -1, undefined));
    }
  }
  const optional = spec.optional.length ? {
    first: members.indexOf(spec.optional[0]!),
    count: spec.optional.length,
    groups: optionalGroups(spec).map((g) => ({ indexes: g.members.map((f) => members.indexOf(f)), size: g.size })),
  } : undefined;
  const checkFree = !optional && steps.every((st) => st.kind === FIELD && st.role === PLAIN && st.op!.check === undefined);
  const placed = firstPlaced < 0 ? [] : steps.slice(firstPlaced);
  return new Compiled(spec, spec.fixedSize, spec.tag, steps, offsets, list, optional, placed, checkFree);
}

function variableSupported(m: Member): boolean {
  switch (m.kind) {
    case 'list': {
      const u = m.union;
      // A list is either the rest of its structure or placed by an offset field and counted by a count field.
      if (u.itemSize || u.lengthType === undefined || (m.countKey === undefined) !== (m.offsetKey === undefined)) return false;
      return true;
    }
    case 'array':
      if (m.count === 'one' || m.element.fixedSize === 0 || (m.offsetKey !== undefined && typeof m.count !== 'object')) return false;
      return compile(m.element) !== undefined && m.element.variable === undefined;
    case 'cstring':
      return true;
    default:
      return false;
  }
}

/** Fields the walk reads as decode does; the others (shown by the model) go the model's way. */
function walkedField(spec: StructSpec, m: FieldMember): boolean {
  const role = m.role;
  // An offset field belongs to a placed part of this structure.
  if (typeof role === 'object' && 'offset' in role && !spec.placed.some((p) => p.key === role.offset)) return false;
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

/** Where the items of the root's lists start, by list key: start → index (what references name, decode's `{node: i}`). */
export type ItemStarts = ReadonlyMap<string, ReadonlyMap<number, number>>;

/**
 * The items of a clean table's root lists and the references between them:
 * what findings about references (one naming its own item, going round in
 * circles, naming an item of the wrong kind) need, without a model.
 */
export interface ReferenceGraph {
  /** The declaration name of each item (`SmmuV3`), by list key. */
  readonly items: ReadonlyMap<string, readonly string[]>;
  /** Each reference field read: its key, the item of a root list it is in (-1: the root's own), and the index of the item it names in `list`. */
  readonly references: readonly { readonly key: string; readonly from: number; readonly list: string; readonly to: number }[];
}

/** What the walk of a clean table found. */
export interface CleanWalk {
  readonly starts: ItemStarts;
  /** Made when first asked for: only decode's findings about references look at it (an IORT's 10k mappings each hold one). */
  readonly graph: ReferenceGraph;
}

/**
 * Walks a table's bytes `[0, bytes.length)` as `spec` declares them; true
 * when clean. With a visitor, the visitor sees every structure and field;
 * what it was given is incomplete when the answer is false.
 */
export function walkClean(spec: StructSpec, bytes: Uint8Array, visitor?: CleanVisitor): boolean {
  const w = walked(spec, bytes, visitor);
  return w !== undefined && w.referencesResolve();
}

/**
 * The same walk, giving (when the table is clean; undefined when not) where
 * the root's list items start, which a visitor that shows references as item
 * indexes (JSON) needs before the walk that shows it the fields, and the
 * references between them.
 */
export function cleanWalk(spec: StructSpec, bytes: Uint8Array, visitor?: CleanVisitor): CleanWalk | undefined {
  const w = walked(spec, bytes, visitor);
  if (w === undefined || !w.referencesResolve()) return undefined;
  let graph: ReferenceGraph | undefined;
  return {
    starts: w.starts,
    get graph() {
      return (graph ??= w.referenceGraph());
    },
  };
}

/** The walk over the whole table, when its structures are clean (its references not yet looked at). */
function walked(spec: StructSpec, bytes: Uint8Array, visitor: CleanVisitor | undefined): Walk | undefined {
  const c = compile(spec);
  if (!c || bytes.length < spec.fixedSize) return undefined;
  const w = new Walk(bytes, visitor);
  return w.struct(c, 0, bytes.length) === bytes.length ? w : undefined;
}

class Walk {
  private readonly reader: ByteReader;
  /** Set by decode's item checks when they find anything (then the walk stops: not clean). */
  private readonly found = new FoundAny();
  /** Item starts of the root's lists (decode resolves references against these), and their declarations' names. */
  readonly starts = new Map<string, Map<number, number>>();
  private readonly names = new Map<string, string[]>();
  /** Each reference read: its value, its field's step and the root list item it is in. */
  private readonly refValues: number[] = [];
  /** The reference field's step (its key and the list it names). */
  private readonly refSteps: Step[] = [];
  private readonly refFrom: number[] = [];
  private depth = 0;
  /** The item of a root list the walk is in (-1: the root's own fields). */
  private rootItem = -1;

  constructor(private readonly bytes: Uint8Array, private readonly visitor: CleanVisitor | undefined) {
    this.reader = new ByteReader(bytes);
  }

  /**
   * True when every reference names the start of an item of its list (else
   * decode keeps `{offset: n}` and reports it, or the table's check does:
   * not clean).
   */
  referencesResolve(): boolean {
    for (let i = 0; i < this.refValues.length; i++) {
      if (this.starts.get(this.refSteps[i]!.refList!)?.get(this.refValues[i]!) === undefined) return false;
    }
    return true;
  }

  /** The references as item indexes (referencesResolve: each names one). */
  referenceGraph(): ReferenceGraph {
    const references: { key: string; from: number; list: string; to: number }[] = [];
    for (let i = 0; i < this.refValues.length; i++) {
      const step = this.refSteps[i]!;
      const list = step.refList!;
      references.push({ key: step.member.key, from: this.refFrom[i]!, list, to: this.starts.get(list)!.get(this.refValues[i]!)! });
    }
    return { items: this.names, references };
  }

  /** The value of count or offset field `index` of a structure at `start` (fixed fields: read again rather than kept). */
  private fixed(c: Compiled, start: number, index: number): number {
    return c.steps[index]!.op!.read(this.reader, start + c.offsets[index]!) as number;
  }

  /** Where the first placed part with items starts (decode reads optional fields and a name up to there), else `end`. */
  private firstPlaced(c: Compiled, start: number, end: number): number {
    for (const step of c.placed) {
      if (this.fixed(c, start, step.countIndex) > 0) return start + this.fixed(c, start, step.offsetIndex);
    }
    return end;
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
    this.depth++;
    const steps = c.steps;
    const optional = c.optional;
    // Optional fields and a name end where the first placed part begins.
    const limit = c.placed.length ? this.firstPlaced(c, start, end) : end;
    let pos = start;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (optional !== undefined && i === optional.first) {
        // Whole groups while there is room before the limit, as decode reads them; the rest are absent.
        for (const g of optional.groups) {
          if (pos + g.size > limit) break;
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
            if (role === LENGTH ? value !== end - start : role === TAG && value !== c.tag) return NOT_CLEAN;
            if (role === REF) {
              this.refValues.push(value as number);
              this.refSteps.push(step);
              this.refFrom.push(this.rootItem);
            }
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
          pos = this.list(c, step, start, pos, end);
          break;
        case ARRAY:
          pos = this.array(c, step, start, pos, end);
          break;
        default:
          pos = this.cstring(spec, step.member as CStringMember, pos, limit);
      }
      if (pos === NOT_CLEAN) return NOT_CLEAN;
    }
    // Bytes after the last member are kept as `trailing` and reported.
    if (pos !== end) return NOT_CLEAN;
    this.depth--;
    v?.leave(spec);
    return end;
  }

  /** A placed part with items starts right where the walk is (decode keeps a gap, or another order, in the model's layout). */
  private placedAt(c: Compiled, step: Step, start: number, pos: number): boolean {
    return step.offsetIndex < 0 || start + this.fixed(c, start, step.offsetIndex) === pos;
  }

  private list(c: Compiled, step: Step, start: number, pos: number, end: number): number {
    const l = c.list!;
    const member = step.member as ListMember;
    // The rest of the structure, or (placed) as many items as the count field says.
    const count = step.countIndex < 0 ? -1 : this.fixed(c, start, step.countIndex);
    if (!this.placedAt(c, step, start, pos)) return NOT_CLEAN;
    const v = this.visitor;
    const r = this.reader;
    const found = this.found;
    let starts: Map<number, number> | undefined;
    let names: string[] | undefined;
    if (this.depth === 1) {
      this.starts.set(member.key, (starts = new Map()));
      this.names.set(member.key, (names = []));
    }
    v?.open(member);
    for (let k = 0; count < 0 ? pos < end : k < count; k++) {
      if (end - pos < l.headerSize) return NOT_CLEAN;
      const tag = r.uint(pos + l.tagOffset, l.tagSize, l.tagLe);
      const len = r.uint(pos + l.lengthOffset, l.lengthSize, l.lengthLe);
      const item = l.variants.has(tag) ? l.variants.get(tag) : l.fallback;
      // Unknown types (and types the walk does not cover), lengths that cannot be followed and items too short for their type: decode's own item checks.
      if (item == null) return NOT_CLEAN;
      if (listItemEnd(found, l.union, item.spec, item.spec.name, tag, len, pos, end, false) !== pos + len || found.found) return NOT_CLEAN;
      if (starts !== undefined) {
        starts.set(pos, k);
        names!.push(item.spec.name);
        this.rootItem = k;
      }
      v?.item(member);
      if (this.struct(item, pos, pos + len) === NOT_CLEAN) return NOT_CLEAN;
      pos += len;
    }
    if (starts !== undefined) this.rootItem = -1;
    v?.close(member);
    return pos;
  }

  private array(c: Compiled, step: Step, start: number, pos: number, end: number): number {
    const member = step.member as ArrayMember;
    const el = step.child!;
    const size = step.size;
    const v = this.visitor;
    const counted = step.countIndex >= 0;
    const n = counted ? this.fixed(c, start, step.countIndex) : (end - pos) / size;
    if (step.offsetIndex >= 0 && n === 0) {
      // An empty placed part has offset 0 (decode keeps another one in the model's layout).
      if (this.fixed(c, start, step.offsetIndex) !== 0) return NOT_CLEAN;
    } else if (!this.placedAt(c, step, start, pos)) return NOT_CLEAN;
    // A partial element, or a count the bytes do not hold, is reported by decode (bytes left after it are checked at the structure's end).
    if (!Number.isInteger(n) || pos + n * size > end) return NOT_CLEAN;
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

  /** A name ending at its NUL, which is the last byte before `limit` (the structure's end, or its first placed part). */
  private cstring(spec: StructSpec, member: CStringMember, pos: number, limit: number): number {
    const b = this.bytes;
    let nul = pos;
    while (nul < limit && b[nul] !== 0) nul++;
    // No NUL is reported; bytes after it are kept as padding (or as the gap before a placed part).
    if (nul + 1 !== limit) return NOT_CLEAN;
    this.visitor?.cstring(spec, member, this.reader.latin1(pos, nul), pos);
    return limit;
  }
}
