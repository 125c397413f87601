/**
 * JSON form of a model, driven by the same declarations: keys in declaration
 * order, 64-bit values as `"0x..."` strings, raw/reserved/trailing bytes as
 * hex strings, derived fields left out (they are computed on encode).
 * `fromJson` rebuilds the model and reports what is wrong with its JSON path
 * (`$.remappingStructures[2].deviceScopes[0].path[1].device`).
 */
import type { Diagnostic } from '../diagnostic.js';
import { JsonCode } from './codes.js';
import { bytesToHex, hexToBytes, jsonHex } from './hexfmt.js';
import { checkFixedValue, type FixedType } from './primitives.js';
import {
  isDerived,
  RAW_KEY,
  TRAILING_KEY,
  type FieldMember,
  type Model,
  type StructSpec,
  type UnionSpec,
  type VariableMember,
  pickVariant,
} from './struct.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJson(spec: StructSpec, m: Model): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const member of spec.members) {
    if (isDerived(member)) continue;
    const v = m[member.key];
    if (member.kind === 'field') {
      if (v !== undefined) out[member.key] = fieldToJson(v);
      continue;
    }
    switch (member.kind) {
      case 'list':
      case 'array':
        out[member.key] = ((v as Model[] | undefined) ?? []).map((item) => {
          const s = member.kind === 'list' ? pickVariant(member.union, item) : member.element;
          return typeof s === 'string' ? {} : toJson(s, item);
        });
        break;
      case 'cstring': {
        out[member.key] = String(v ?? '');
        const pad = m[member.paddingKey];
        if (pad instanceof Uint8Array) out[member.paddingKey] = bytesToHex(pad);
        break;
      }
      case 'rest':
        out[member.key] = v instanceof Uint8Array ? bytesToHex(v) : '';
        break;
    }
  }
  const t = m[TRAILING_KEY];
  if (t instanceof Uint8Array) out[TRAILING_KEY] = bytesToHex(t);
  return out;
}

function fieldToJson(v: unknown): Json {
  if (typeof v === 'bigint') return jsonHex(v);
  if (v instanceof Uint8Array) return bytesToHex(v);
  return v as number | string;
}

export interface FromJson {
  value: Model;
  diagnostics: Diagnostic[];
}

export function fromJson(spec: StructSpec, json: unknown, path = '$'): FromJson {
  const diagnostics: Diagnostic[] = [];
  const value = new JsonReader(diagnostics).struct(spec, json, path);
  return { value, diagnostics };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v === 'string' ? `"${v}"` : `${typeof v} ${String(v)}`;
}

class JsonReader {
  constructor(private readonly diagnostics: Diagnostic[]) {}

  private report(code: string, path: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ severity, code, message, path });
  }

  struct(spec: StructSpec, j: unknown, path: string): Model {
    const m: Model = {};
    if (typeof j !== 'object' || j === null || Array.isArray(j)) {
      this.report(JsonCode.type, path, `expected an object (${spec.typeName}), got ${kindOf(j)}`);
      return m;
    }
    const obj = j as Record<string, unknown>;
    this.checkKeys(spec, obj, path);
    for (const member of spec.members) {
      if (isDerived(member)) continue;
      const jp = `${path}.${member.key}`;
      const v = obj[member.key];
      if (member.kind === 'field') this.field(spec, member, v, m, jp);
      else this.variable(member, obj, m, path);
    }
    const t = obj[TRAILING_KEY];
    if (t !== undefined) this.bytesInto(m, TRAILING_KEY, t, `${path}.${TRAILING_KEY}`);
    return m;
  }

  private checkKeys(spec: StructSpec, obj: Record<string, unknown>, path: string): void {
    const allowed = new Set<string>([TRAILING_KEY]);
    const derived = new Set<string>();
    for (const member of spec.members) {
      (isDerived(member) ? derived : allowed).add(member.key);
      if (member.kind === 'cstring') allowed.add(member.paddingKey);
    }
    for (const key of Object.keys(obj)) {
      if (allowed.has(key)) continue;
      if (derived.has(key)) {
        this.report(JsonCode.derivedIgnored, `${path}.${key}`, `${key} is computed on encode; the value given is ignored`, 'warning');
      } else {
        this.report(JsonCode.unknownKey, `${path}.${key}`, `${spec.typeName} has no field "${key}"`);
      }
    }
  }

  private field(spec: StructSpec, member: FieldMember, v: unknown, m: Model, jp: string): void {
    if (member.role === 'tag') {
      m[member.key] = spec.name;
      return;
    }
    if (v === undefined) {
      if (member.type.kind !== 'reserved') this.report(JsonCode.missing, jp, `${member.label} (${member.key}) is missing`);
      return;
    }
    const converted = this.convert(member.type, v, jp);
    if (converted === undefined) return;
    const problem = checkFixedValue(member.type, converted);
    if (problem) this.report(JsonCode.badValue, jp, `${member.label}: ${problem}`);
    else m[member.key] = converted;
  }

  /** JSON value → model value of a fixed field's type; undefined after reporting. */
  private convert(t: FixedType, v: unknown, jp: string): unknown {
    switch (t.kind) {
      case 'uint':
      case 'flags':
      case 'enum': {
        if (typeof v === 'number') return v;
        const n = typeof v === 'string' ? parseInteger(v) : undefined;
        if (n !== undefined && n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
        break;
      }
      case 'u64': {
        if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
        const n = typeof v === 'string' ? parseInteger(v) : undefined;
        if (n !== undefined) return n;
        break;
      }
      case 'ascii':
        if (typeof v === 'string') return v;
        break;
      case 'bytes':
      case 'reserved': {
        const b = typeof v === 'string' ? hexToBytes(v) : undefined;
        if (b) return b;
        break;
      }
    }
    const want = t.kind === 'u64' ? 'a "0x..." string or an integer' : t.kind === 'ascii' ? 'a string' : t.kind === 'bytes' || t.kind === 'reserved' ? 'a hex string' : 'an integer';
    this.report(JsonCode.type, jp, `expected ${want}, got ${kindOf(v)}`);
    return undefined;
  }

  private variable(member: VariableMember, obj: Record<string, unknown>, m: Model, path: string): void {
    const jp = `${path}.${member.key}`;
    const v = obj[member.key];
    switch (member.kind) {
      case 'list':
      case 'array': {
        if (!Array.isArray(v)) {
          this.report(v === undefined ? JsonCode.missing : JsonCode.type, jp, `${member.label} must be an array`);
          return;
        }
        m[member.key] = v.map((item, i) => {
          const ip = `${jp}[${i}]`;
          if (member.kind === 'array') return this.struct(member.element, item, ip);
          const s = this.variantOf(member.union, item, ip);
          return s ? this.struct(s, item, ip) : {};
        });
        return;
      }
      case 'cstring':
        if (typeof v !== 'string') this.report(v === undefined ? JsonCode.missing : JsonCode.type, jp, `${member.label} must be a string`);
        else if (v.includes('\0')) this.report(JsonCode.badValue, jp, `${member.label} must not contain NUL (it is added on encode)`);
        else m[member.key] = v;
        if (obj[member.paddingKey] !== undefined) this.bytesInto(m, member.paddingKey, obj[member.paddingKey], `${path}.${member.paddingKey}`);
        return;
      case 'rest':
        if (v === undefined) this.report(JsonCode.missing, jp, `${member.label} (${member.key}) is missing`);
        else this.bytesInto(m, member.key, v, jp);
        return;
    }
  }

  private variantOf(u: UnionSpec, item: unknown, ip: string): StructSpec | undefined {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      this.report(JsonCode.type, ip, `expected an object (${u.name}), got ${kindOf(item)}`);
      return undefined;
    }
    const rec = item as Record<string, unknown>;
    const tag = rec[u.tagKey];
    if (typeof tag === 'string') {
      const s = u.byName.get(tag);
      if (!s) this.report(JsonCode.unknownVariant, `${ip}.${u.tagKey}`, `unknown ${u.name} type "${tag}" (known: ${[...u.byName.keys()].join(', ')})`);
      return s;
    }
    if (RAW_KEY in rec) return u.raw;
    if (u.fallback) return u.fallback;
    this.report(JsonCode.missing, `${ip}.${u.tagKey}`, `${u.name} needs "${u.tagKey}" (one of ${[...u.byName.keys()].join(', ')}) or a numeric type with "${RAW_KEY}" bytes`);
    return undefined;
  }

  private bytesInto(m: Model, key: string, v: unknown, jp: string): void {
    const b = typeof v === 'string' ? hexToBytes(v) : undefined;
    if (b) m[key] = b;
    else this.report(JsonCode.type, jp, `expected a hex string, got ${kindOf(v)}`);
  }
}

/** `"0x1f"`, `"31"` → 31n; anything else → undefined. */
function parseInteger(s: string): bigint | undefined {
  const t = s.trim();
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}
