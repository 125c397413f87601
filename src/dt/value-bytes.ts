/**
 * Property values to bytes, the way dtc lays them out: cells big-endian at
 * their /bits/ width, strings NUL-terminated, byte strings as they are, a
 * phandle reference as the target's phandle and a path reference as the
 * target's path string. Chunks are simply concatenated (no padding between
 * them: dtc does not align a cell list that follows a string).
 */
import { writeByteString } from './byte-string.js';
import type { DtCell, DtChunk, DtRef } from './tree.js';

/** What a reference resolves to; undefined when nothing has that label or path. */
export interface RefTarget {
  phandle: number;
  path: string;
}

export type RefResolver = (ref: DtRef) => RefTarget | undefined;

/** dtc's placeholder for a phandle it could not resolve. */
export const UNRESOLVED_PHANDLE = 0xffffffff;

export function chunkLength(chunk: DtChunk, resolve: RefResolver): number {
  switch (chunk.kind) {
    case 'cells':
      return (chunk.bits / 8) * chunk.cells.length;
    case 'string':
      return chunk.value.length + 1;
    case 'bytes':
    case 'raw':
      return chunk.bytes.length;
    case 'path':
      return (resolve(chunk.ref)?.path.length ?? 0) + 1;
  }
}

/** A cell's number: a bigint only where the tree holds one (64-bit cells). */
export function cellValue(cell: DtCell, resolve: RefResolver): number | bigint {
  if (typeof cell !== 'object') return cell;
  if (cell.kind === 'unresolved') return 0;
  return resolve(cell)?.phandle ?? UNRESOLVED_PHANDLE;
}

export function encodeValue(value: readonly DtChunk[], resolve: RefResolver): Uint8Array {
  const out = new Uint8Array(valueLength(value, resolve));
  writeValue(out, 0, value, resolve);
  return out;
}

export function valueLength(value: readonly DtChunk[], resolve: RefResolver): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) length += chunkLength(value[i]!, resolve);
  return length;
}

/**
 * Writes the value's bytes at `at` (room for valueLength bytes), returning
 * the offset after them. Byte by byte, not through a DataView: asking a small
 * typed array for its .buffer moves it off the heap, which for tens of
 * thousands of properties costs more than the writing.
 */
export function writeValue(out: Uint8Array, at: number, value: readonly DtChunk[], resolve: RefResolver): number {
  // Indexed loops: a cold for-of allocates a result per step, and this runs per property of a large tree.
  for (let c = 0; c < value.length; c++) {
    const chunk = value[c]!;
    switch (chunk.kind) {
      case 'cells':
        for (let i = 0; i < chunk.cells.length; i++) at = writeCell(out, at, chunk.bits, cellValue(chunk.cells[i]!, resolve));
        break;
      case 'string':
        at = writeByteString(out, at, chunk.value) + 1;
        break;
      case 'bytes':
      case 'raw':
        out.set(chunk.bytes, at);
        at += chunk.bytes.length;
        break;
      case 'path':
        at = writeByteString(out, at, resolve(chunk.ref)?.path ?? '') + 1;
        break;
    }
  }
  return at;
}

/** A cell big-endian at its width; returns the offset after it. */
function writeCell(out: Uint8Array, at: number, bits: number, value: number | bigint): number {
  if (bits === 64) {
    const v = BigInt.asUintN(64, BigInt(value));
    at = writeCell(out, at, 32, Number(v >> 32n));
    return writeCell(out, at, 32, Number(v & 0xffffffffn));
  }
  // A number cell already fits its width (checkedCell); a bigint is cut to it.
  const n = typeof value === 'number' ? value : Number(BigInt.asUintN(bits, value));
  for (let shift = bits - 8; shift >= 0; shift -= 8) out[at++] = (n >>> shift) & 0xff;
  return at;
}
