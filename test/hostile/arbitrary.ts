/**
 * fast-check arbitraries of valid models, derived from the declarations
 * themselves (one declaration per structure drives decode, encode, text,
 * JSON, and here generation): any table whose layout is a codec StructSpec
 * gets random valid models with no code of its own.
 *
 * "Valid" means what decode gives back unchanged: strings of exactly their
 * width, reserved bytes absent or not all zero, `trailing` only where the
 * codec keeps it (after the fields of a structure with no variable part, or
 * a partial array element), unknown union items only for tags no variant has.
 */
import fc from 'fast-check';
import {
  encode,
  isReference,
  optionalGroups,
  RAW_KEY,
  resolveByField,
  TRAILING_KEY,
  type FieldMember,
  type FixedType,
  type Member,
  type Model,
  type StructSpec,
  type UnionSpec,
} from '../../src/codec/index.js';

export interface ModelLimits {
  /** Items of a list or array (kept small: lengths are u8/u16 in most tables). */
  maxItems: number;
  /** Bytes of opaque parts (raw bodies, trailing, padding). */
  maxBytes: number;
}

const SMALL: ModelLimits = { maxItems: 4, maxBytes: 12 };

const latin1 = (size: number) =>
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: size, maxLength: size }).map((codes) => String.fromCharCode(...codes));

/** Bytes that are not all zero (all-zero reserved bytes decode as absent). */
const nonZeroBytes = (size: number) => fc.uint8Array({ minLength: size, maxLength: size }).filter((b) => b.some((x) => x !== 0));

export function fieldArb(t: FixedType): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'uint':
    case 'flags':
    case 'enum': {
      const size = t.kind === 'uint' ? t.size : t.base.size;
      return fc.integer({ min: 0, max: 2 ** (8 * size) - 1 });
    }
    case 'u64':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 'ascii':
      return latin1(t.size);
    case 'bytes':
      return fc.uint8Array({ minLength: t.size, maxLength: t.size });
    case 'reserved':
      return nonZeroBytes(t.size);
  }
}

/**
 * Random valid models of `spec`. `overrides` fixes or narrows fields by key
 * at the top level (a table's signature, say).
 */
export function modelArb(spec: StructSpec, overrides: Record<string, fc.Arbitrary<unknown>> = {}, limits = SMALL): fc.Arbitrary<Model> {
  return structArb(spec, overrides, limits, true);
}

/** `sized`: the structure's end comes from its own length (not from an array's element size), so it can have trailing bytes. */
function structArb(spec: StructSpec, overrides: Record<string, fc.Arbitrary<unknown>>, limits: ModelLimits, sized: boolean): fc.Arbitrary<Model> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  const optional: string[] = [];
  for (const m of spec.members) addMember(spec, m, parts, optional, limits);
  const trailing = sized ? trailingArb(spec, limits) : undefined;
  if (trailing) {
    parts[TRAILING_KEY] = trailing;
    optional.push(TRAILING_KEY);
  }
  Object.assign(parts, overrides);
  const required = Object.keys(parts).filter((k) => !optional.includes(k) || k in overrides);
  const record = fc.record(parts, { requiredKeys: required }) as fc.Arbitrary<Model>;
  if (!spec.optional.length) return record;
  // Optional fields of newer revisions: the first n groups, none after them.
  const groups = optionalGroups(spec);
  return fc.tuple(record, fc.integer({ min: 0, max: groups.length })).map(([m, n]) => {
    for (const g of groups.slice(n)) for (const f of g.members) delete m[f.key];
    return m;
  });
}

function addMember(spec: StructSpec, m: Member, parts: Record<string, fc.Arbitrary<unknown>>, optional: string[], limits: ModelLimits): void {
  switch (m.kind) {
    case 'field':
      if (m.role === 'tag') parts[m.key] = fc.constant(spec.name);
      // A reference names an item of the root's list; the item holding it is one, so item 0 always exists.
      else if (isReference(m.role)) parts[m.key] = fc.constant({ [m.role.as]: 0 });
      else if (m.role !== undefined) return; // derived: computed by encode
      else parts[m.key] = fieldArb(m.type);
      if (m.type.kind === 'reserved') optional.push(m.key);
      return;
    case 'group':
      parts[m.key] = structArb(m.spec, {}, limits, false);
      return;
    case 'list':
      parts[m.key] = fc.array(unionItemArb(m.union, limits), { maxLength: limits.maxItems });
      if (m.gapKey) {
        parts[m.gapKey] = fc.uint8Array({ minLength: 1, maxLength: limits.maxBytes });
        optional.push(m.gapKey);
      }
      return;
    case 'array': {
      const scalar = m.scalar;
      const element = scalar ? fieldArb((m.element.members.find((x) => x.key === scalar) as FieldMember).type) : structArb(m.element, {}, limits, false);
      if (m.count === 'one') {
        parts[m.key] = element;
        optional.push(m.key);
      } else {
        parts[m.key] = fc.array(element, { maxLength: limits.maxItems });
      }
      return;
    }
    case 'cstring':
      parts[m.key] = fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: limits.maxBytes }).map((c) => String.fromCharCode(...c));
      // Before placed parts, what follows the NUL belongs to the next part.
      if (spec.placed.length) return;
      parts[m.paddingKey] = fc.uint8Array({ minLength: 1, maxLength: limits.maxBytes });
      optional.push(m.paddingKey);
      return;
    case 'rest':
      parts[m.key] = fc.uint8Array({ maxLength: limits.maxBytes });
      return;
  }
}

/** Where decode keeps leftover bytes: after fixed-only structures, and less than one element after an array. */
function trailingArb(spec: StructSpec, limits: ModelLimits): fc.Arbitrary<Uint8Array> | undefined {
  // Bytes after the fixed fields would be read as optional fields; after a placed list, they are kept.
  if (spec.optional.length) return undefined;
  if (!spec.variable) return fc.uint8Array({ minLength: 1, maxLength: limits.maxBytes });
  if (spec.variable.kind === 'array' && spec.variable.count === 'rest' && spec.variable.element.fixedSize > 1) {
    return fc.uint8Array({ minLength: 1, maxLength: spec.variable.element.fixedSize - 1 });
  }
  return undefined;
}

/** A declared variant, the fallback structure, or an item of a tag nothing declares (kept raw). */
function unionItemArb(u: UnionSpec, limits: ModelLimits): fc.Arbitrary<Model> {
  // An item is of a variant only if the union reads that variant's tag back (a tag read together with a reserved byte, say).
  // Items sized by their tag (IVRS device entries) end where their type says: no trailing bytes.
  const sized = u.itemSize === undefined;
  const options = [...u.variants.values()].map((v) => structArb(v, {}, limits, sized).map((item) => asPicked(v, item)).filter((item) => tagOnWire(u, v, item) === v.tag));
  if (u.fallback) options.push(modelArb(u.fallback, {}, limits).filter((item) => !u.variants.has(tagOnWire(u, u.fallback!, item))));
  else {
    const maxTag = 2 ** (8 * u.tagType.size) - 1;
    const unknownTag = fc.integer({ min: 0, max: maxTag }).filter((t) => !u.variants.has(t));
    // Raw items keep the fields the union declares for them, and are at least the union's header long.
    const rawFields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const m of u.raw.members) if (m.kind === 'field' && m.role === undefined && m.key !== u.tagKey) rawFields[m.key] = fieldArb(m.type);
    const minRaw = u.headerSize - u.raw.fixedSize;
    const itemSize = u.itemSize;
    if (itemSize) {
      // The raw body is as long as the tag makes the item (for a tag whose size needs no byte of the body).
      options.push(unknownTag.filter((t) => itemSize(t, () => undefined) === itemSize(t, () => 0)).chain((t) => {
        const n = itemSize(t, () => undefined) - u.raw.fixedSize;
        return fc.record({ [u.tagKey]: fc.constant(t), ...rawFields, [RAW_KEY]: fc.uint8Array({ minLength: n, maxLength: n }) });
      }) as fc.Arbitrary<Model>);
    } else {
      options.push(fc.record({ [u.tagKey]: unknownTag, ...rawFields,
        [RAW_KEY]: fc.uint8Array({ minLength: minRaw, maxLength: Math.max(minRaw, limits.maxBytes) }) }) as fc.Arbitrary<Model>);
    }
  }
  return fc.oneof(...options);
}

/** A variant whose layout a field picks (IORT RMR revision 0 has no Flags): the item without what that layout lacks. */
function asPicked(v: StructSpec, item: Model): Model {
  const picked = resolveByField(v, (bf) => item[bf.key]);
  if (picked === v) return item;
  const keys = new Set(picked.members.map((m) => m.key));
  for (const m of v.members) if (!keys.has(m.key)) delete item[m.key];
  return item;
}

/** The tag a union reads from an encoded item (a fallback's type field may spell a variant's tag, a variant's reserved byte may change its own). */
function tagOnWire(u: UnionSpec, spec: StructSpec, item: Model): number {
  const bytes = encode(spec, item).bytes;
  // An item that cannot be encoded alone (its references name items of the root's list) writes its own tag.
  if (!bytes) return spec.tag ?? -1;
  let tag = 0;
  for (let i = u.tagType.size - 1; i >= 0; i--) {
    tag = tag * 256 + bytes[u.tagOffset + (u.tagType.endian === 'le' ? i : u.tagType.size - 1 - i)]!;
  }
  return tag;
}

/** The model without the values decode stores under symbols (read-back lengths, checksums): what a generated model has. */
export function plainModel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainModel);
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainModel(x)]));
}
