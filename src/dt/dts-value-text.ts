/**
 * A property value as DTS text, in dtc's notation: cells as `<0x01 0x200>`
 * (hex, at least two digits), strings quoted with dtc's escapes, byte strings
 * as `[00 1f]`, chunks joined by `, `. References stay references (`&smmu`,
 * `&{/path}`): dtc 1.7 prints them so too, 1.6 prints the phandle number.
 *
 * A value without a source form (decoded from a DTB) is printed the way dtc
 * guesses its type (treesource.c guess_value_type): a string list when every
 * byte is printable or NUL, it ends in NUL and NULs are not the majority; else
 * cells when the length is a multiple of 4; else bytes. So a DTB-derived tree
 * prints exactly as `dtc -I dtb -O dts` (1.7) prints it.
 */
import type { TextSink } from '../codec/text-sink.js';
import { readByteString } from './byte-string.js';
import { isPrintable, quoteDts } from './dts-strings.js';
import { refText } from './layout.js';
import type { DtCell, DtChunk } from './tree.js';

/** Bytes that dtc counts as string content besides printable ASCII: NUL and \a \b \t \n \v \f \r. */
function isStringByte(b: number): boolean {
  return isPrintable(b) || b === 0 || (b >= 7 && b <= 13);
}

export type GuessedType = 'string' | 'cells' | 'bytes';

export function guessValueType(bytes: Uint8Array): GuessedType {
  let nul = 0;
  let notString = 0;
  for (const b of bytes) {
    if (b === 0) nul++;
    if (!isStringByte(b)) notString++;
  }
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0 && notString === 0 && nul <= bytes.length - nul) return 'string';
  return bytes.length % 4 === 0 ? 'cells' : 'bytes';
}

export function hexCell(value: bigint | number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

function cellText(cell: DtCell): string {
  if (typeof cell !== 'object') return hexCell(cell);
  return cell.kind === 'unresolved' ? cell.text : refText(cell);
}

/** `00`..`ff`, looked up rather than formatted per byte. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function byteList(bytes: Uint8Array): string {
  let s = '[';
  for (let i = 0; i < bytes.length; i++) s += i === 0 ? HEX_BYTE[bytes[i]!]! : ` ${HEX_BYTE[bytes[i]!]!}`;
  return s + ']';
}

/** `<0x01 0x200>` straight from the bytes (a multiple of 4), as hexCell prints each cell. */
function cellList(bytes: Uint8Array): string {
  let s = '<';
  for (let i = 0; i < bytes.length; i += 4) {
    const n = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    s += (i === 0 ? '0x' : ' 0x') + (n < 16 ? HEX_BYTE[n]! : n.toString(16));
  }
  return s + '>';
}

/**
 * rawText written into a sink, for printing a DTB straight from its bytes
 * (dtb-print.ts): cells and bytes digit by digit, with no string per value
 * (most of a large blob's values); strings, which are few, through rawText.
 * test/dt/dtb-print-direct.test.ts holds the two to the same text.
 */
export function writeRawValue(sink: TextSink, bytes: Uint8Array): void {
  const type = guessValueType(bytes);
  if (type === 'string') {
    sink.str(rawText(bytes));
  } else if (type === 'cells') {
    sink.str('<');
    for (let i = 0; i < bytes.length; i += 4) {
      sink.str(i === 0 ? '0x' : ' 0x').hexLower(((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0, 2);
    }
    sink.str('>');
  } else {
    sink.str('[');
    for (let i = 0; i < bytes.length; i++) sink.str(i === 0 ? '' : ' ').hexLower(bytes[i]!, 2);
    sink.str(']');
  }
}

/**
 * Bytes guessed to be strings (ending in NUL), as dtc 1.7 writes them: every
 * NUL but the last ends one string of a list, so `a\0b\0` is `"a", "b"` and
 * an empty piece is `""` (dtc 1.6 printed one string with `\0` escapes).
 */
function stringList(bytes: Uint8Array): string {
  let s = '';
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    s += (start === 0 ? '' : ', ') + quoteDts(readByteString(bytes, start, i));
    start = i + 1;
  }
  return s;
}

/** A value with no source form (a DTB's), as dtc guesses its type. */
export function rawText(bytes: Uint8Array): string {
  switch (guessValueType(bytes)) {
    case 'string':
      return stringList(bytes);
    case 'cells':
      return cellList(bytes);
    case 'bytes':
      return byteList(bytes);
  }
}

export function chunkText(chunk: DtChunk): string {
  switch (chunk.kind) {
    case 'cells': {
      const body = `<${chunk.cells.map(cellText).join(' ')}>`;
      return chunk.bits === 32 ? body : `/bits/ ${chunk.bits} ${body}`;
    }
    case 'string':
      return quoteDts(chunk.value);
    case 'bytes':
      return byteList(chunk.bytes);
    case 'path':
      return refText(chunk.ref);
    case 'raw':
      return rawText(chunk.bytes);
  }
}

/** The text after `name = `; empty for an empty property. */
export function valueText(value: readonly DtChunk[]): string {
  return value.map(chunkText).join(', ');
}
