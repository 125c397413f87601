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
import { HEX_LOWER, type TextSink } from '../codec/text-sink.js';
import { readByteString } from './byte-string.js';
import { isPrintable, quoteDts } from './dts-strings.js';
import { refText } from './layout.js';
import type { DtCell, DtChunk } from './tree.js';

/** Bytes that dtc counts as string content besides printable ASCII: NUL and \a \b \t \n \v \f \r (a table: this runs per byte of a blob). */
const STRING_BYTE = Uint8Array.from({ length: 256 }, (_, b) => (isPrintable(b) || b === 0 || (b >= 7 && b <= 13) ? 1 : 0));

export type GuessedType = 'string' | 'cells' | 'bytes';

/** dtc's guess for bytes [start, end) of `bytes` (all of them by default). */
export function guessValueType(bytes: Uint8Array, start = 0, end = bytes.length): GuessedType {
  const length = end - start;
  let nul = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    // One byte that is no string byte settles it (most cells have one): no need to count on.
    if (STRING_BYTE[b] === 0) return length % 4 === 0 ? 'cells' : 'bytes';
    if (b === 0) nul++;
  }
  if (length > 0 && bytes[end - 1] === 0 && nul <= length - nul) return 'string';
  return length % 4 === 0 ? 'cells' : 'bytes';
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

/** A cell's most characters: ` 0xffffffff`. */
const CELL_ROOM = 11;

/**
 * rawText of bytes [start, end) written into a sink's buffer (TextSink.room):
 * for printing a DTB straight from its bytes (dtb-print.ts, which passes the
 * blob itself: no view object per value). Cells and bytes digit by digit,
 * with no string per value (most of a large blob's values); strings that need
 * an escape, which are few, through quoteDts. Room is asked per cell, byte or
 * string piece, so a value of any size goes through a streaming sink's
 * buffer as it is. test/dt/dtb-print-direct.test.ts holds the two to the same text.
 */
export function writeRawValue(text: TextSink, bytes: Uint8Array, start = 0, end = bytes.length): void {
  const type = guessValueType(bytes, start, end);
  if (type === 'string') {
    // stringList's text: a piece that needs no escape (nearly all) is copied as it is.
    for (let from = start, i = start; i < end; i++) {
      if (bytes[i] !== 0) continue;
      let plain = true;
      for (let j = from; j < i && plain; j++) plain = PLAIN_IN_QUOTES[bytes[j]!] === 1;
      const quoted = plain ? undefined : quoteDts(readByteString(bytes, from, i));
      // The piece, its quotes (in `quoted` already) and the `, ` before it.
      const out = text.room((quoted === undefined ? i - from + 2 : quoted.length) + 2);
      let at = text.pos;
      if (from > start) {
        out[at++] = 0x2c; // ,
        out[at++] = 0x20;
      }
      if (quoted === undefined) {
        out[at++] = 0x22; // "
        for (let j = from; j < i; j++) out[at++] = bytes[j]!;
        out[at++] = 0x22;
      } else {
        for (let j = 0; j < quoted.length; j++) out[at++] = quoted.charCodeAt(j);
      }
      text.pos = at;
      from = i + 1;
    }
    return;
  }
  const cells = type === 'cells';
  let out = text.room(CELL_ROOM);
  let at = text.pos;
  out[at++] = cells ? 0x3c : 0x5b; // < or [
  for (let i = start; i < end; i += cells ? 4 : 1) {
    // The buffer's room checked here, not by a call per cell: this runs per cell of a large blob, mostly before it is optimised.
    if (at + CELL_ROOM > out.length) {
      text.pos = at;
      out = text.room(CELL_ROOM);
      at = text.pos;
    }
    if (i > start) out[at++] = 0x20;
    if (cells) {
      out[at++] = 0x30; // 0x
      out[at++] = 0x78;
      const n = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
      // At least two digits, as hexCell prints them.
      let digits = 2;
      while (digits < 8 && n >>> (4 * digits) !== 0) digits++;
      for (let d = digits - 1; d >= 0; d--) out[at++] = HEX_LOWER[(n >>> (4 * d)) & 15]!;
    } else {
      out[at++] = HEX_LOWER[bytes[i]! >> 4]!;
      out[at++] = HEX_LOWER[bytes[i]! & 15]!;
    }
  }
  text.pos = at;
  out = text.room(1);
  out[text.pos++] = cells ? 0x3e : 0x5d; // > or ]
}

/**
 * Bytes guessed to be strings (ending in NUL), as dtc 1.7 writes them: every
 * NUL but the last ends one string of a list, so `a\0b\0` is `"a", "b"` and
 * an empty piece is `""` (dtc 1.6 printed one string with `\0` escapes).
 */
function stringList(bytes: Uint8Array): string {
  const pieces: string[] = [];
  for (let from = 0, i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    pieces.push(quoteDts(readByteString(bytes, from, i)));
    from = i + 1;
  }
  return pieces.join(', ');
}

/** Bytes quoteDts writes as they are: printable ASCII but `"` and `\`. */
const PLAIN_IN_QUOTES = Uint8Array.from({ length: 256 }, (_, b) => (isPrintable(b) && b !== 0x22 && b !== 0x5c ? 1 : 0));

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
