/**
 * The JSON of a clean structure (json.ts toJson, then `JSON.stringify(…,
 * null, 2)`) written straight from its bytes by the walk (clean-walk.ts)
 * into a text sink: the same keys in the same order, the same values, the
 * same indentation, without building the model, the JSON tree or one big
 * string. What JSON.stringify would write as other than ASCII (a name with
 * bytes above 7Fh, which stdout writes as UTF-8) makes the table not clean
 * here; the caller then takes the model's way.
 */
import { cleanWalk, walkClean, type CleanVisitor, type ItemStarts } from './clean-walk.js';
import { bytesToHex } from './hexfmt.js';
import type { FixedValue } from './primitives.js';
import { isDerived, isReference, type ArrayMember, type CStringMember, type FieldMember, type GroupMember, type ListMember, type StructSpec } from './struct.js';
import { TextSink } from './text-sink.js';

/**
 * Writes the JSON object of a table whose bytes are exactly `bytes` into
 * `out`, as JSON.stringify with 2-space indentation writes it at nesting
 * `depth` (its first line goes where `out` is; the lines after it are
 * indented by `depth` levels). False when the table is not clean (then
 * `out` holds a part of it: rewind it).
 */
export function printCleanJson(spec: StructSpec, bytes: Uint8Array, out: TextSink, depth = 0, walked?: ItemStarts): boolean {
  // References are item indexes in JSON, and may name an item further on: where the items start comes first
  // (`walked`: as an earlier walk of these bytes found them, decode's).
  const starts = hasReferences(spec) ? (walked ?? cleanWalk(spec, bytes)?.starts) : NO_STARTS;
  if (!starts) return false;
  const v = new JsonVisitor(out, depth, starts);
  return walkClean(spec, bytes, v) && !v.failed;
}

const NO_STARTS: ItemStarts = new Map();

const withReferences = new WeakMap<StructSpec, boolean>();

/** True when a structure of the declaration (its groups, elements, list items) has a reference field; once per declaration. */
function hasReferences(spec: StructSpec): boolean {
  let known = withReferences.get(spec);
  if (known === undefined) {
    // Declarations are built bottom-up (no cycles): recursion follows their nesting, never the input.
    withReferences.set(spec, false);
    known = spec.members.some((m) => (m.kind === 'field' && isReference(m.role)) || (m.kind === 'group' && hasReferences(m.spec)) ||
      (m.kind === 'array' && hasReferences(m.element)) ||
      (m.kind === 'list' && [...m.union.variants.values(), ...(m.union.fallback ? [m.union.fallback] : [])].some(hasReferences)));
    withReferences.set(spec, known);
  }
  return known;
}

/** `"key": ` as bytes, once per key. */
const keyBytes = new Map<string, Uint8Array>();

function keyOf(key: string): Uint8Array {
  let b = keyBytes.get(key);
  if (!b) keyBytes.set(key, (b = TextSink.padded(JSON.stringify(key) + ': ', 0)));
  return b;
}

/** A newline and `2·depth` spaces, once per depth. */
const indents: Uint8Array[] = [];

function indentOf(depth: number): Uint8Array {
  let b = indents[depth];
  if (!b) indents[depth] = b = TextSink.padded('\n' + ' '.repeat(2 * depth), 0);
  return b;
}

/** A newline, `2·depth` spaces and the bracket that closes a container with entries, once per depth and bracket. */
const closers = { '}': [] as Uint8Array[], ']': [] as Uint8Array[] };

function closerOf(depth: number, bracket: '}' | ']'): Uint8Array {
  const byDepth = closers[bracket];
  let b = byDepth[depth];
  if (!b) byDepth[depth] = b = TextSink.padded('\n' + ' '.repeat(2 * depth) + bracket, 0);
  return b;
}

const COMMA = TextSink.padded(',', 0);
const NO_KEY = new Uint8Array(0);

/**
 * What starts an entry, as one byte string: the comma after an earlier
 * entry, the newline, the indentation and `"key": ` (none for an array's
 * element), made once per key, depth and comma. One copy per entry, not
 * three: a 1 MB DMAR's JSON is 2 million entries.
 */
class EntryHeads {
  /** By 2·depth + (1 after the first entry). */
  private readonly byDepth: Uint8Array[] = [];

  constructor(readonly key: Uint8Array) {}

  of(depth: number, comma: boolean): Uint8Array {
    const i = 2 * depth + (comma ? 1 : 0);
    return this.byDepth[i] ?? this.make(i, depth, comma);
  }

  private make(i: number, depth: number, comma: boolean): Uint8Array {
    const indent = indentOf(depth);
    const b = new Uint8Array((comma ? 1 : 0) + indent.length + this.key.length);
    if (comma) b.set(COMMA);
    b.set(indent, comma ? 1 : 0);
    b.set(this.key, b.length - this.key.length);
    return (this.byDepth[i] = b);
  }
}

const ELEMENT = new EntryHeads(NO_KEY);
const headsByKey = new Map<string, EntryHeads>();

function headsOf(key: string): EntryHeads {
  let h = headsByKey.get(key);
  if (!h) headsByKey.set(key, (h = new EntryHeads(keyOf(key))));
  return h;
}

/** How a member's entry is written, worked out once per declaration (one shape for all; read per field). */
class EntryPlan {
  constructor(
    /** Computed on encode: no entry. */
    readonly derived: boolean,
    /** What starts its entry (`"key": ` after the comma and indentation). */
    readonly heads: EntryHeads,
    /** The union tag: the model says the variant by its name. */
    readonly tag: boolean,
    /** A reference: the model holds `{node: i}` (its `as` key and the item's index). */
    readonly ref: { readonly list: string; readonly as: EntryHeads } | undefined,
  ) {}
}

const entryPlans = new WeakMap<StructSpec, EntryPlan[]>();

function entryPlansOf(spec: StructSpec): EntryPlan[] {
  let plans = entryPlans.get(spec);
  if (!plans) {
    plans = spec.members.map((m) => {
      const role = m.kind === 'field' ? m.role : undefined;
      const ref = isReference(role) ? { list: role.ref, as: headsOf(role.as) } : undefined;
      return new EntryPlan(isDerived(m), headsOf(m.key), role === 'tag', ref);
    });
    entryPlans.set(spec, plans);
  }
  return plans;
}

class JsonVisitor implements CleanVisitor {
  /** Entries so far of each open object or array, innermost last. */
  private readonly counts: number[] = [];
  /** The next structure is an element held as its one field's value (`scalar`): no object of its own. */
  private scalar: string | undefined;
  private inScalar = 0;
  /** The entry plans of the structure at hand, and of those it is inside. */
  private plans: EntryPlan[] = [];
  private readonly planStack: EntryPlan[][] = [];
  failed = false;

  constructor(private readonly out: TextSink, private readonly base: number, private readonly starts: ItemStarts) {}

  /** Starts an entry of the innermost container: the comma, the newline, the indentation and its key. */
  private entry(heads: EntryHeads): void {
    const counts = this.counts;
    const last = counts.length - 1;
    if (last < 0) {
      this.out.bytes(heads.key);
      return;
    }
    const n = counts[last]!;
    counts[last] = n + 1;
    this.out.bytes(heads.of(this.base + counts.length, n > 0));
  }

  private openContainer(bracket: string): void {
    this.out.str(bracket);
    this.counts.push(0);
  }

  private closeContainer(bracket: '}' | ']'): void {
    const n = this.counts.pop()!;
    if (n > 0) this.out.bytes(closerOf(this.base + this.counts.length, bracket));
    else this.out.str(bracket);
  }

  enter(spec: StructSpec): void {
    if (this.inScalar || this.scalar !== undefined) {
      this.inScalar++;
      return;
    }
    this.planStack.push(this.plans);
    this.plans = entryPlansOf(spec);
    this.openContainer('{');
  }

  leave(): void {
    if (this.inScalar) {
      if (--this.inScalar === 0) this.scalar = undefined;
      return;
    }
    this.plans = this.planStack.pop()!;
    this.closeContainer('}');
  }

  field(spec: StructSpec, index: number, member: FieldMember, v: FixedValue | undefined): void {
    if (this.inScalar) {
      if (member.key !== this.scalar) return;
      // The element's value is an entry of the array itself.
      this.value(v);
      return;
    }
    const plan = this.plans[index]!;
    // Derived fields are computed on encode; all-zero reserved bytes are absent from the model.
    if (plan.derived || v === undefined) return;
    this.entry(plan.heads);
    if (plan.ref !== undefined) {
      // The walk found every reference at an item's start (cleanWalk).
      this.openContainer('{');
      this.entry(plan.ref.as);
      this.out.dec(this.starts.get(plan.ref.list)!.get(v as number)!, 1);
      this.closeContainer('}');
      return;
    }
    this.value(plan.tag ? spec.name : v);
  }

  private value(v: FixedValue | undefined): void {
    const out = this.out;
    if (typeof v === 'number') out.dec(v, 1);
    else if (typeof v === 'bigint') out.str('"0x').str(v.toString(16)).str('"');
    else if (typeof v === 'string') this.string(v);
    else if (v instanceof Uint8Array) out.str('"').str(bytesToHex(v)).str('"');
  }

  private string(s: string): void {
    const j = JSON.stringify(s);
    // Above 7Fh JSON.stringify keeps the character, which stdout writes as UTF-8: not one latin1 byte.
    for (let i = 0; i < j.length; i++) {
      if (j.charCodeAt(i) > 0x7f) {
        this.failed = true;
        return;
      }
    }
    this.out.str(j);
  }

  group(_spec: StructSpec, member: GroupMember): void {
    this.entry(headsOf(member.key));
  }

  open(member: ListMember | ArrayMember): void {
    this.entry(headsOf(member.key));
    this.openContainer('[');
  }

  close(): void {
    this.closeContainer(']');
  }

  item(member: ListMember | ArrayMember): void {
    this.entry(ELEMENT);
    if (member.kind === 'array' && member.scalar) this.scalar = member.scalar;
  }

  cstring(_spec: StructSpec, member: CStringMember, s: string): void {
    this.entry(headsOf(member.key));
    this.string(s);
  }
}
