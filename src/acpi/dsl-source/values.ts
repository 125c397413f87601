/**
 * The values of a data-table source's fields, as iasl reads them (ACPICA
 * source/compiler/dtfield.c): integers as hex expressions (expression.ts),
 * byte buffers as two-digit hex separated by blanks, commas or brackets,
 * text quoted and padded with NULs. Pure: each gives a value or what is
 * wrong with it; the compiler says where.
 */
import type { FixedType } from '../../codec/index.js';
import { evaluateInteger } from './expression.js';

export type Parsed<T> = { value: T; problem?: undefined } | { value?: undefined; problem: string };

/** An integer expression that fits `size` bytes. */
export function integerValue(text: string, size: number): Parsed<bigint> {
  const r = evaluateInteger(text);
  if (r.value === undefined) return { problem: `"${text}" is no integer: ${r.problem}` };
  if (r.value >= 1n << BigInt(8 * size)) return { problem: `${text} does not fit in ${size} byte(s)` };
  return { value: r.value };
}

/** Two-digit hex bytes (iasl's DtCompileBuffer); exactly `size` of them when given. */
export function bufferValue(text: string, size?: number): Parsed<Uint8Array> {
  const items = text.split(/[\s,[\]]+/).filter((x) => x !== '');
  const bad = items.find((x) => !/^[0-9a-fA-F]{2}$/.test(x));
  if (bad !== undefined) return { problem: `"${bad}" is no byte (two hex digits)` };
  if (size !== undefined && items.length !== size) return { problem: `has ${size} byte(s), found ${items.length}` };
  return { value: Uint8Array.from(items, (x) => parseInt(x, 16)) };
}

/** A flag-bit line's value: hex, no expression (iasl's AcpiUtImplicitStrtoul64), below 2^width. */
export function bitValue(text: string, width: number): Parsed<number> {
  const n = /^(0[xX])?[0-9a-fA-F]{1,8}$/.test(text) ? parseInt(text.replace(/^0[xX]/, ''), 16) : undefined;
  if (n === undefined || n >= 2 ** width) return { problem: `is ${width === 1 ? '0 or 1' : `a ${width}-bit value`}, not "${text}"` };
  return { value: n };
}

/**
 * Bytes written the ways iasl prints bytes it reads as an ID: a quoted
 * string (its characters), a list of byte pairs, or one hex integer of as
 * many bytes as it has digit pairs, little-endian.
 */
export function idBytes(text: string, quoted: boolean): Parsed<Uint8Array> {
  if (quoted) return { value: Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff) };
  if (/[\s,]/.test(text)) return bufferValue(text);
  const v = integerValue(text, 8);
  if (v.value === undefined) return v;
  const n = v.value;
  const size = Math.ceil(text.replace(/^0[xX]/, '').length / 2);
  return { value: Uint8Array.from({ length: size }, (_, b) => Number((n >> BigInt(8 * b)) & 0xffn)) };
}

const littleEndian = (b: Uint8Array): bigint => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
const bytesOf = (v: bigint, size: number): Uint8Array => Uint8Array.from({ length: size }, (_, k) => Number((v >> BigInt(8 * k)) & 0xffn));

/**
 * A fixed field's value in the model's form. `asId`: the field is printed as
 * a string or an integer by its bytes (an IVRS HID or CID), so the form it
 * is not declared in stands for its bytes.
 */
export function fixedValue(t: FixedType, text: string, quoted: boolean, asId = false): Parsed<unknown> {
  if (asId && (t.kind === 'ascii' || t.kind === 'u64') && (t.kind === 'ascii') !== quoted) {
    const b = idBytes(text, quoted);
    if (b.value === undefined) return b;
    if (b.value.length > t.size) return { problem: `has ${t.size} bytes, found ${b.value.length}` };
    const full = new Uint8Array(t.size);
    full.set(b.value);
    return { value: t.kind === 'ascii' ? String.fromCharCode(...full) : littleEndian(full) };
  }
  switch (t.kind) {
    case 'uint':
    case 'flags':
    case 'enum': {
      const v = integerValue(text, t.kind === 'uint' ? t.size : t.base.size);
      return v.value === undefined ? v : { value: Number(v.value) };
    }
    case 'u64':
      return integerValue(text, 8);
    case 'ascii':
      if (text.length > t.size) return { problem: `has at most ${t.size} characters, found ${text.length} ("${text}")` };
      // iasl copies the text into a zeroed field: a short value ends in NULs.
      return { value: text.padEnd(t.size, '\0') };
    case 'bytes':
      return bufferValue(text, t.size);
    case 'reserved': {
      if (t.show === 'bytes') return bufferValue(text, t.size);
      const v = integerValue(text, t.size);
      return v.value === undefined ? v : { value: bytesOf(v.value, t.size) };
    }
  }
}

/** An integer spread over fields of `sizes` bytes, little-endian (a field an older iasl printed joined with the next). */
export function spread(v: bigint, sizes: readonly number[]): bigint[] {
  return sizes.map((size) => {
    const part = v & ((1n << BigInt(8 * size)) - 1n);
    v >>= BigInt(8 * size);
    return part;
  });
}

export { bytesOf };
