/**
 * The text of a text input, whatever encoding it came in. acpidump runs on
 * Windows too, and PowerShell's `acpidump > file` writes UTF-16LE with a byte
 * order mark; other tools write UTF-16 without one. Linux tools write UTF-8
 * (ASCII, in practice). Pure: bytes in, string out.
 */
import { SNIFF_PROBE_BYTES } from '../limits.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/**
 * The encoding the bytes are in: from a byte order mark, else UTF-16 when
 * every other byte of the probe is NUL (ASCII in UTF-16: the high byte of each
 * code unit is 0), else UTF-8.
 */
export function textEncodingOf(data: Uint8Array): TextEncodingName {
  if (data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  if (data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  const probe = data.subarray(0, Math.min(data.length, SNIFF_PROBE_BYTES) & ~1);
  if (probe.length < 4) return 'utf-8';
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < probe.length; i += 2) {
    if (probe[i] === 0) evenNul++;
    if (probe[i + 1] === 0) oddNul++;
  }
  // Nearly all NULs on one side and nearly none on the other: a binary table
  // has NULs on both sides, UTF-8 text none (a stray one or two is damage).
  const units = probe.length / 2;
  if (oddNul >= units * 0.9 && evenNul <= units * 0.1) return 'utf-16le';
  if (evenNul >= units * 0.9 && oddNul <= units * 0.1) return 'utf-16be';
  return 'utf-8';
}

/** The bytes as text in the encoding textEncodingOf finds; a byte order mark is dropped. */
export function decodeText(data: Uint8Array): string {
  return new TextDecoder(textEncodingOf(data)).decode(data);
}
