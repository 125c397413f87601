/**
 * Byte strings: DT names and string values are bytes, not Unicode text
 * (`"\xff"` is one byte), so they are held as JS strings with one char per
 * byte (codes 0-255). These convert at the edges.
 */
import { latin1Text } from '../codec/bytes.js';

export function writeByteString(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i) & 0xff;
  return at + s.length;
}

/** Bytes [start, end) as a byte string (one character per byte). */
export function readByteString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return latin1Text(bytes, start, end);
}

/** Source text (Unicode) as the bytes dtc would see in a UTF-8 file. */
export function utf8ToByteString(text: string): string {
  // ASCII is by far the common case and needs no conversion.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return readByteString(new TextEncoder().encode(text));
}
