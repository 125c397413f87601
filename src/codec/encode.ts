/**
 * Strict encode: derived fields (lengths, counts, type tags, checksums) are
 * computed here and never taken from the model; kept raw parts (unknown
 * items, non-zero reserved bytes, trailing bytes) are written back byte for
 * byte. Every problem in the model is reported, and no bytes are returned
 * when there is one.
 */
import type { Diagnostic } from '../diagnostic.js';
import { EncodeCode } from './codes.js';
import { childPath, IndexCounter, pathString, rootPath, type PathNode } from './path.js';
import { checkFixedValue, sizeOfType, type UintType } from './primitives.js';
import { pickVariant, TRAILING_KEY, type FieldMember, type Model, type StructSpec, type VariableMember } from './struct.js';
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

class Encoder {
  readonly w = new ByteWriter();
  readonly diagnostics: Diagnostic[] = [];

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
    for (const member of spec.members) {
      if (member.kind === 'field') this.field(spec, member, m, patches, path);
      else this.variable(member, m, path);
    }
    const trailing = m[TRAILING_KEY];
    if (trailing !== undefined) {
      if (trailing instanceof Uint8Array) this.w.appendBytes(trailing);
      else this.error(EncodeCode.badValue, path, 'trailing must be bytes', TRAILING_KEY);
    }
    this.patch(spec, m, patches, start, path);
  }

  private field(spec: StructSpec, member: FieldMember, m: Model, patches: Patch[], path: PathNode): void {
    const t = member.type;
    if (member.role === 'tag') {
      this.w.append(t, spec.tag ?? 0);
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

  private variable(member: VariableMember, m: Model, path: PathNode): void {
    const v = m[member.key];
    switch (member.kind) {
      case 'list':
      case 'array': {
        if (!Array.isArray(v)) {
          this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path, `${member.label} must be a list`, member.key);
          return;
        }
        const counter = new IndexCounter();
        for (const item of v as Model[]) {
          const itemSpec = member.kind === 'list' ? pickVariant(member.union, item ?? {}) : member.element;
          if (typeof itemSpec === 'string') {
            const seg = member.kind === 'list' ? member.union.name : member.element.name;
            this.error(EncodeCode.unknownVariant, childPath(path, seg, counter.next(seg)), itemSpec);
            continue;
          }
          this.struct(itemSpec, item, childPath(path, itemSpec.name, counter.next(itemSpec.name)));
        }
        return;
      }
      case 'cstring': {
        const problem = typeof v !== 'string' ? 'must be a string' : v.includes('\0') ? 'must not contain NUL' : checkFixedValue({ kind: 'ascii', size: v.length, pad: 0 }, v);
        if (problem) {
          this.error(v === undefined ? EncodeCode.missing : EncodeCode.badValue, path, `${member.label} ${problem}`, member.key);
          return;
        }
        this.w.appendLatin1(v as string);
        this.w.skip(1);
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
  private patch(spec: StructSpec, m: Model, patches: Patch[], start: number, path: PathNode): void {
    const end = this.w.position;
    let checksum: Patch | undefined;
    for (const p of patches) {
      const role = p.member.role;
      const t = p.member.type as UintType;
      if (role === 'checksum') {
        checksum = p;
        continue;
      }
      const value = role === 'length' ? end - start : (m[(role as { count: string }).count] as unknown[] | undefined)?.length ?? 0;
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
