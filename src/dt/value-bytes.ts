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

export function cellValue(cell: DtCell, resolve: RefResolver): bigint {
  if (typeof cell === 'bigint') return cell;
  if (cell.kind === 'unresolved') return 0n;
  return BigInt(resolve(cell)?.phandle ?? UNRESOLVED_PHANDLE);
}

export function encodeValue(value: readonly DtChunk[], resolve: RefResolver): Uint8Array {
  const out = new Uint8Array(value.reduce((n, c) => n + chunkLength(c, resolve), 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const chunk of value) {
    switch (chunk.kind) {
      case 'cells':
        for (const cell of chunk.cells) {
          writeCell(view, at, chunk.bits, cellValue(cell, resolve));
          at += chunk.bits / 8;
        }
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
  return out;
}

function writeCell(view: DataView, at: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(bits, value);
  if (bits === 8) view.setUint8(at, Number(v));
  else if (bits === 16) view.setUint16(at, Number(v));
  else if (bits === 32) view.setUint32(at, Number(v));
  else view.setBigUint64(at, v);
}
