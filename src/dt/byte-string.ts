/**
 * Byte strings: DT names and string values are bytes, not Unicode text
 * (`"\xff"` is one byte), so they are held as JS strings with one char per
 * byte (codes 0-255). These convert at the edges.
 */

export function writeByteString(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i) & 0xff;
  return at + s.length;
}

/** Bytes [start, end) as a byte string; chunked so that long values do not overflow the argument list. */
export function readByteString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const CHUNK = 0x2000;
  // apply takes the typed array as it is; a spread would first copy it through an iterator.
  if (end - start <= CHUNK) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  let s = '';
  for (let i = start; i < end; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]);
  }
  return s;
}

/** Source text (Unicode) as the bytes dtc would see in a UTF-8 file. */
export function utf8ToByteString(text: string): string {
  // ASCII is by far the common case and needs no conversion.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return readByteString(new TextEncoder().encode(text));
}
