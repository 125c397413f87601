/**
 * Sizes computed from a model, for printing a model whose stored derived
 * values are missing (built in code rather than decoded). Encode does not need
 * this: it back-patches lengths after writing.
 */
import { pickVariant, STORED, TRAILING_KEY, type Member, type Model, type StructSpec } from './struct.js';

export function measure(spec: StructSpec, m: Model): number {
  let size = spec.fixedSize;
  const v = spec.variable;
  if (v) size += measureVariable(v, m);
  const t = m[TRAILING_KEY];
  if (t instanceof Uint8Array) size += t.length;
  return size;
}

function measureVariable(v: Exclude<Member, { kind: 'field' }>, m: Model): number {
  const value = m[v.key];
  switch (v.kind) {
    case 'list': {
      let n = 0;
      for (const item of (value as Model[] | undefined) ?? []) {
        const s = pickVariant(v.union, item);
        if (typeof s !== 'string') n += measure(s, item);
      }
      return n;
    }
    case 'array':
      return ((value as unknown[] | undefined)?.length ?? 0) * v.element.fixedSize;
    case 'cstring': {
      const pad = m[v.paddingKey];
      return String(value ?? '').length + 1 + (pad instanceof Uint8Array ? pad.length : 0);
    }
    case 'rest':
      return value instanceof Uint8Array ? value.length : 0;
  }
}

/** The value a derived field has: as stored by decode, else as encode would compute it (checksums excepted). */
export function derivedValue(spec: StructSpec, m: Model, key: string): number | bigint | undefined {
  const stored = m[STORED];
  if (stored) {
    const v = stored[key];
    if (v !== undefined) return v;
  }
  const member = spec.members.find((x) => x.key === key);
  if (member?.kind !== 'field') return undefined;
  if (member.role === 'tag') return spec.tag;
  if (member.role === 'length') return measure(spec, m);
  if (typeof member.role === 'object') return ((m[member.role.count] as unknown[] | undefined) ?? []).length;
  return undefined;
}
