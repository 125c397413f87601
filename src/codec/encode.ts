/**
 * Strict encode: derived fields (lengths, counts, type tags, checksums) are
 * computed here and never taken from the model; kept raw parts (unknown
 * items, non-zero reserved bytes, trailing bytes) are written back byte for
 * byte. Every problem in the model is reported, and no bytes are returned
 * when there is one.
 */
import type { Diagnostic } from '../diagnostic.js';
import { EncodeCode } from './codes.js';
import { arrayElements, gapOf, layoutOf, placementOrder } from './layout.js';
import { childPath, IndexCounter, pathString, rootPath, type PathNode } from './path.js';
import { checkFixedValue, sizeOfType, type UintType } from './primitives.js';
import {
  isReference,
  memberSize,
  pickVariant,
  presentOptional,
  TRAILING_KEY,
  type FieldMember,
  type GroupMember,
  type ItemSize,
  type Model,
  type PlacedMember,
  type ReferenceRole,
  type StructSpec,
  type VariableMember,
} from './struct.js';
import { ByteWriter } from './writer.js';

export interface Encoded {
  /** Absent when the model has errors. */
  bytes?: Uint8Array;
  diagnostics: Diagnostic[];
}

export function encode(spec: StructSpec, model: Model, opts: { path?: string } = {}): Encoded {
  const e = new Encoder();
  e.struct(spec, model, rootPath(opts.path ?? spec.name));
  return e.diagnostics.length ? { diagnostics: e.diagnostics } : { bytes: e.w.finish(), diagnostics: [] };
}

/** The 8-bit sum of a byte range (ACPI and others: a valid range sums to zero). */
export function sum8(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += bytes[i]!;
  return s & 0xff;
}

interface Patch {
  member: FieldMember;
  at: number;
}

/** A reference field written as zeros until every item of its list has its place. */
interface RefPatch {
  member: FieldMember;
  role: ReferenceRole;
  at: number;
  value: unknown;
  path: PathNode;
}

class Encoder {
  readonly w = new ByteWriter();
  readonly diagnostics: Diagnostic[] = [];
  private depth = 0;
  /** Item starts of the root's lists, by list key: what references name. */
  private readonly starts = new Map<string, number[]>();
  private readonly refs: RefPatch[] = [];

  private error(code: string, path: PathNode, message: string, key?: string): void {
    this.diagnostics.push({ severity: 'error', code, message, path: pathString(path, key) });
  }

  struct(spec: StructSpec, m: Model, path: PathNode): void {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      this.error(EncodeCode.badValue, path, `expected a ${spec.typeName} object`);
      return;
    }
    const start = this.w.position;
    const patches: Patch[] = [];
    this.depth++;
    for (const member of spec.members) {
      if (member.kind === 'field' && !member.optional) this.field(spec, member, m, patches, path);
      else if (member.kind === 'group') this.group(member, m, path);
    }
    for (const f of presentOptional(spec, m)) this.field(spec, f, m, patches, path);
    if (spec.variable) this.variable(spec, spec.variable, m, path);
    const offsets = spec.placed.length ? this.placed(spec, m, start, path) : undefined;
    const trailing = m[TRAILING_KEY];
    if (trailing !== undefined) {
      if (trailing instanceof Uint8Array) this.w.appendBytes(trailing);
      else this.error(EncodeCode.badValue, path, 'trailing must be bytes', TRAILING_KEY);
    }
    // References first: the root's checksum must cover them.
    if (this.depth === 1) this.patchReferences();
    this.patch(spec, m, patches, start, path, offsets);
    this.depth--;
  }

  private group(member: GroupMember, m: Model, path: PathNode): void {
    const v = m[member.key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path, `${member.label} must be a ${member.spec.typeName} object`, member.key);
      this.w.skip(memberSize(member));
      return;
    }
    this.struct(member.spec, v as Model, childPath(path, member.key));
  }

  /** The placed members in their order, each after its gap; returns their offsets from the structure's start. */
  private placed(spec: StructSpec, m: Model, start: number, path: PathNode): Map<string, number> {
    const offsets = new Map<string, number>();
    const empty = layoutOf(m)?.emptyOffsets;
    for (const member of placementOrder(spec, m)) {
      if (member.kind === 'list') {
        this.gap(member, m);
        offsets.set(member.key, this.w.position - start);
        this.items(member, m, path);
        continue;
      }
      const v = m[member.key];
      if (member.count === 'one' ? v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)) : !Array.isArray(v)) {
        this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path,
          `${member.label} must be ${member.count === 'one' ? `a ${member.element.typeName} object` : 'a list'}`, member.key);
        continue;
      }
      const elements = arrayElements(member, m);
      if (!elements.length) {
        const off = member.count === 'one' ? 0 : empty?.[member.key] ?? 0;
        if (!Number.isInteger(off) || off < 0) this.error(EncodeCode.badValue, path, `the empty offset of ${member.label} must be a non-negative integer`, member.key);
        offsets.set(member.key, off);
        continue;
      }
      this.gap(member, m);
      offsets.set(member.key, this.w.position - start);
      elements.forEach((e, i) => this.struct(member.element, e, childPath(path, member.element.name, i)));
    }
    return offsets;
  }

  private gap(member: PlacedMember, m: Model): void {
    const g = gapOf(member, m);
    if (g) this.w.appendBytes(g);
  }

  private items(member: VariableMember & { kind: 'list' | 'array' }, m: Model, path: PathNode): void {
    const v = m[member.key];
    if (!Array.isArray(v)) {
      this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path, `${member.label} must be a list`, member.key);
      return;
    }
    let starts: number[] | undefined;
    if (member.kind === 'list' && this.depth === 1) this.starts.set(member.key, (starts = []));
    const counter = new IndexCounter();
    const elements = member.kind === 'array' ? arrayElements(member, m) : (v as Model[]);
    for (const item of elements) {
      const itemSpec = member.kind === 'list' ? pickVariant(member.union, item ?? {}) : member.element;
      if (typeof itemSpec === 'string') {
        const seg = member.kind === 'list' ? member.union.name : member.element.name;
        this.error(EncodeCode.unknownVariant, childPath(path, seg, counter.next(seg)), itemSpec);
        starts?.push(-1);
        continue;
      }
      const at = this.w.position;
      starts?.push(at);
      const itemPath = childPath(path, itemSpec.name, counter.next(itemSpec.name));
      this.struct(itemSpec, item, itemPath);
      if (member.kind === 'list' && member.union.itemSize) this.checkItemSize(member.union.itemSize, at, itemPath);
    }
  }

  /** An item with no length field must take the bytes its type says, or decode would read other items from it. */
  private checkItemSize(size: ItemSize, at: number, path: PathNode): void {
    const end = this.w.position;
    const want = size(this.w.byteAt(at), (o) => (at + o < end ? this.w.byteAt(at + o) : undefined));
    if (want !== end - at) this.error(EncodeCode.badValue, path, `takes ${end - at} byte(s), but its type says ${want}`);
  }

  private field(spec: StructSpec, member: FieldMember, m: Model, patches: Patch[], path: PathNode): void {
    const t = member.type;
    if (member.role === 'tag') {
      this.w.append(t, spec.tag ?? 0);
      return;
    }
    if (isReference(member.role)) {
      this.refs.push({ member, role: member.role, at: this.w.skip(sizeOfType(t)), value: m[member.key], path });
      return;
    }
    if (member.role !== undefined) {
      patches.push({ member, at: this.w.skip(sizeOfType(t)) });
      return;
    }
    const v = m[member.key];
    if (v === undefined && t.kind === 'reserved') {
      this.w.skip(t.size);
      return;
    }
    const problem = v === undefined ? undefined : checkFixedValue(t, v);
    if (v === undefined || problem) {
      this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path,
        v === undefined ? `${member.label} is missing` : `${member.label}: ${problem}`, member.key);
      this.w.skip(sizeOfType(t));
      return;
    }
    this.w.append(t, v as never);
  }

  /** `{node: i}` → the offset of item i of the root's list; `{offset: n}` → n. */
  private patchReferences(): void {
    for (const r of this.refs) {
      const t = r.member.type as UintType;
      const v = r.value as Record<string, unknown> | undefined;
      const keys = typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : [];
      const n = keys.length === 1 ? v![keys[0]!] : undefined;
      const starts = this.starts.get(r.role.ref) ?? [];
      let offset: number | undefined;
      if (keys[0] === r.role.as && Number.isInteger(n) && (n as number) >= 0 && (n as number) < starts.length) offset = starts[n as number]!;
      else if (keys[0] === 'offset' && Number.isInteger(n) && (n as number) >= 0) offset = n as number;
      if (offset === undefined || offset < 0) {
        this.error(v === undefined ? EncodeCode.missing : EncodeCode.badReference, r.path,
          `${r.member.label} must be {"${r.role.as}": 0..${starts.length - 1}} (an item of ${r.role.ref}) or {"offset": n}, got ${JSON.stringify(v)}`, r.member.key);
        continue;
      }
      if (offset > 2 ** (8 * t.size) - 1) {
        this.error(EncodeCode.overflow, r.path, `${r.member.label} ${offset} does not fit in ${t.size} byte(s)`, r.member.key);
        continue;
      }
      this.w.putUint(r.at, t.size, t.endian === 'le', offset);
    }
    this.refs.length = 0;
  }

  private variable(spec: StructSpec, member: VariableMember, m: Model, path: PathNode): void {
    const v = m[member.key];
    switch (member.kind) {
      case 'list':
      case 'array':
        this.items(member, m, path);
        return;
      case 'cstring': {
        const problem = typeof v !== 'string' ? 'must be a string' : v.includes('\0') ? 'must not contain NUL' : checkFixedValue({ kind: 'ascii', size: v.length, pad: 0 }, v);
        if (problem) {
          this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path, `${member.label} ${problem}`, member.key);
          return;
        }
        this.w.appendLatin1(v as string);
        this.w.skip(1);
        // Before placed parts, what follows the NUL is the next part's gap.
        if (spec.placed.length) return;
        const pad = m[member.paddingKey];
        if (pad instanceof Uint8Array) this.w.appendBytes(pad);
        else if (pad !== undefined) this.error(EncodeCode.badValue, path, `${member.paddingKey} must be bytes`, member.paddingKey);
        return;
      }
      case 'rest':
        if (v instanceof Uint8Array) this.w.appendBytes(v);
        else this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path, `${member.label} must be bytes`, member.key);
        return;
    }
  }

  /** Fills the derived fields once the structure's bytes are all written. */
  private patch(spec: StructSpec, m: Model, patches: Patch[], start: number, path: PathNode, offsets: Map<string, number> | undefined): void {
    const end = this.w.position;
    let checksum: Patch | undefined;
    for (const p of patches) {
      const role = p.member.role;
      const t = p.member.type as UintType;
      if (role === 'checksum') {
        checksum = p;
        continue;
      }
      const value = role === 'length' ? end - start
        : typeof role === 'object' && 'offset' in role ? offsets?.get(role.offset) ?? 0
        : (m[(role as { count: string }).count] as unknown[] | undefined)?.length ?? 0;
      if (value > 2 ** (8 * t.size) - 1) {
        this.error(EncodeCode.overflow, path, `${p.member.label} ${value} does not fit in ${t.size} byte(s) of ${spec.typeName}`, p.member.key);
        continue;
      }
      this.w.putUint(p.at, t.size, t.endian === 'le', value);
    }
    if (checksum) {
      let s = 0;
      for (let i = start; i < end; i++) s += this.w.byteAt(i);
      this.w.setByte(checksum.at, (0x100 - (s & 0xff)) & 0xff);
    }
  }
}
