/**
 * Bounds-aware reads over the caller's bytes. A `Buffer` is a `Uint8Array`
 * whose `byteOffset` may be non-zero (pooled allocations), so every view is
 * built from `byteOffset`/`byteLength`, never from `.buffer` alone.
 */
import type { FixedType, FixedValue } from './primitives.js';
import { latin1Text } from './bytes.js';

export class ByteReader {
  readonly bytes: Uint8Array;
  /** A view on the same bytes, for multi-byte reads. */
  readonly view: DataView;

  constructor(bytes: Uint8Array) {
    // A plain Uint8Array view on the same memory: Buffer's `slice` returns a
    // view, and kept bytes must be copies that do not alias the input.
    this.bytes = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Reads one field; the caller has checked that `size` bytes are there. */
  read(t: FixedType, at: number): FixedValue {
    switch (t.kind) {
      case 'uint':
        return this.uint(at, t.size, t.endian === 'le');
      case 'flags':
      case 'enum':
        return this.uint(at, t.base.size, t.base.endian === 'le');
      case 'u64':
        return this.view.getBigUint64(at, t.endian === 'le');
      case 'ascii':
        return this.latin1(at, at + t.size);
      case 'bytes':
      case 'reserved':
        return this.bytes.slice(at, at + t.size);
    }
  }

  uint(at: number, size: number, le: boolean): number {
    const v = this.view;
    switch (size) {
      case 1:
        return v.getUint8(at);
      case 2:
        return v.getUint16(at, le);
      case 4:
        return v.getUint32(at, le);
      default: {
        // 3-byte fields (ANDD Reserved): assemble byte by byte.
        let n = 0;
        for (let i = 0; i < size; i++) {
          const b = v.getUint8(le ? at + size - 1 - i : at + i);
          n = n * 256 + b;
        }
        return n;
      }
    }
  }

  /** Bytes as latin1 text: one char per byte, so any content round-trips. */
  latin1(from: number, to: number): string {
    return latin1Text(this.bytes, from, to);
  }

  isZero(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (this.bytes[i] !== 0) return false;
    return true;
  }
}
