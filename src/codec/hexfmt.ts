/**
 * Hex formatting in one place (DESIGN practice 4): fixed-width upper-case hex
 * for iasl-style text, minimal lower-case `0x` hex for JSON, and the byte-string
 * form used for raw and reserved bytes in JSON.
 */

const HEX_UPPER = '0123456789ABCDEF';
const HEX_LOWER = '0123456789abcdef';

/** Upper-case hex of a non-negative safe integer, zero-padded to `digits`. */
export function hexUpper(value: number, digits: number): string {
  const s = value.toString(16).toUpperCase();
  return s.length >= digits ? s : '0'.repeat(digits - s.length) + s;
}

/** Upper-case hex of a bigint, zero-padded to `digits`. */
export function hexUpperBig(value: bigint, digits: number): string {
  const s = value.toString(16).toUpperCase();
  return s.length >= digits ? s : '0'.repeat(digits - s.length) + s;
}

/** JSON form of a 64-bit value: `0x` and lower-case hex without leading zeros. */
export function jsonHex(value: bigint | number): string {
  return '0x' + value.toString(16);
}

/** Bytes as contiguous lower-case hex (`"00ff10"`), the JSON form of raw bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  return hexPairs(bytes, HEX_LOWER, '');
}

/** Bytes as upper-case pairs separated by `sep` (iasl prints buffers as `00 00 00`). */
export function bytesToHexPairs(bytes: Uint8Array, sep = ' '): string {
  return hexPairs(bytes, HEX_UPPER, sep);
}

function hexPairs(bytes: Uint8Array, digits: string, sep: string): string {
  const out = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[i] = digits[b >> 4]! + digits[b & 15]!;
  }
  return out.join(sep);
}

/**
 * Parses a hex byte string. Whitespace, `:` and `-` between bytes and a leading
 * `0x` are accepted so that users can paste dumps; returns undefined when the
 * text is not whole bytes of hex.
 */
export function hexToBytes(text: string): Uint8Array | undefined {
  let s = text.trim();
  if (s.startsWith('0x') || s.startsWith('0X')) s = s.slice(2);
  s = s.replace(/[\s:-]+/g, '');
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** Right-aligns `text` in a field of `width` characters (C's `%*s`). */
export function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}
