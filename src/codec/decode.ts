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
import { sizeOfType } from './primitives.js';
import { ByteReader } from './reader.js';
import {
  STORED,
  TRAILING_KEY,
  TRUNCATED_AT,
  type ArrayMember,
  type FieldMember,
  type Model,
  type StoredValues,
  type StructSpec,
  type UnionSpec,
  type VariableMember,
} from './struct.js';

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
  d.diagnostics.push(...d.limiter.summaries({ path: opts.path ?? spec.name }));
  return { value, diagnostics: d.diagnostics };
}

const hex = (n: number): string => '0x' + n.toString(16);

class Decoder {
  readonly diagnostics: Diagnostic[] = [];
  /** A table of a million tiny unknown items must not give a million warnings. */
  readonly limiter = new RepeatLimiter();
  private readonly r: ByteReader;
  /** The structure path as a stack (no allocation per structure; a string only for a diagnostic). */
  private readonly segs: string[] = [];
  private readonly idxs: number[] = [];
  /** Set last by each variable-member decoder: leftover bytes were already reported. */
  private leftoverReported = false;

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

  private report(severity: Severity, code: string, offset: number, message: string, key?: string): void {
    if (!this.limiter.take(code, severity)) return;
    const parts = this.segs.map((seg, i) => (this.idxs[i]! >= 0 ? `${seg}[${this.idxs[i]}]` : seg));
    const path = parts.join('/') + (key ? `.${key}` : '');
    this.diagnostics.push({ severity, code, message, path, offset });
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
    const members = spec.members;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      if (member.kind !== 'field') {
        pos = this.variable(spec, member, m, stored, pos, end);
        leftoverReported = this.leftoverReported;
        break;
      }
      const size = sizeOfType(member.type);
      if (pos + size > end) {
        this.report('error', BinCode.truncated, pos,
          `${spec.typeName} ends at ${hex(end)}, inside ${member.label} (needs ${size} byte(s), ${end - pos} left)`, member.key);
        stored ??= m[STORED] = {};
        stored[TRUNCATED_AT] = i;
        leftoverReported = true;
        break;
      }
      if (member.type.kind === 'reserved') {
        // Read only when not zero: all-zero reserved bytes are not kept.
        if (!this.r.isZero(pos, pos + size)) this.reservedNonZero(spec, member, m, pos);
        pos += size;
        continue;
      }
      const v = this.r.read(member.type, pos);
      if (member.role === 'tag') {
        // The variant says which tag it has; nothing to store.
        m[member.key] = spec.name;
      } else if (member.role === 'length') {
        // Stored below only if it is not the structure's real extent.
        storedLength = member;
        lengthValue = v as number;
        if (knownEnd === undefined) end = this.rootEnd(spec, member, lengthValue, start, limit, pos);
      } else if (member.role !== undefined) {
        stored ??= m[STORED] = {};
        stored[member.key] = v as number;
      } else {
        this.checkValue(spec, member, v, m, pos);
      }
      pos += size;
    }
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
    if (storedLength && lengthValue !== end - start) {
      stored ??= m[STORED] = {};
      stored[storedLength.key] = lengthValue;
    }
    return m;
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

  private checkValue(spec: StructSpec, member: FieldMember, v: unknown, m: Model, pos: number): void {
    const t = member.type;
    m[member.key] = v;
    if (member.quiet) return;
    if (t.kind === 'flags') {
      const extra = (v as number) & t.reservedMask;
      if (extra !== 0) {
        this.report('warning', BinCode.reservedBits, pos,
          `${member.label} of ${spec.typeName} has reserved bits set (${hex(extra >>> 0)}); kept`, member.key);
      }
    } else if (t.kind === 'enum' && !t.names.has(v as number)) {
      this.report('warning', BinCode.unknownEnum, pos,
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
        return this.list(member.union, items, pos, end);
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
    if (member.count !== 'rest') {
      const want = Number(stored?.[member.count.countKey] ?? 0);
      n = Math.min(want, fit);
      if (want > fit) {
        this.report('error', BinCode.countOverrun, pos,
          `${member.label}: count ${want} needs ${want * size} bytes, only ${end - pos} left in ${spec.typeName}`, member.key);
        reported = true;
      }
    }
    const out: Model[] = new Array(n);
    for (let i = 0; i < n; i++) {
      this.enter(el.name, i);
      out[i] = this.struct(el, pos, end, pos + size);
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
  private list(u: UnionSpec, items: Model[], pos: number, end: number): number {
    const counter = new IndexCounter();
    const r = this.r;
    while (pos < end) {
      if (end - pos < u.headerSize) {
        this.report('error', BinCode.truncated, pos,
          `${end - pos} byte(s) at the end are too few for a ${u.name} header (${u.headerSize} bytes); kept`);
        this.leftoverReported = true;
        return pos;
      }
      const tag = r.uint(pos + u.tagOffset, u.tagType.size, u.tagType.endian === 'le');
      const len = r.uint(pos + u.lengthOffset, u.lengthType.size, u.lengthType.endian === 'le');
      const variant = u.variants.get(tag) ?? u.fallback;
      const name = variant?.name ?? u.name;
      this.enter(name, counter.next(name));
      const itemEnd = this.item(u, variant, name, tag, len, pos, end);
      if (itemEnd === undefined) {
        this.leave();
        this.leftoverReported = true;
        return pos;
      }
      const spec = variant && itemEnd - pos >= variant.fixedSize ? variant : u.raw;
      items.push(this.struct(spec, pos, end, itemEnd));
      this.leave();
      pos = itemEnd;
    }
    this.leftoverReported = false;
    return pos;
  }

  /** Checks one list item's length; returns where it ends, or undefined when the walk must stop. */
  private item(u: UnionSpec, variant: StructSpec | undefined, name: string, tag: number, len: number, pos: number, end: number): number | undefined {
    if (len === 0) {
      this.report('error', BinCode.zeroLength, pos,
        `${name} (type ${tag}) has length 0; the walk stops, the remaining ${end - pos} byte(s) are kept undecoded`);
      return undefined;
    }
    if (len < u.headerSize) {
      this.report('error', BinCode.lengthShort, pos,
        `${name} (type ${tag}) has length ${len}, shorter than its ${u.headerSize}-byte header; the walk stops, the remaining ${end - pos} byte(s) are kept undecoded`);
      return undefined;
    }
    let itemEnd = pos + len;
    if (itemEnd > end) {
      this.report('error', BinCode.lengthOverrun, pos,
        `${name} length ${len} runs ${itemEnd - end} byte(s) past the end of its parent at ${hex(end)}; decoding what is there`);
      itemEnd = end;
    }
    if (!variant) {
      this.report(u.unknownSeverity, BinCode.unknownType, pos, `${u.name} type ${tag} is not known; kept as ${itemEnd - pos} raw bytes`);
    } else if (itemEnd - pos < variant.fixedSize && itemEnd - pos === len) {
      this.report('error', BinCode.lengthShort, pos,
        `${name} length ${len} is shorter than its fixed part (${variant.fixedSize} bytes); kept as raw bytes`);
    }
    return itemEnd;
  }
}
