/**
 * Lenient decode: any bytes give a model plus diagnostics and nothing throws.
 *
 * The model partitions the input: every byte inside the decoded extent ends
 * up in exactly one field, list item, raw body or `trailing` slot. That is
 * what makes decode→encode reproduce the input, and what lets the printer
 * recompute every offset by walking the model.
 */
import type { Diagnostic, Severity } from '../diagnostic.js';
import { RepeatLimiter } from '../limits.js';
import { BinCode } from './codes.js';
import { IndexCounter } from './path.js';
import type { FixedValue } from './primitives.js';
import { fieldOp, type FieldOp } from './field-ops.js';
import { hex, listItemEnd, type FindingSink } from './item-check.js';
import { ByteReader } from './reader.js';
import {
  isReference,
  LAYOUT_KEY,
  memberOffset,
  memberSize,
  optionalGroups,
  resolveByField,
  STORED,
  TRAILING_KEY,
  TRUNCATED_AT,
  type ArrayMember,
  type CStringMember,
  type FieldMember,
  type ListMember,
  type Model,
  type PlacedLayout,
  type ReferenceRole,
  type StoredValues,
  type StructSpec,
  type UnionSpec,
  type VariableMember,
} from './struct.js';
import { appendAll } from '../append.js';

export interface DecodeOptions {
  /** Root segment of structure paths (default: the spec's name). */
  path?: string;
  /**
   * End of the root structure when the caller has already checked it (an ACPI
   * table's Length against the buffer); otherwise the root's own length field
   * is used, clamped to the data.
   */
  extent?: number;
}

export interface Decoded<T = Model> {
  value: T;
  diagnostics: Diagnostic[];
}

export function decode(spec: StructSpec, bytes: Uint8Array, opts: DecodeOptions = {}): Decoded {
  const d = new Decoder(bytes);
  const extent = opts.extent === undefined ? undefined : Math.min(Math.max(opts.extent, 0), bytes.length);
  d.enter(opts.path ?? spec.name, -1);
  const value = d.struct(spec, 0, bytes.length, extent);
  d.resolveReferences();
  appendAll(d.diagnostics, d.limiter.summaries({ path: opts.path ?? spec.name }));
  return { value, diagnostics: spec.codes ? d.diagnostics.map((x) => renamed(x, spec.codes!)) : d.diagnostics };
}

function renamed(d: Diagnostic, codes: NonNullable<StructSpec['codes']>): Diagnostic {
  const r = codes[d.code];
  if (r === undefined) return d;
  return typeof r === 'string' ? { ...d, code: r } : { ...d, code: r.code, severity: r.severity };
}


/** The first few item starts of a list, for a message. */
function itemStarts(starts: ReadonlyMap<number, number> | undefined): string {
  const all = [...(starts?.keys() ?? [])];
  if (!all.length) return 'no offset: the list is empty';
  const shown = all.slice(0, 8).map(hex).join(', ');
  return all.length > 8 ? `${shown} and ${all.length - 8} more` : shown;
}

/** A reference field read but not yet resolved: the items it may name are not all read yet. */
interface PendingRef {
  model: Model;
  key: string;
  label: string;
  role: ReferenceRole;
  value: number;
  at: number;
  path?: string;
}

/** A non-empty array at its place, absolute offset. */
interface Placement {
  member: ArrayMember;
  offset: number;
  count: number;
  size: number;
}

class Decoder implements FindingSink {
  readonly diagnostics: Diagnostic[] = [];
  /** A table of a million tiny unknown items must not give a million warnings. */
  readonly limiter = new RepeatLimiter();
  private readonly r: ByteReader;
  /** The structure path as a stack (no allocation per structure; a string only for a diagnostic). */
  private readonly segs: string[] = [];
  private readonly idxs: number[] = [];
  /** Set last by each variable-member decoder: leftover bytes were already reported. */
  private leftoverReported = false;
  /** Set by struct when its placed parts cannot be where their fields say: the caller keeps it raw. */
  private placementFailed = false;
  /** Item starts of the root's lists (what references name), by list key. */
  private readonly starts = new Map<string, Map<number, number>>();
  private readonly pending: PendingRef[] = [];
  private depth = 0;

  constructor(bytes: Uint8Array) {
    this.r = new ByteReader(bytes);
  }

  enter(seg: string, index: number): void {
    this.segs.push(seg);
    this.idxs.push(index);
  }

  leave(): void {
    this.segs.pop();
    this.idxs.pop();
  }

  private pathString(key?: string): string {
    const parts = this.segs.map((seg, i) => (this.idxs[i]! >= 0 ? `${seg}[${this.idxs[i]}]` : seg));
    return parts.join('/') + (key ? `.${key}` : '');
  }

  report(severity: Severity, code: string, offset: number, message: string, key?: string): void {
    if (!this.limiter.take(code, severity)) return;
    this.diagnostics.push({ severity, code, message, path: this.pathString(key), offset });
  }

  /** References → `{node: i}` once every item is read; `{offset: n}` (reported unless quiet) for no item's start. */
  resolveReferences(): void {
    for (const p of this.pending) {
      const index = this.starts.get(p.role.ref)?.get(p.value);
      if (index !== undefined) {
        p.model[p.key] = { [p.role.as]: index };
        continue;
      }
      p.model[p.key] = { offset: p.value };
      if (!p.role.quiet && this.limiter.take(BinCode.danglingReference, 'error')) {
        this.diagnostics.push({ severity: 'error', code: BinCode.danglingReference, path: p.path!, offset: p.at,
          message: `${p.label} ${hex(p.value)} is the start of no item of ${p.role.ref} (they start at ${itemStarts(this.starts.get(p.role.ref))}); an OS follows it into whatever bytes are there; kept as that offset` });
      }
    }
  }

  /**
   * Decodes one structure starting at `start`. `knownEnd` is its end when the
   * caller knows it (list items, array elements); otherwise its length field
   * decides, clamped to `limit` (the end of whatever encloses it).
   */
  struct(spec: StructSpec, start: number, limit: number, knownEnd: number | undefined): Model {
    const m: Model = {};
    let stored: StoredValues | undefined;
    let storedLength: FieldMember | undefined;
    let lengthValue = 0;
    let end = knownEnd ?? limit;
    let pos = start;
    let leftoverReported = false;
    let truncated = false;
    const members = spec.members;
    this.depth++;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      if (member.kind !== 'field' && member.kind !== 'group') continue;
      if (member.kind === 'field' && member.optional) break;
      const size = memberSize(member);
      if (pos + size > end) {
        this.report('error', BinCode.truncated, pos,
          `${spec.typeName} ends at ${hex(end)}, inside ${member.label} (needs ${size} byte(s), ${end - pos} left)`, member.key);
        stored ??= storedOf(m);
        stored[TRUNCATED_AT] = i;
        leftoverReported = true;
        truncated = true;
        break;
      }
      if (member.kind === 'group') {
        m[member.key] = this.struct(member.spec, pos, end, pos + size);
        pos += size;
        continue;
      }
      const op = fieldOp(member);
      if (member.type.kind === 'reserved') {
        // Read only when not zero: all-zero reserved bytes are not kept.
        if (op.check!(this.r, undefined, pos)) this.reservedNonZero(spec, member, m, pos);
        pos += size;
        continue;
      }
      const v = op.read(this.r, pos)!;
      const role = member.role;
      if (role === 'tag') {
        // The variant says which tag it has; nothing to store.
        m[member.key] = spec.name;
      } else if (role === 'length') {
        // Stored below only if it is not the structure's real extent.
        storedLength = member;
        lengthValue = v as number;
        if (knownEnd === undefined) end = this.rootEnd(spec, member, lengthValue, start, limit, pos);
      } else if (role !== undefined) {
        stored ??= storedOf(m);
        stored[member.key] = v as number;
        if (isReference(role)) {
          this.pending.push({ model: m, key: member.key, label: member.label, role, value: v as number, at: pos,
            ...(role.quiet ? {} : { path: this.pathString(member.key) }) });
        }
      } else {
        this.checkValue(spec, member, op, v, m, pos);
      }
      pos += size;
    }
    if (!truncated) {
      if (spec.placed.length) {
        const placedEnd = this.placedBody(spec, m, start, pos, end);
        if (placedEnd === undefined) {
          this.depth--;
          this.placementFailed = true;
          return m;
        }
        pos = placedEnd;
        leftoverReported = this.leftoverReported;
      } else {
        if (spec.optional.length) pos = this.optional(spec, m, pos, end);
        if (spec.variable) {
          pos = this.variable(spec, spec.variable, m, m[STORED], pos, end);
          leftoverReported = this.leftoverReported;
        }
      }
    }
    this.depth--;
    if (pos < end) {
      m[TRAILING_KEY] = this.r.bytes.slice(pos, end);
      if (!leftoverReported) {
        this.report('warning', BinCode.trailingBytes, pos,
          `${end - pos} byte(s) after the last field of ${spec.typeName} are not described by it; kept`);
      }
    }
    // The model covers [start, end) exactly, so a length equal to that is
    // what encode will compute; only a different one (clamped, truncated)
    // must be kept for text output to show what the bytes say.
    stored = m[STORED];
    // With placed parts the model may say the bytes only nearly (a name
    // without its NUL): the Length as read is kept for text.
    if (storedLength && (lengthValue !== end - start || spec.placed.length)) {
      stored ??= storedOf(m);
      stored[storedLength.key] = lengthValue;
    }
    return m;
  }

  /** Optional fields, whole groups only, while there is room before `limit`. */
  private optional(spec: StructSpec, m: Model, pos: number, limit: number): number {
    for (const g of optionalGroups(spec)) {
      if (pos + g.size > limit) break;
      for (const f of g.members) {
        const op = fieldOp(f);
        if (f.type.kind === 'reserved') {
          if (op.check!(this.r, undefined, pos)) this.reservedNonZero(spec, f, m, pos);
        } else {
          this.checkValue(spec, f, op, op.read(this.r, pos)!, m, pos);
        }
        pos += op.size;
      }
    }
    return pos;
  }

  /**
   * What follows the fixed fields of a structure with placed parts: the
   * parts where their offset fields say, optional fields and a name before
   * the first, and the bytes between them kept. Returns where the last part
   * ends, or undefined (reported) when the parts do not fit.
   */
  private placedBody(spec: StructSpec, m: Model, start: number, fixedEnd: number, end: number): number | undefined {
    const stored = m[STORED] ?? {};
    const first = spec.placed[0]!;
    if (first.kind === 'list') return this.placedList(spec, first, m, stored, start, fixedEnd, end);
    const seq = spec.variable;
    const parts: Placement[] = [];
    const num = (key: string): number => Number(stored[key] ?? 0);
    if (seq?.kind === 'array' && typeof seq.count === 'object') {
      const count = num(seq.count.countKey);
      if (count > 0) parts.push({ member: seq, offset: fixedEnd, count, size: count * seq.element.fixedSize });
      else m[seq.key] = [];
    }
    const layout: PlacedLayout = {};
    for (const p of spec.placed as readonly ArrayMember[]) {
      const off = num(p.offsetKey!);
      const count = p.count === 'one' ? (off !== 0 ? 1 : 0) : num((p.count as { countKey: string }).countKey);
      if (count > 0) {
        parts.push({ member: p, offset: start + off, count, size: count * p.element.fixedSize });
      } else if (p.count !== 'one') {
        m[p.key] = [];
        if (off !== 0) (layout.emptyOffsets ??= {})[p.key] = off;
      }
    }
    parts.sort((x, y) => x.offset - y.offset);
    let floor = fixedEnd;
    for (const p of parts) {
      const where = `${spec.name}: ${p.member.label} (${p.size} bytes at offset ${hex(p.offset - start)})`;
      if (p.offset + p.size > end) {
        this.report('error', BinCode.partOutside, Math.min(p.offset, end),
          `${where} run past its Length ${end - start}; the ${spec.name} is kept as raw bytes`);
        return undefined;
      }
      if (p.offset < floor) {
        this.report('error', BinCode.partOverlap, p.offset, floor === fixedEnd
          ? `${where} overlap its fixed fields (${fixedEnd - start} bytes); the ${spec.name} is kept as raw bytes`
          : `${where} overlap the part before them; the ${spec.name} is kept as raw bytes`);
        return undefined;
      }
      floor = p.offset + p.size;
    }
    const firstPlaced = parts.find((p) => p.member !== seq)?.offset ?? end;
    let pos = fixedEnd;
    if (spec.optional.length && !parts.some((p) => p.member === seq)) pos = this.optional(spec, m, pos, firstPlaced);
    if (seq?.kind === 'cstring') pos = this.name(spec, seq, m, start, pos, firstPlaced);
    const order: string[] = [];
    for (const p of parts) {
      if (p.offset > pos) (layout.gaps ??= {})[p.member.key] = this.r.bytes.slice(pos, p.offset);
      const el = p.member.element;
      const items: unknown[] = new Array(p.count);
      let at = p.offset;
      for (let i = 0; i < p.count; i++) {
        this.enter(el.name, i);
        const e = this.struct(el, at, end, at + el.fixedSize);
        this.leave();
        items[i] = p.member.scalar ? e[p.member.scalar] : e;
        at += el.fixedSize;
      }
      m[p.member.key] = p.member.count === 'one' ? items[0] : items;
      if (p.member !== seq) order.push(p.member.key);
      pos = p.offset + p.size;
    }
    const declared = spec.placed.filter((p) => order.includes(p.key)).map((p) => p.key);
    if (order.join() !== declared.join()) layout.order = order;
    if (layout.order || layout.gaps || layout.emptyOffsets) m[LAYOUT_KEY] = layout;
    this.leftoverReported = false;
    return pos;
  }

  /** A NUL-terminated name before the placed parts: it ends at its NUL; what follows is the next part's gap. */
  private name(spec: StructSpec, member: CStringMember, m: Model, start: number, pos: number, limit: number): number {
    let nul = pos;
    while (nul < limit && this.r.bytes[nul] !== 0) nul++;
    m[member.key] = this.r.latin1(pos, nul);
    if (nul < limit) return nul + 1;
    this.report('error', BinCode.unterminatedString, pos, `${member.label} of ${spec.name} has no NUL before offset ${hex(limit - start)}`);
    return limit;
  }

  /**
   * A list placed by an offset field and bounded by a count field, walked
   * the way Linux walks IORT and VIOT nodes: `count` items, the first at the
   * offset, each next one Length bytes further. Bytes between the fixed
   * fields and the first item, and after the last one, are kept.
   */
  private placedList(spec: StructSpec, member: ListMember, m: Model, stored: StoredValues, start: number, fixedEnd: number, end: number): number {
    const offsetKey = member.offsetKey!;
    const off = Number(stored[offsetKey] ?? 0);
    const offsetLabel = labelOf(spec, offsetKey);
    const what = `${member.union.name.toLowerCase()}s`;
    const at = start + memberOffset(spec, offsetKey);
    let first = start + off;
    let walk = true;
    if (first < fixedEnd) {
      // An OS would read items out of the fixed fields' own bytes and stop at
      // the first that makes no sense (Linux's IORT and VIOT walks do): none
      // is read here, and the bytes after the fixed fields are kept as they are.
      this.report('error', BinCode.offsetOutside, at,
        `${offsetLabel} ${hex(off)} lies inside the ${fixedEnd - start}-byte fixed part of the ${spec.name}: no item is read there; the ${end - fixedEnd} byte(s) after it are kept undecoded`);
      first = fixedEnd;
      walk = false;
    } else if (first > end) {
      this.report('error', BinCode.offsetOutside, at, `${offsetLabel} ${hex(off)} is past the end of the ${spec.name} (${hex(end - start)}); no item is read`);
      first = end;
      walk = false;
    }
    if (first > fixedEnd) {
      const gap = this.r.bytes.slice(fixedEnd, first);
      if (member.gapKey) m[member.gapKey] = gap;
      else m[LAYOUT_KEY] = { gaps: { [member.key]: gap } } satisfies PlacedLayout;
    }
    const items: Model[] = [];
    m[member.key] = items;
    const count = member.countKey === undefined ? Infinity : Number(stored[member.countKey] ?? 0);
    const countLabel = member.countKey === undefined ? '' : labelOf(spec, member.countKey);
    const u = member.union;
    const counter = new IndexCounter();
    const starts = this.startsOf(member);
    let pos = first;
    let clean = true;
    for (let i = 0; walk && i < count; i++) {
      if (count === Infinity && pos >= end) break;
      if (end - pos < u.headerSize) {
        this.report('error', BinCode.countShort, pos,
          `${countLabel} is ${count}, but the ${spec.name} ends after ${i} ${u.name.toLowerCase()}(s): an OS walking them stops there${pos < end ? ` (${end - pos} byte(s) left, too few for a ${u.name} header; kept undecoded)` : ''}`);
        clean = false;
        break;
      }
      // An OS walking these items checks each against the end and stops at the first that overruns it.
      const next = this.listItem(u, counter, items, starts, pos, end, true);
      if (next === undefined || next.clamped) clean = false;
      if (next === undefined) break;
      pos = next.end;
    }
    if (clean && walk && pos < end) {
      this.report('warning', BinCode.afterItems, pos,
        `${end - pos} byte(s) after the last of the ${count} ${u.name.toLowerCase()}(s) ${countLabel} names; an OS does not read them; kept`);
    }
    this.leftoverReported = true;
    return pos;
  }

  /** Item starts recorded for the root's lists, which references may name. */
  private startsOf(member: ListMember): Map<number, number> | undefined {
    if (this.depth !== 1) return undefined;
    let s = this.starts.get(member.key);
    if (!s) this.starts.set(member.key, (s = new Map()));
    return s;
  }

  /** End of a structure sized by its own length field (the root, in practice). */
  private rootEnd(spec: StructSpec, member: FieldMember, len: number, start: number, limit: number, at: number): number {
    if (start + len > limit) {
      this.report('error', BinCode.lengthOverrun, at,
        `${member.label} ${len} runs past the end of the data (${limit - start} bytes); decoding what is there`, member.key);
      return limit;
    }
    if (len < spec.fixedSize) {
      this.report('error', BinCode.lengthShort, at,
        `${member.label} ${len} is shorter than the fixed part of ${spec.typeName} (${spec.fixedSize} bytes); decoding what is there`, member.key);
      return limit;
    }
    return start + len;
  }

  private reservedNonZero(spec: StructSpec, member: FieldMember, m: Model, pos: number): void {
    m[member.key] = this.r.read(member.type, pos);
    this.report('warning', BinCode.reservedNonZero, pos, `${member.label} of ${spec.typeName} is not zero; kept`, member.key);
  }

  /** Keeps a field's value and reports what its compiled check finds (field-ops.ts). */
  private checkValue(spec: StructSpec, member: FieldMember, op: FieldOp, v: FixedValue, m: Model, pos: number): void {
    const t = member.type;
    m[member.key] = v;
    const finding = op.check?.(this.r, v, pos);
    if (finding === BinCode.reservedBits && t.kind === 'flags') {
      this.report('warning', finding, pos,
        `${member.label} of ${spec.typeName} has reserved bits set (${hex(((v as number) & t.reservedMask) >>> 0)}); kept`, member.key);
    } else if (finding === BinCode.unknownEnum && t.kind === 'enum') {
      this.report('warning', finding, pos,
        `${member.label} ${v as number} of ${spec.typeName} is not a known value (${t.unknownName}); kept`, member.key);
    }
  }

  /** Decodes the variable member; returns where it stopped (sets leftoverReported when it reported leftovers). */
  private variable(spec: StructSpec, member: VariableMember, m: Model, stored: StoredValues | undefined,
    pos: number, end: number): number {
    switch (member.kind) {
      case 'list': {
        const items: Model[] = [];
        m[member.key] = items;
        return this.list(member, items, pos, end);
      }
      case 'array':
        return this.array(spec, member, m, stored, pos, end);
      case 'cstring': {
        let nul = pos;
        while (nul < end && this.r.bytes[nul] !== 0) nul++;
        m[member.key] = this.r.latin1(pos, nul);
        this.leftoverReported = true;
        if (nul === end) {
          this.report('error', BinCode.unterminatedString, pos,
            `${member.label} of ${spec.typeName} has no terminating NUL before ${hex(end)}`, member.key);
        } else if (nul + 1 < end) {
          m[member.paddingKey] = this.r.bytes.slice(nul + 1, end);
        }
        return end;
      }
      case 'rest':
        m[member.key] = this.r.bytes.slice(pos, end);
        this.leftoverReported = true;
        return end;
    }
  }

  private array(spec: StructSpec, member: ArrayMember, m: Model, stored: StoredValues | undefined, pos: number, end: number): number {
    const el = member.element;
    const size = el.fixedSize;
    const fit = Math.floor((end - pos) / size);
    let n = fit;
    let reported = false;
    if (typeof member.count === 'object') {
      const want = Number(stored?.[member.count.countKey] ?? 0);
      n = Math.min(want, fit);
      if (want > fit) {
        this.report('error', BinCode.countOverrun, pos,
          `${member.label}: count ${want} needs ${want * size} bytes, only ${end - pos} left in ${spec.typeName}`, member.key);
        reported = true;
      }
    }
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      this.enter(el.name, i);
      const e = this.struct(el, pos, end, pos + size);
      out[i] = member.scalar ? e[member.scalar] : e;
      this.leave();
      pos += size;
    }
    m[member.key] = out;
    if (member.count === 'rest' && pos < end) {
      this.report('warning', BinCode.partialElement, pos,
        `${member.label}: ${end - pos} byte(s) left are not a whole ${el.typeName} (${size} bytes); kept`, member.key);
      reported = true;
    }
    // Last, after the elements' own decoding has used the flag.
    this.leftoverReported = reported;
    return pos;
  }

  /** Walks typed, length-prefixed items; stops (and reports) on a length that cannot be followed. */
  private list(member: ListMember, items: Model[], pos: number, end: number): number {
    const u = member.union;
    const counter = new IndexCounter();
    const starts = this.startsOf(member);
    while (pos < end) {
      if (end - pos < u.headerSize) {
        this.report('error', BinCode.truncated, pos,
          `${end - pos} byte(s) at the end are too few for a ${u.name} header (${u.headerSize} bytes); kept`);
        this.leftoverReported = true;
        return pos;
      }
      const next = this.listItem(u, counter, items, starts, pos, end);
      if (next === undefined) {
        this.leftoverReported = true;
        return pos;
      }
      pos = next.end;
    }
    this.leftoverReported = false;
    return pos;
  }

  /** One item of a list at `pos` (its header is there); undefined when the walk must stop. */
  private listItem(u: UnionSpec, counter: IndexCounter, items: Model[], starts: Map<number, number> | undefined,
    pos: number, end: number, stopOnOverrun = false): { end: number; clamped: boolean } | undefined {
    const r = this.r;
    const tag = r.uint(pos + u.tagOffset, u.tagType.size, u.tagType.endian === 'le');
    const len = u.itemSize
      ? u.itemSize(tag, (o) => (pos + o < end ? r.bytes[pos + o] : undefined))
      : r.uint(pos + u.lengthOffset!, u.lengthType!.size, u.lengthType!.endian === 'le');
    const declared = u.variants.get(tag) ?? u.fallback;
    const variant = declared && resolveByField(declared, (bf) => (pos + bf.offset + bf.type.size <= end
      ? r.uint(pos + bf.offset, bf.type.size, bf.type.endian === 'le') : undefined));
    const name = variant?.name ?? u.name;
    this.enter(name, counter.next(name));
    const itemEnd = listItemEnd(this, u, variant, name, tag, len, pos, end, stopOnOverrun);
    if (itemEnd === undefined) {
      this.leave();
      return undefined;
    }
    starts?.set(pos, items.length);
    const spec = variant && itemEnd - pos >= variant.fixedSize ? variant : u.raw;
    const mark = this.pending.length;
    let model = this.struct(spec, pos, end, itemEnd);
    if (this.placementFailed) {
      // Kept as bytes: nothing in it is read as fields, references included.
      this.placementFailed = false;
      this.pending.length = mark;
      model = this.struct(u.raw, pos, end, itemEnd);
    }
    items.push(model);
    this.leave();
    return { end: itemEnd, clamped: itemEnd !== pos + len };
  }
}

/** A fixed member's label, for messages. */
function labelOf(spec: StructSpec, key: string): string {
  return spec.members.find((x) => x.key === key)?.label ?? key;
}

/**
 * The stored values of a model, created on first use. Not enumerable: they
 * say what the bytes held, not what the model is, so comparing, spreading
 * or serialising a model leaves them out.
 */
function storedOf(m: Model): StoredValues {
  const s: StoredValues = {};
  Object.defineProperty(m, STORED, { value: s, enumerable: false, writable: true, configurable: true });
  return s;
}
