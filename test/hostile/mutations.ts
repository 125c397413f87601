/**
 * Damage to real tables, as fast-check values so that a failure shrinks to
 * the smallest damage that breaks: truncation, bit flips, integers written
 * anywhere, and above all integers written over the fields that steer a
 * decoder's walk (lengths, counts, offsets), found by walking the decoded
 * table with its own declaration.
 */
import fc from 'fast-check';
import {
  intBase,
  measure,
  pickVariant,
  sizeOfType,
  type Model,
  type StructSpec,
} from '../../src/codec/index.js';

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'write'; at: number; size: 1 | 2 | 4; value: number; le: boolean }
  | { kind: 'steer'; field: number; value: number };

/** Where a field that steers the walk sits: byte offset, size, byte order. */
export interface Spot {
  at: number;
  size: number;
  le: boolean;
}

const STEERING = /length|count|offset|reference/i;

/** Lengths, counts and offsets (declared roles, or named so) of a decoded model, with their byte offsets. */
export function steeringFields(spec: StructSpec, m: Model, at = 0, out: Spot[] = []): Spot[] {
  let pos = at;
  for (const member of spec.members) {
    if (member.kind === 'field') {
      const size = sizeOfType(member.type);
      const base = intBase(member.type);
      const steering = member.role === 'length' || typeof member.role === 'object' || STEERING.test(member.key);
      if (base && base.size <= 4 && steering) out.push({ at: pos, size, le: base.endian === 'le' });
      pos += size;
      continue;
    }
    const items = Array.isArray(m[member.key]) ? (m[member.key] as Model[]) : [];
    for (const item of items) {
      const s = member.kind === 'list' ? pickVariant(member.union, item) : member.kind === 'array' ? member.element : undefined;
      if (!s || typeof s === 'string') break;
      steeringFields(s, item, pos, out);
      pos += member.kind === 'array' ? s.fixedSize : measure(s, item);
    }
    break;
  }
  return out;
}

/** Values that break length arithmetic, plus whatever fits the field. */
const value = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
);

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fraction.map((at) => ({ kind: 'truncate' as const, at })),
  fc.record({ kind: fc.constant('flip' as const), at: fraction, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('write' as const), at: fraction, size: fc.constantFrom(1 as const, 2 as const, 4 as const), value, le: fc.boolean() }),
  { arbitrary: fc.record({ kind: fc.constant('steer' as const), field: fc.nat(), value }), weight: 3 },
);

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

function put(b: Uint8Array, at: number, size: number, v: number, le: boolean): void {
  for (let i = 0; i < size && at + i < b.length; i++) b[le ? at + i : at + size - 1 - i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
}

/** The damaged copy; `spots` are the steering fields of the undamaged table. */
export function applyMutations(input: Uint8Array, spots: readonly Spot[], mutations: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(input);
  for (const m of mutations) {
    const at = 'at' in m ? Math.floor(m.at * b.length) : 0;
    if (m.kind === 'truncate') b = b.slice(0, at);
    else if (b.length === 0) continue;
    else if (m.kind === 'flip') b[at]! ^= 1 << m.bit;
    else if (m.kind === 'write') put(b, at, m.size, m.value, m.le);
    else if (spots.length) {
      const spot = spots[m.field % spots.length]!;
      put(b, spot.at, spot.size, m.value, spot.le);
    }
  }
  return b;
}
