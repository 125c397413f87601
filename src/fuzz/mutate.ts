/**
 * Mutations of fuzz inputs, in the style of AFL's "havoc" stage: a few
 * random edits stacked on one input. Binary edits aim at what drives a
 * decoder's walk (length, count and offset fields: set to interesting
 * values, nudged by a little, set to the input's own length); text edits
 * work on lines and tokens so that acpidump, .dsl, JSON, YAML and DTS stay
 * close enough to their grammar to get past the first line.
 *
 * Every mutator returns a new array: corpus entries are shared and never
 * changed in place.
 */
import { concatBytes } from '../codec/bytes.js';
import { below, pick, type Rng } from './prng.js';

export interface MutationContext {
  rnd: Rng;
  /** Other corpus entries, for splicing. */
  corpus: readonly Uint8Array[];
  /** Tokens worth inserting into text inputs. */
  dictionary: readonly string[];
  /** Inputs are cut to this many bytes. */
  maxBytes: number;
}

export type InputKind = 'binary' | 'text';

type Mutator = (b: Uint8Array, ctx: MutationContext) => Uint8Array;

/** Values that break length arithmetic: zero, one, sign and width boundaries. */
const INTERESTING = [0, 1, 2, 3, 4, 8, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

const INTERESTING_TEXT = ['0', '1', '-1', '255', '256', '65535', '65536', '4294967295', '4294967296', '0xffffffff',
  '0xFFFFFFFFFFFFFFFF', '0x10000000000000000', '9007199254740993', '1e999', '-0', '.nan', 'NaN', ''];

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function mutate(input: Uint8Array, kind: InputKind, ctx: MutationContext): Uint8Array {
  let out = input;
  const edits = 1 + below(ctx.rnd, 4);
  for (let i = 0; i < edits; i++) {
    const text = kind === 'text' && ctx.rnd() < 0.6;
    out = text ? encoder.encode(pick(ctx.rnd, TEXT_MUTATORS)(decoder.decode(out), ctx)) : pick(ctx.rnd, BYTE_MUTATORS)(out, ctx);
  }
  return out.length > ctx.maxBytes ? out.slice(0, ctx.maxBytes) : out;
}

// ---------------------------------------------------------------------------
// Bytes

/** Writes `value` as an unsigned integer of `size` bytes, either byte order. */
function putUint(b: Uint8Array, at: number, size: number, value: number, le: boolean): void {
  for (let i = 0; i < size && at + i < b.length; i++) {
    const byte = Math.floor(value / 2 ** (8 * i)) & 0xff;
    b[le ? at + i : at + size - 1 - i] = byte;
  }
}

function getUint(b: Uint8Array, at: number, size: number, le: boolean): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (b[le ? at + i : at + size - 1 - i] ?? 0);
  return v;
}

/** A random offset for a field of `size` bytes, aligned to its size half of the time. */
function fieldOffset(b: Uint8Array, size: number, rnd: Rng): number {
  const at = below(rnd, Math.max(1, b.length - size + 1));
  return rnd() < 0.5 ? at - (at % size) : at;
}

const SIZES = [1, 2, 4] as const;

function withField(b: Uint8Array, ctx: MutationContext, value: (old: number, size: number) => number): Uint8Array {
  if (b.length === 0) return b;
  const out = b.slice();
  const size = pick(ctx.rnd, SIZES);
  const le = ctx.rnd() < 0.8;
  const at = fieldOffset(out, size, ctx.rnd);
  const max = 2 ** (8 * size);
  putUint(out, at, size, ((value(getUint(out, at, size, le), size) % max) + max) % max, le);
  return out;
}

function chunk(b: Uint8Array, rnd: Rng): [start: number, end: number] {
  const start = below(rnd, b.length + 1);
  const len = Math.min(b.length - start, 1 + below(rnd, rnd() < 0.8 ? 16 : 256));
  return [start, start + len];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

const BYTE_MUTATORS: Mutator[] = [
  function flipBit(b, { rnd }) {
    if (b.length === 0) return b;
    const out = b.slice();
    out[below(rnd, out.length)]! ^= 1 << below(rnd, 8);
    return out;
  },
  function setInteresting(b, ctx) {
    return withField(b, ctx, () => pick(ctx.rnd, INTERESTING));
  },
  function randomByte(b, { rnd }) {
    if (b.length === 0) return Uint8Array.of(below(rnd, 256));
    const out = b.slice();
    out[below(rnd, out.length)] = below(rnd, 256);
    return out;
  },
  // Length and count fields: a little more or less than they say.
  function nudgeField(b, ctx) {
    return withField(b, ctx, (old) => old + (below(ctx.rnd, 33) - 16 || 1));
  },
  // A length that claims the whole input, a little less, or a little more.
  function setToLength(b, ctx) {
    return withField(b, ctx, () => b.length - below(ctx.rnd, 64) + (ctx.rnd() < 0.3 ? 64 : 0));
  },
  function truncate(b, { rnd }) {
    return b.slice(0, below(rnd, b.length + 1));
  },
  function deleteChunk(b, { rnd }) {
    const [s, e] = chunk(b, rnd);
    return concat(b.subarray(0, s), b.subarray(e));
  },
  // Repeated structures: many subtables, many scopes, many nodes.
  function repeatChunk(b, { rnd }) {
    const [s, e] = chunk(b, rnd);
    const copies = Array.from({ length: 1 + below(rnd, 8) }, () => b.subarray(s, e));
    return concat(b.subarray(0, e), ...copies, b.subarray(e));
  },
  function insertRandom(b, { rnd }) {
    const at = below(rnd, b.length + 1);
    const fill = Uint8Array.from({ length: 1 + below(rnd, 16) }, () => (rnd() < 0.5 ? pick(rnd, [0, 0xff]) : below(rnd, 256)));
    return concat(b.subarray(0, at), fill, b.subarray(at));
  },
  function copyWithin(b, { rnd }) {
    if (b.length < 2) return b;
    const [s, e] = chunk(b, rnd);
    const out = b.slice();
    out.set(b.subarray(s, e).subarray(0, out.length - s), below(rnd, out.length - (e - s) + 1));
    return out;
  },
  function splice(b, { rnd, corpus }) {
    const other = corpus.length ? pick(rnd, corpus) : b;
    return concat(b.subarray(0, below(rnd, b.length + 1)), other.subarray(below(rnd, other.length + 1)));
  },
];

// ---------------------------------------------------------------------------
// Text

type TextMutator = (t: string, ctx: MutationContext) => string;

function lineSpan(lines: string[], rnd: Rng): number {
  return below(rnd, Math.max(1, lines.length));
}

const TEXT_MUTATORS: TextMutator[] = [
  function deleteLine(t, { rnd }) {
    const lines = t.split('\n');
    lines.splice(lineSpan(lines, rnd), 1 + below(rnd, 3));
    return lines.join('\n');
  },
  function repeatLine(t, { rnd }) {
    const lines = t.split('\n');
    const at = lineSpan(lines, rnd);
    lines.splice(at, 0, ...Array.from({ length: 1 + below(rnd, rnd() < 0.9 ? 4 : 200) }, () => lines[at] ?? ''));
    return lines.join('\n');
  },
  function swapLines(t, { rnd }) {
    const lines = t.split('\n');
    const a = lineSpan(lines, rnd);
    const b = lineSpan(lines, rnd);
    [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
    return lines.join('\n');
  },
  function insertToken(t, { rnd, dictionary }) {
    const token = dictionary.length && rnd() < 0.8 ? pick(rnd, dictionary) : pick(rnd, INTERESTING_TEXT);
    const at = rnd() < 0.5 ? below(rnd, t.length + 1) : lineStart(t, rnd);
    return t.slice(0, at) + token + t.slice(at);
  },
  // Numbers carry lengths, offsets and counts in every text format.
  function replaceNumber(t, { rnd }) {
    const numbers = [...t.matchAll(/0[xX][0-9a-fA-F]+|\b[0-9A-Fa-f]{2,}\b|-?\d+/g)];
    if (numbers.length === 0) return t;
    const m = pick(rnd, numbers);
    const replacement = rnd() < 0.5 ? pick(rnd, INTERESTING_TEXT) : randomLike(m[0], rnd);
    return t.slice(0, m.index) + replacement + t.slice(m.index! + m[0].length);
  },
  function spliceLines(t, { rnd, corpus }) {
    if (!corpus.length) return t;
    const other = decoder.decode(pick(rnd, corpus)).split('\n');
    const from = lineSpan(other, rnd);
    const lines = t.split('\n');
    lines.splice(lineSpan(lines, rnd), 0, ...other.slice(from, from + 1 + below(rnd, 8)));
    return lines.join('\n');
  },
  function truncateLine(t, { rnd }) {
    const lines = t.split('\n');
    const at = lineSpan(lines, rnd);
    lines[at] = (lines[at] ?? '').slice(0, below(rnd, (lines[at] ?? '').length + 1));
    return lines.join('\n');
  },
];

function lineStart(t: string, rnd: Rng): number {
  const at = below(rnd, t.length + 1);
  return t.lastIndexOf('\n', at - 1) + 1;
}

/** Same shape, other digits: hex stays hex, so `00A4:` keeps parsing as an offset. */
function randomLike(token: string, rnd: Rng): string {
  return token.replace(/[0-9A-Fa-f]/g, (c) => {
    const digits = /[a-f]/.test(token) ? '0123456789abcdef' : /[A-F]/.test(token) ? '0123456789ABCDEF' : '0123456789';
    return /[0-9A-Fa-f]/.test(c) && digits.includes(c) ? pick(rnd, [...digits]) : c;
  });
}
