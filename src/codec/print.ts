/**
 * Text output in the form of iasl's data-table disassembly, line for line,
 * so that `diff` against `iasl -d` is empty:
 *
 *     [OOOh DDDD WWWh]                 Label : Value
 *
 * Offsets are relative to the start of the table; the label is right-aligned;
 * values are upper-case hex at the field's width. The bits iasl decodes follow
 * their field as `Label : bit-value` lines aligned on the same colon, zero or
 * not. Blank lines group fields the way iasl does (header, each subtable,
 * each device scope, each path element). What differs between iasl releases
 * (the width column, the label column, renamed labels) comes from the form
 * (iasl-form.ts).
 */
import { hexDumpLines } from './hexdump.js';
import { writeRawBuffer } from './raw-buffer.js';
import { CURRENT_FORM, type IaslForm, type MemberForm } from './iasl-form.js';
import { bytesToHexPairs, hexUpper, hexUpperBig, padLeft } from './hexfmt.js';
import { arrayElements, derivedValue, placedParts, type PlacedPart } from './layout.js';
import { bitValue, sizeOfType, type FixedType, type FlagBit } from './primitives.js';
import {
  isPlaced,
  pickVariant,
  presentOptionalCount,
  RAW_KEY,
  STORED,
  TRAILING_KEY,
  TRUNCATED_AT,
  type CStringMember,
  type FieldMember,
  type GroupMember,
  type Member,
  type Model,
  type StoredValues,
  type StructSpec,
  type UnionSpec,
} from './struct.js';
import { TextSink } from './text-sink.js';

/** Flag-bit lines put their colon under the field lines' colon (iasl's `%44s`). */
const BIT_LABEL_WIDTH = 44;

/** What printing a table needs besides the structure: the table's root model, the form, a checksum to report. */
export interface PrintContext {
  /** The table the structure belongs to (labels that depend on the table's revision look there). */
  readonly root: Model;
  readonly form: IaslForm;
  /** The checksum the bytes should have, when the stored one is another (iasl's "Incorrect checksum" comment). */
  readonly checksumShouldBe?: number;
}

/** One iasl field line as a string: `[OOOh DDDD WWWh]  Label : Value`. */
export function fieldLine(offset: number, width: number, label: string, value: string, form: IaslForm = CURRENT_FORM): string {
  return fieldHead(new TextSink(), offset, width, label, form).str(value).toString();
}

/** A flag-bit line beneath its field: the value in hex, one digit per four bits as iasl prints it. */
export function bitLine(label: string, value: number, width = 1): string {
  return padLeft(label, BIT_LABEL_WIDTH) + ' : ' + hexUpper(value, Math.ceil(width / 4));
}

/** Labels padded to the label column, as bytes, once per label text and column. */
const paddedLabels = new Map<number, Map<string, Uint8Array>>();

function paddedLabel(label: string, form: IaslForm): Uint8Array {
  let byText = paddedLabels.get(form.labelWidth);
  if (!byText) paddedLabels.set(form.labelWidth, (byText = new Map()));
  let b = byText.get(label);
  if (!b) byText.set(label, (b = TextSink.padded(label, form.labelWidth)));
  return b;
}

/** Tails by form, then width and label: headings, names and padding lines ask for theirs on every line. */
const tails = new Map<IaslForm, Map<string, Uint8Array>>();
/** Wider lines (long raw buffers: as many widths as a table has sizes) are not cached: the cache stays small in a long-lived process. */
const CACHED_TAIL_WIDTH = 0xff;

/** What follows the offsets on a line of `width` bytes labelled `label`. */
function tailOf(width: number, label: string, form: IaslForm): Uint8Array {
  if (width > CACHED_TAIL_WIDTH) return TextSink.fieldTail(form.widthColumn(width), paddedLabel(label, form));
  let byForm = tails.get(form);
  if (!byForm) tails.set(form, (byForm = new Map()));
  const key = `${width} ${label}`;
  let tail = byForm.get(key);
  if (!tail) byForm.set(key, (tail = TextSink.fieldTail(form.widthColumn(width), paddedLabel(label, form))));
  return tail;
}

/** Writes `[OOOh DDDD WWWh]  Label : ` (everything but the value). */
function fieldHead(out: TextSink, offset: number, width: number, label: string, form: IaslForm): TextSink {
  return out.fieldHeadTail(offset, tailOf(width, label, form));
}

/**
 * What a field line is made of, worked out once per member and form: the
 * part after the offsets (width and label never change) and, for small
 * integer fields, the whole rest of the line by value. A large table prints a
 * few members hundreds of thousands of times with few distinct values (scope
 * types, lengths, bus numbers, path hops), so most lines become the offsets
 * plus one copy of cached bytes.
 */
export interface LinePlan {
  tail: Uint8Array;
  /** The rest of the line (value, description, flag-bit lines) by value key; absent when values are not cached. */
  lines: Map<number, Uint8Array> | undefined;
  /** Values below this are cached (2^(8·size) of the field; 2^16 for a wider flag word). */
  limit: number;
  /** 2^bits of each field of a line-printed structure, in member order: the bound of its values and its factor in the packed key. */
  limits: number[] | undefined;
  /** The form's way with this member, when it is not the declaration's. */
  memberForm: MemberForm | undefined;
}

/** Values of fields up to this many bytes are cached (at most 64 Ki lines per member). */
const CACHED_VALUE_BYTES = 2;
/** Key of a reserved field that is absent (all zero): the usual case. */
const ABSENT = -1;

/** Every plan in one shape (every member there, undefined when unused): printing reads them once per line. */
function linePlanShape(tail: Uint8Array, lines: Map<number, Uint8Array> | undefined, limit: number, memberForm: MemberForm | undefined,
  limits?: number[]): LinePlan {
  return { tail, lines, limit, limits, memberForm };
}

const fieldPlans = new Map<IaslForm, WeakMap<StructSpec, LinePlan[]>>();
const linePlans = new Map<IaslForm, WeakMap<StructSpec, LinePlan>>();

function plansFor<K extends object, T>(cache: Map<IaslForm, WeakMap<K, T>>, form: IaslForm): WeakMap<K, T> {
  let byForm = cache.get(form);
  if (!byForm) cache.set(form, (byForm = new WeakMap()));
  return byForm;
}

export function fieldPlansOf(spec: StructSpec, form: IaslForm): LinePlan[] {
  const cache = plansFor(fieldPlans, form);
  let plans = cache.get(spec);
  if (!plans) {
    plans = spec.members.map((m) => {
      if (m.kind !== 'field') return linePlanShape(new Uint8Array(), undefined, 0, undefined);
      const t = m.type;
      const size = sizeOfType(t);
      const memberForm = form.members.get(`${spec.name}.${m.key}`);
      const small = (t.kind === 'uint' || t.kind === 'flags' || t.kind === 'enum' || t.kind === 'reserved') && size <= CACHED_VALUE_BYTES;
      // A wider flag word too, for its values below 2^16: a word of flags takes few values, and each is a field line
      // and its bit lines (an IORT's 10k ID mappings print 20k lines for their Flags, all of them alike).
      const flagWord = t.kind === 'flags' && size > CACHED_VALUE_BYTES;
      const tail = tailOf(size, memberForm?.label ?? m.label, form);
      // A checksum line may carry a comment, so it is never cached.
      // Nor is a flag field whose bit lines depend on the root (the table's revision).
      const byRoot = t.kind === 'flags' && t.bits.some((b) => b.printedSince);
      const cached = (small || flagWord) && !m.describe && !m.text && m.role !== 'checksum' && !byRoot;
      const limit = small ? 2 ** (8 * size) : 2 ** (8 * CACHED_VALUE_BYTES);
      return cached ? linePlanShape(tail, new Map(), limit, memberForm) : linePlanShape(tail, undefined, 0, memberForm);
    });
    cache.set(spec, plans);
  }
  return plans;
}

/** The plan linePlanOf gave last: a table prints one kind of line structure hundreds of thousands of times in a row (scope path hops). */
let lastLinePlan: { spec: StructSpec; form: IaslForm; plan: LinePlan } | undefined;

/** A structure printed as one line caches by its packed field values when they fit CACHED_VALUE_BYTES·2 bytes. */
function linePlanOf(spec: StructSpec, label: string, form: IaslForm): LinePlan {
  const last = lastLinePlan;
  if (last !== undefined && last.spec === spec && last.form === form) return last.plan;
  const cache = plansFor(linePlans, form);
  let plan = cache.get(spec);
  if (!plan) {
    const small = spec.members.every((m) => m.kind === 'field' && m.type.kind === 'uint') && spec.fixedSize <= 2 * CACHED_VALUE_BYTES;
    const tail = tailOf(spec.fixedSize, label, form);
    const limits = spec.members.map((m) => 2 ** (8 * sizeOfType((m as FieldMember).type)));
    // One shape for every plan (lines and limits undefined when not cached): printing reads them per line.
    plan = small ? linePlanShape(tail, new Map(), 0, undefined, limits) : linePlanShape(tail, undefined, 0, undefined);
    cache.set(spec, plan);
  }
  lastLinePlan = { spec, form, plan };
  return plan;
}

/** The cache key of a small value, or undefined when it cannot be cached. */
function valueKey(plan: LinePlan, t: FixedType, v: unknown): number | undefined {
  if (typeof v === 'number') return (v >>> 0) === v && v < plan.limit ? v : undefined;
  return v === undefined && t.kind === 'reserved' ? ABSENT : undefined;
}

/** The packed values of a line-printed structure, or undefined. */
function packedKey(plan: LinePlan, fields: LineFields): number | undefined {
  const limits = plan.limits!;
  let key = 0;
  for (let i = 0; i < limits.length; i++) {
    const v = fields.value(i);
    const limit = limits[i]!;
    if (typeof v !== 'number' || (v >>> 0) !== v || v >= limit) return undefined;
    key = key * limit + v;
  }
  return key;
}

/**
 * Fixed-width text as iasl shows it: up to the first NUL, other bytes outside
 * printable ASCII shown as spaces.
 */
export function displayText(s: string): string {
  const nul = s.indexOf('\0');
  const t = nul >= 0 ? s.slice(0, nul) : s;
  return t.replace(/[^\x20-\x7e]/g, ' ');
}

/** A field's value as iasl prints it. */
export function formatValue(t: FixedType, v: unknown): string {
  switch (t.kind) {
    case 'uint':
    case 'flags':
      return hexUpper(v as number, 2 * sizeOfType(t));
    case 'enum': {
      const n = v as number;
      if (t.printName === false) return hexUpper(n, 2 * t.base.size);
      return hexUpper(n, 2 * t.base.size) + ' [' + (t.names.get(n) ?? t.unknownName) + ']';
    }
    case 'u64':
      return hexUpperBig(v as bigint, 16);
    case 'ascii':
      return '"' + displayText(v as string) + '"';
    case 'bytes':
      return bytesToHexPairs(v as Uint8Array);
    case 'reserved': {
      const b = (v as Uint8Array | undefined) ?? new Uint8Array(t.size);
      if (t.show === 'bytes') return bytesToHexPairs(b);
      return bytesToHexPairs(b.slice().reverse(), '');
    }
  }
}

/** Writes a value; integers go straight into the sink (the common, hot case). */
function writeValue(out: TextSink, t: FixedType, v: unknown): void {
  switch (t.kind) {
    case 'uint':
    case 'flags':
      out.hex(v as number, 2 * sizeOfType(t));
      return;
    case 'enum': {
      const n = v as number;
      out.hex(n, 2 * t.base.size);
      if (t.printName !== false) out.str(' [').str(t.names.get(n) ?? t.unknownName).str(']');
      return;
    }
    case 'u64':
      out.hex64(v as bigint);
      return;
    case 'reserved':
      // Absent means all zero (the usual case).
      if (v === undefined) {
        if (t.show === 'int') out.zeros(2 * t.size);
        else out.str(formatValue(t, v));
        return;
      }
      out.str(formatValue(t, v));
      return;
    default:
      out.str(formatValue(t, v));
  }
}

/** The value text of a structure printed as one line (`1C,04` for a scope path hop), or undefined. */
export function lineValueText(spec: StructSpec, m: Model): string | undefined {
  if (!spec.line) return undefined;
  const out = new TextSink();
  spec.line.write(m, out);
  return out.toString();
}

/** Text of a structure at `offset`, as a string of lines. */
export function printToString(spec: StructSpec, m: Model, offset = 0, form: IaslForm = CURRENT_FORM): string {
  const out = new TextSink();
  printStruct(spec, m, offset, out, { root: m, form });
  return out.toString();
}

/** Writes the text lines of a structure at `offset`; returns the bytes it covers. */
export function printStruct(spec: StructSpec, m: Model, offset: number, out: TextSink, ctx: PrintContext = { root: m, form: CURRENT_FORM }): number {
  const form = ctx.form;
  if (spec.line) return printLine(spec, offset, out, form, { value: (i) => m[spec.members[i]!.key], model: () => m });
  let pos = offset;
  const truncatedAt = m[STORED]?.[TRUNCATED_AT];
  const members = truncatedAt === undefined ? spec.members : spec.members.slice(0, Number(truncatedAt));
  const plans = fieldPlansOf(spec, form);
  // The optional fields present are the first ones of spec.optional (presentOptional); an older form's joined line may cover some.
  const present = presentOptionalCount(spec, m);
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    if (isPlaced(member)) continue;
    if (member.kind === 'field' && member.optional && spec.optional.indexOf(member) >= present) continue;
    if (member.kind === 'field' && member.shownIf && !member.shownIf(m)) {
      pos += sizeOfType(member.type);
      continue;
    }
    if (member.block) out.nl();
    switch (member.kind) {
      case 'field': {
        const byForm = plans[i]!.memberForm;
        const joinIf = member.joinIf && Number(ctx.root[member.joinIf.rootKey]) < member.joinIf.below ? member.joinIf : undefined;
        const join = byForm?.join ?? joinIf?.join;
        if (join) {
          pos += printJoined(members.slice(i, i + join + 1), byForm?.label ?? joinIf?.label, m, pos, out, form);
          i += join;
          break;
        }
        printField(spec, member, plans[i]!, m, pos, out, ctx);
        pos += sizeOfType(member.type);
        break;
      }
      case 'group': {
        printHeading(member, pos, out, form);
        const g = m[member.key];
        if (typeof g === 'object' && g !== null) printStruct(member.spec, g as Model, pos, out, ctx);
        pos += member.spec.fixedSize;
        break;
      }
      case 'list':
        for (const item of (m[member.key] as Model[] | undefined) ?? []) {
          const s = pickVariant(member.union, item);
          if (typeof s === 'string') continue;
          out.nl();
          pos += printItem(member.union, s, item, pos, out, ctx);
        }
        break;
      case 'array':
        for (const item of member.scalar ? arrayElements(member, m) : (m[member.key] as Model[] | undefined) ?? []) {
          if (!member.compact) out.nl();
          pos += printStruct(member.element, item, pos, out, ctx);
        }
        break;
      case 'cstring': {
        const s = String(m[member.key] ?? '');
        printCString(member, s, pos, out, form);
        pos += s.length + 1;
        const pad = spec.placed.length ? undefined : m[member.paddingKey];
        if (pad instanceof Uint8Array) {
          if (pad.some((b) => b !== 0)) bytesLines(out, pos, 'Padding', pad, form);
          pos += pad.length;
        }
        break;
      }
      case 'rest': {
        const b = m[member.key];
        if (b instanceof Uint8Array) {
          if (member.text) {
            if (b.length) fieldHead(out, pos, b.length, member.label, form).str(member.text(b, m)).nl();
          } else for (const l of hexDumpLines(b, pos)) out.line(l);
          pos += b.length;
        }
        break;
      }
    }
  }
  if (spec.placed.length && truncatedAt === undefined) {
    // In byte order (unless the declaration says otherwise), each after the bytes before it, so that what
    // is printed is what is in the bytes; what follows the parts starts at the end of the last in the bytes.
    let end = pos;
    for (const part of textOrdered(spec, placedParts(spec, m))) {
      const member = part.member;
      if (part.gap) {
        if (member.block) out.nl();
        rawBytesLines(out, offset + part.offset - part.gap.length, (member.kind === 'list' ? member.gapLabel : undefined) ?? 'Padding', part.gap, form);
      }
      pos = offset + part.offset;
      for (const item of part.items) {
        const s = member.kind === 'list' ? pickVariant(member.union, item) : member.element;
        if (typeof s === 'string') continue;
        if (member.kind === 'list' || !member.compact) out.nl();
        pos += member.kind === 'list' ? printItem(member.union, s, item, pos, out, ctx) : printStruct(s, item, pos, out, ctx);
      }
      end = Math.max(end, pos);
    }
    pos = end;
  }
  const trailing = m[TRAILING_KEY];
  if (trailing instanceof Uint8Array && trailing.length) {
    if (!spec.placed.length) bytesLines(out, pos, 'Trailing Bytes', trailing, form);
    else {
      // After a list of blocks, the bytes are a block of their own.
      if (spec.placed.some((p) => p.kind === 'list')) out.nl();
      rawBytesLines(out, pos, spec.trailingLabel ?? 'Trailing Bytes', trailing, form);
    }
    pos += trailing.length;
  }
  if (spec.blankAfter) out.nl();
  return pos - offset;
}

/** The fields of a structure printed as one line: each by its index, and the whole model when the line is not cached. */
export interface LineFields {
  value(index: number): unknown;
  model(): Model;
}

/**
 * A structure printed as one line (`PCI Path : 1C,04`); the model is asked
 * for only when the line is not cached (the walk of a clean table has none,
 * clean-text.ts).
 */
export function printLine(spec: StructSpec, offset: number, out: TextSink, form: IaslForm, fields: LineFields): number {
  const line = spec.line!;
  const plan = linePlanOf(spec, line.label, form);
  const key = plan.lines && packedKey(plan, fields);
  if (key === undefined) {
    line.write(fields.model(), out.fieldHeadTail(offset, plan.tail));
    out.nl();
    return spec.fixedSize;
  }
  let rest = plan.lines!.get(key);
  if (!rest) plan.lines!.set(key, (rest = lineRest(plan.tail, line, fields.model())));
  out.fieldHeadTail(offset, rest);
  return spec.fixedSize;
}

/**
 * The cached rest of a line-printed structure's line. Its own function, as
 * fieldRest is: a closure over printLine's variables would make V8 allocate
 * them a context on every call, cached or not (200k path hops of a 1 MB DMAR).
 */
function lineRest(tail: Uint8Array, line: NonNullable<StructSpec['line']>, m: Model): Uint8Array {
  return restOfLine(tail, (o) => {
    line.write(m, o);
    o.nl();
  });
}

/** The line naming a group before its fields, when it has one (`Memory Properties : [IORT Memory Access Properties]`). */
export function printHeading(member: GroupMember, pos: number, out: TextSink, form: IaslForm): void {
  if (member.heading) fieldHead(out, pos, member.spec.fixedSize, member.label, form).str(member.heading).nl();
}

/** A NUL-terminated name as one field line, its NUL counted in the width. */
export function printCString(member: CStringMember, s: string, pos: number, out: TextSink, form: IaslForm): void {
  fieldHead(out, pos, s.length + 1, member.label, form).str('"' + displayText(s) + '"').nl();
}

/** A list item: as its declaration says, or an item of a type iasl does not know the way iasl notes it. */
function printItem(u: UnionSpec, s: StructSpec, item: Model, pos: number, out: TextSink, ctx: PrintContext): number {
  const tag = item[u.tagKey];
  const note = u.unknownNote;
  if (!note || s !== u.raw || typeof tag !== 'number' || u.variants.has(tag)) return printStruct(s, item, pos, out, ctx);
  const raw = item[RAW_KEY];
  const size = u.raw.fixedSize + (raw instanceof Uint8Array ? raw.length : 0);
  // The header alone, its Length still the item's own.
  const { [RAW_KEY]: _body, ...fields } = item;
  const stored: StoredValues = { ...item[STORED] };
  for (const f of u.raw.members) if (f.kind === 'field' && f.role === 'length') stored[f.key] ??= size;
  const header: Model = { ...fields, [STORED]: stored };
  const text = note.text(tag, pos, size);
  if (text === undefined) return printStruct(s, item, pos, out, ctx);
  if (note.header === 'before') printStruct(u.raw, header, pos, out, ctx);
  out.line(text);
  if (note.header === 'after') printStruct(u.raw, header, pos, out, ctx);
  return size;
}

/** Placed parts in the order text prints them: those `textOrder` names first, in its order, then byte order. */
function textOrdered(spec: StructSpec, parts: PlacedPart[]): PlacedPart[] {
  const order = spec.textOrder;
  if (!order) return parts;
  const rank = (p: PlacedPart): number => {
    const i = order.indexOf(p.member.key);
    return i < 0 ? order.length : i;
  };
  // Array.prototype.sort is stable: parts of equal rank keep their byte order.
  return [...parts].sort((a, b) => rank(a) - rank(b));
}

function printField(spec: StructSpec, member: FieldMember, plan: LinePlan, m: Model, pos: number, out: TextSink, ctx: PrintContext): void {
  printFieldValue(member, plan, member.role !== undefined ? derivedValue(spec, m, member.key) : m[member.key], pos, out, ctx);
}

const altPlans = new Map<IaslForm, WeakMap<FieldMember, LinePlan>>();

/** The plan of a field under its other label (`labelIf`: an IORT node's Identifier is Reserved in revision 0 tables), once per member and form. */
function altPlanOf(member: FieldMember, plan: LinePlan, form: IaslForm): LinePlan {
  const cache = plansFor(altPlans, form);
  let alt = cache.get(member);
  if (!alt) cache.set(member, (alt = linePlanShape(tailOf(sizeOfType(member.type), member.labelIf!.label, form), undefined, 0, plan.memberForm)));
  return alt;
}

/** A field line (and its flag-bit lines) given the field's value: from a model, or read from the bytes (clean-text.ts). */
export function printFieldValue(member: FieldMember, plan: LinePlan, v: unknown, pos: number, out: TextSink, ctx: PrintContext): void {
  const t = member.type;
  const alt = member.labelIf;
  if (alt && ctx.root[alt.rootKey] === alt.equals) plan = altPlanOf(member, plan, ctx.form);
  const key = plan.lines && valueKey(plan, t, v);
  if (key !== undefined) {
    let rest = plan.lines!.get(key);
    if (!rest) plan.lines!.set(key, (rest = fieldRest(member, plan, v, ctx.root)));
    out.fieldHeadTail(pos, rest);
    return;
  }
  out.fieldHeadTail(pos, plan.tail);
  if (v === undefined && t.kind !== 'reserved') {
    // A checksum of a model never encoded.
    out.str('??').nl();
    return;
  }
  if (member.role === 'checksum' && ctx.checksumShouldBe !== undefined && ctx.checksumShouldBe !== v) {
    writeValue(out, t, v);
    out.str('     /* Incorrect checksum, should be ').hex(ctx.checksumShouldBe, 2).str(' */').nl();
    return;
  }
  writeFieldValue(member, plan, v, out, ctx.root);
}

/** Adjacent integer fields as one little-endian integer line, as an older iasl printed them before the split. */
export function printJoined(fields: readonly Member[], label: string | undefined, m: Model, pos: number, out: TextSink, form: IaslForm): number {
  let size = 0;
  let value = 0;
  for (const f of fields) {
    if (f.kind !== 'field') continue;
    const v = m[f.key];
    // A reserved field's bytes count too (absent: zero), little-endian like the integers.
    if (v instanceof Uint8Array) v.forEach((b, k) => (value += b * 2 ** (8 * (size + k))));
    else value += (typeof v === 'number' ? v : 0) * 2 ** (8 * size);
    size += sizeOfType(f.type);
  }
  fieldHead(out, pos, size, label ?? fields[0]!.label, form).hex(value, 2 * size).nl();
  return size;
}

/** The cached rest of a field's line (see lineRest: the closure lives here, not in printFieldValue). */
function fieldRest(member: FieldMember, plan: LinePlan, v: unknown, root: Model): Uint8Array {
  return restOfLine(plan.tail, (o) => writeFieldValue(member, plan, v, o, root));
}

/** `tail` followed by what `write` prints, as one byte string (a cached rest of a line). */
function restOfLine(tail: Uint8Array, write: (out: TextSink) => void): Uint8Array {
  const o = new TextSink().bytes(tail);
  write(o);
  return o.toBytes();
}

/** A field's value, its description, the newline and the flag-bit lines beneath, zero or not, as iasl prints them. */
function writeFieldValue(member: FieldMember, plan: LinePlan, v: unknown, out: TextSink, root?: Model): void {
  const t = member.type;
  if (member.text) out.str(member.text(v));
  else writeValue(out, t, v);
  const describe = plan.memberForm?.describe;
  if (describe !== undefined) out.str(describe);
  else if (member.describe) out.str(member.describe(v));
  out.nl();
  if (t.kind === 'flags' && t.printBits !== false) {
    const shown = plan.memberForm?.bits ?? t.bits.length;
    for (let i = 0; i < shown && i < t.bits.length; i++) {
      const b = t.bits[i]!;
      const since = b.printedSince;
      if (since && !(Number(root?.[since.rootKey]) >= since.value)) continue;
      writeBitLine(out, b, v as number);
    }
  }
}

function writeBitLine(out: TextSink, b: FlagBit, v: number): void {
  out.padLeft(b.label, BIT_LABEL_WIDTH).str(' : ').hex(bitValue(v, b), Math.ceil((b.width ?? 1) / 4)).nl();
}

/** Short byte runs as one field line, longer ones as a labelled hex dump. */
function bytesLines(out: TextSink, pos: number, label: string, b: Uint8Array, form: IaslForm): void {
  if (b.length <= 16) {
    fieldHead(out, pos, b.length, label, form).str(bytesToHexPairs(b)).nl();
    return;
  }
  fieldHead(out, pos, b.length, label, form).str('(hex dump below)').nl();
  for (const l of hexDumpLines(b, pos)) out.line(l);
}

/** Bytes between or after placed parts (never none), the way iasl prints a raw buffer (raw-buffer.ts). */
function rawBytesLines(out: TextSink, at: number, label: string, b: Uint8Array, form: IaslForm): void {
  writeRawBuffer(fieldHead(out, at, b.length, label, form), at, b, form);
}
