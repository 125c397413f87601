/**
 * Reading property bytes the way a DT consumer does: big-endian 32-bit
 * cells, multi-cell numbers, NUL-separated string lists.
 */
import { readByteString } from './byte-string.js';

/** The value as 32-bit cells; undefined when its length is not a multiple of 4. */
export function u32Cells(bytes: Uint8Array): number[] | undefined {
  if (bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(view.getUint32(i));
  return out;
}

/** A single-cell value (`#iommu-cells = <1>`); undefined unless exactly 4 bytes. */
export function u32Value(bytes: Uint8Array | undefined): number | undefined {
  return bytes && bytes.length === 4 ? u32Cells(bytes)![0] : undefined;
}

/** `count` cells from `at` as one number, most significant first (a 2-cell address). */
export function cellsToBigint(cells: readonly number[], at: number, count: number): bigint {
  let v = 0n;
  for (let i = 0; i < count; i++) v = (v << 32n) | BigInt(cells[at + i] ?? 0);
  return v;
}

/** A string list (`compatible`); a value not ending in NUL is not a string list. */
export function stringList(bytes: Uint8Array | undefined): string[] {
  if (!bytes || bytes.length === 0 || bytes[bytes.length - 1] !== 0) return [];
  return readByteString(bytes, 0, bytes.length - 1).split('\0');
}
