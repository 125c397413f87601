/**
 * Indexes a decoded table's text once, in the worker, so that the page can
 * show any line of a 50 MB text at once and knows which bytes of the table
 * each line is about: a field line `[024h 0036 004h]  Label : Value` names
 * its offset and width, a raw dump line `    00000024: A0 4A ...` its
 * address and bytes. The text travels as UTF-8 bytes (transferred, not
 * copied) and the page decodes only the lines in view; it is parsed byte by
 * byte, not with regular expressions: a 1 MB DMAR prints 1.3 million lines.
 */
import type { IndexedText } from './protocol.js';

const UTF8 = new TextDecoder();

/** Line i of an indexed text (decoded when shown: only the lines in view are). */
export function lineText(t: IndexedText, i: number): string {
  return UTF8.decode(t.bytes.subarray(t.starts[i], t.starts[i + 1]! - 1));
}

const NL = 10;
const SPACE = 32;
const OPEN = 91; // [
const CLOSE = 93; // ]
const COLON = 58;
const H = 104; // h

const isDigit = (c: number) => c >= 48 && c <= 57;
const hexDigit = (c: number) => (isDigit(c) ? c - 48 : c >= 65 && c <= 70 ? c - 55 : -1);

/** The upper-case hex number at `i` and where it ends, or undefined when there is none. */
function hexAt(b: Uint8Array, i: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  let j = i;
  for (let d; j < end && (d = hexDigit(b[j]!)) >= 0; j++) value = value * 16 + d;
  return j === i ? undefined : { value, next: j };
}

/** `[OOOh DDDD WWWh]` (iasl since 2022) or `[OOOh DDDD  W]` (before): offset and width. */
function fieldLine(b: Uint8Array, start: number, end: number): [number, number] | undefined {
  const offset = hexAt(b, start + 1, end);
  if (!offset || b[offset.next] !== H) return undefined;
  let i = offset.next + 1;
  while (i < end && b[i] === SPACE) i++;
  while (i < end && isDigit(b[i]!)) i++;
  while (i < end && b[i] === SPACE) i++;
  const width = hexAt(b, i, end);
  if (!width) return undefined;
  if (b[width.next] === H) return b[width.next + 1] === CLOSE ? [offset.value, width.value] : undefined;
  // Decimal: the same digits read in base 10.
  let decimal = 0;
  for (let j = i; j < width.next; j++) {
    if (!isDigit(b[j]!)) return undefined;
    decimal = decimal * 10 + b[j]! - 48;
  }
  return b[width.next] === CLOSE ? [offset.value, decimal] : undefined;
}

/** `    00000024: A0 4A 37 ...`: address and how many bytes the line shows. */
function dumpLine(b: Uint8Array, start: number, end: number): [number, number] | undefined {
  let i = start;
  while (i < end && b[i] === SPACE) i++;
  const address = hexAt(b, i, end);
  if (!address || address.next - i < 4 || b[address.next] !== COLON) return undefined;
  let count = 0;
  for (let j = address.next + 1; j + 2 < end && b[j] === SPACE && hexDigit(b[j + 1]!) >= 0 && hexDigit(b[j + 2]!) >= 0; j += 3) count++;
  return count ? [address.value, count] : undefined;
}

export function indexText(text: string): IndexedText {
  const bytes = new TextEncoder().encode(text);
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === NL) lines++;
  if (bytes.length && bytes[bytes.length - 1] !== NL) lines++;
  const starts = new Uint32Array(lines + 1);
  for (let i = 0, n = 1; i < bytes.length; i++) if (bytes[i] === NL) starts[n++] = i + 1;
  // A last line without its newline ends one past the text, as if it had one.
  starts[lines] = bytes.length + (bytes.length && bytes[bytes.length - 1] !== NL ? 1 : 0);
  const fieldOffset = new Int32Array(lines).fill(-1);
  const fieldLength = new Int32Array(lines);
  for (let n = 0; n < lines; n++) {
    const start = starts[n]!;
    const end = starts[n + 1]! - 1;
    const found = bytes[start] === OPEN ? fieldLine(bytes, start, end) : bytes[start] === SPACE ? dumpLine(bytes, start, end) : undefined;
    if (found) [fieldOffset[n], fieldLength[n]] = found;
  }
  return { bytes, starts, fieldOffset, fieldLength };
}
