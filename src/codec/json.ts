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
import { arrayElements } from './layout.js';
import {
  isDerived,
  isPlaced,
  isReference,
  LAYOUT_KEY,
  RAW_KEY,
  resolveByField,
  TRAILING_KEY,
  type ArrayMember,
  type FieldMember,
  type Model,
  type PlacedLayout,
  type ReferenceRole,
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
      case 'group':
        if (v !== undefined) out[member.key] = toJson(member.spec, v as Model);
        break;
      case 'list':
        if (member.gapKey && m[member.gapKey] instanceof Uint8Array) out[member.gapKey] = bytesToHex(m[member.gapKey] as Uint8Array);
        out[member.key] = ((v as Model[] | undefined) ?? []).map((item) => {
          const s = pickVariant(member.union, item);
          return typeof s === 'string' ? {} : toJson(s, item);
        });
        break;
      case 'array': {
        const items = arrayElements(member, m).map((e) => (member.scalar ? fieldToJson(e[member.scalar]) : toJson(member.element, e)));
        if (member.count !== 'one') out[member.key] = items;
        else if (items.length) out[member.key] = items[0]!;
        break;
      }
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
  const layout = m[LAYOUT_KEY] as PlacedLayout | undefined;
  if (spec.placed.length && layout) out[LAYOUT_KEY] = layoutToJson(layout);
  const t = m[TRAILING_KEY];
  if (t instanceof Uint8Array) out[TRAILING_KEY] = bytesToHex(t);
  return out;
}

function layoutToJson(l: PlacedLayout): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  if (l.order) out['order'] = l.order;
  if (l.gaps) out['gaps'] = Object.fromEntries(Object.entries(l.gaps).map(([k, b]) => [k, bytesToHex(b)]));
  if (l.emptyOffsets) out['emptyOffsets'] = l.emptyOffsets;
  return out;
}

function fieldToJson(v: unknown): Json {
  if (typeof v === 'bigint') return jsonHex(v);
  if (v instanceof Uint8Array) return bytesToHex(v);
  // A reference: {node: i} or {offset: n}.
  if (typeof v === 'object' && v !== null) return { ...(v as Record<string, number>) };
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
      else if (member.kind === 'group') {
        if (v === undefined) this.report(JsonCode.missing, jp, `${member.label} (${member.key}) is missing`);
        else m[member.key] = this.struct(member.spec, v, jp);
      } else if (member.kind === 'array' && (isPlaced(member) || member.scalar)) this.placedArray(member, v, m, jp);
      else this.variable(member, obj, m, path);
    }
    if (spec.placed.length && obj[LAYOUT_KEY] !== undefined) {
      const l = this.layout(obj[LAYOUT_KEY], `${path}.${LAYOUT_KEY}`);
      if (l) m[LAYOUT_KEY] = l;
    }
    const t = obj[TRAILING_KEY];
    if (t !== undefined) this.bytesInto(m, TRAILING_KEY, t, `${path}.${TRAILING_KEY}`);
    return m;
  }

  private checkKeys(spec: StructSpec, obj: Record<string, unknown>, path: string): void {
    const allowed = new Set<string>([TRAILING_KEY]);
    const derived = new Set<string>();
    if (spec.placed.length) allowed.add(LAYOUT_KEY);
    for (const member of spec.members) {
      (isDerived(member) ? derived : allowed).add(member.key);
      if (member.kind === 'cstring') allowed.add(member.paddingKey);
      if (member.kind === 'list' && member.gapKey) allowed.add(member.gapKey);
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
      if (member.type.kind !== 'reserved' && !member.optional) this.report(JsonCode.missing, jp, `${member.label} (${member.key}) is missing`);
      return;
    }
    if (isReference(member.role)) {
      const ref = this.reference(member.role, v, jp);
      if (ref) m[member.key] = ref;
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
        if (member.kind === 'list' && member.gapKey && obj[member.gapKey] !== undefined) {
          this.bytesInto(m, member.gapKey, obj[member.gapKey], `${path}.${member.gapKey}`);
        }
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

  /** `{"node": i}` or `{"offset": n}`: whether i names an item is for encode to say. */
  private reference(role: ReferenceRole, v: unknown, jp: string): Record<string, number> | undefined {
    const o = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    const keys = o ? Object.keys(o) : [];
    const n = o && keys.length === 1 ? o[keys[0]!] : undefined;
    if ((keys[0] === role.as || keys[0] === 'offset') && typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return { [keys[0]!]: n };
    this.report(JsonCode.badValue, jp, `a reference is {"${role.as}": index} or {"offset": n}, got ${JSON.stringify(v)}`);
    return undefined;
  }

  /** A placed array (a single structure may be absent) or an array of scalar values. */
  private placedArray(member: ArrayMember, v: unknown, m: Model, jp: string): void {
    const element = (e: unknown, ep: string): unknown => {
      if (!member.scalar) return this.struct(member.element, e, ep);
      return this.struct(member.element, { [member.scalar]: e }, ep)[member.scalar];
    };
    if (member.count === 'one') {
      if (v !== undefined) m[member.key] = element(v, jp);
      return;
    }
    if (!Array.isArray(v)) {
      this.report(v === undefined ? JsonCode.missing : JsonCode.type, jp, `${member.label} must be an array`);
      return;
    }
    m[member.key] = v.map((e, i) => element(e, `${jp}[${i}]`));
  }

  private layout(v: unknown, jp: string): PlacedLayout | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.report(JsonCode.type, jp, `expected an object (order, gaps, emptyOffsets), got ${kindOf(v)}`);
      return undefined;
    }
    const o = v as Record<string, unknown>;
    const out: PlacedLayout = {};
    for (const key of Object.keys(o)) {
      if (key !== 'order' && key !== 'gaps' && key !== 'emptyOffsets') this.report(JsonCode.unknownKey, `${jp}.${key}`, `a layout has no field "${key}"`);
    }
    if (o['order'] !== undefined) {
      if (Array.isArray(o['order']) && o['order'].every((k) => typeof k === 'string')) out.order = o['order'] as string[];
      else this.report(JsonCode.type, `${jp}.order`, 'order must be a list of part names');
    }
    if (o['gaps'] !== undefined) {
      const gaps = typeof o['gaps'] === 'object' && o['gaps'] !== null ? (o['gaps'] as Record<string, unknown>) : undefined;
      if (!gaps) this.report(JsonCode.type, `${jp}.gaps`, 'gaps must be an object of hex strings');
      const g: Record<string, Uint8Array> = {};
      for (const [k, b] of Object.entries(gaps ?? {})) this.bytesInto(g as Model, k, b, `${jp}.gaps.${k}`);
      out.gaps = g;
    }
    if (o['emptyOffsets'] !== undefined) {
      const e = o['emptyOffsets'];
      const ok = typeof e === 'object' && e !== null && !Array.isArray(e) && Object.values(e).every((x) => Number.isSafeInteger(x) && (x as number) >= 0);
      if (ok) out.emptyOffsets = e as Record<string, number>;
      else this.report(JsonCode.type, `${jp}.emptyOffsets`, 'emptyOffsets must be an object of non-negative integers');
    }
    return out;
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
      return s && resolveByField(s, (bf) => rec[bf.key]);
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
