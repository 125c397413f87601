/**
 * The growable byte buffer of encode (ACPI tables, encode.ts; a DTB's
 * structure block, dt/dtb-write.ts): fields are appended, derived fields
 * (lengths, counts, checksums) are patched in place once what they describe
 * has been written. It doubles when full: sizing the output in a pass of its
 * own first costs as much again.
 */
import { sizeOfType, type FixedType, type FixedValue } from './primitives.js';

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private used = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  get position(): number {
    return this.used;
  }

  /**
   * The buffer itself, bytes [0, position) written, for a writer that fills
   * reserved bytes in place (dt/value-bytes.ts writeValue). Another after a
   * skip or append that grows it: read it again after each.
   */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** Reserves `n` zero bytes at the end and returns their offset. */
  skip(n: number): number {
    this.ensure(n);
    const at = this.used;
    this.used += n;
    return at;
  }

  append(t: FixedType, v: FixedValue): void {
    const at = this.skip(sizeOfType(t));
    this.put(t, at, v);
  }

  appendBytes(b: Uint8Array): void {
    const at = this.skip(b.length);
    this.buf.set(b, at);
  }

  appendLatin1(s: string): void {
    const at = this.skip(s.length);
    for (let i = 0; i < s.length; i++) this.buf[at + i] = s.charCodeAt(i) & 0xff;
  }

  /** Writes a field at an offset already reserved (used for back-patching). */
  put(t: FixedType, at: number, v: FixedValue): void {
    switch (t.kind) {
      case 'uint':
        this.putUint(at, t.size, t.endian === 'le', v as number);
        return;
      case 'flags':
      case 'enum':
        this.putUint(at, t.base.size, t.base.endian === 'le', v as number);
        return;
      case 'u64':
        this.view.setBigUint64(at, v as bigint, t.endian === 'le');
        return;
      case 'ascii': {
        const s = v as string;
        for (let i = 0; i < t.size; i++) this.buf[at + i] = i < s.length ? s.charCodeAt(i) & 0xff : t.pad;
        return;
      }
      case 'bytes':
      case 'reserved':
        this.buf.set(v as Uint8Array, at);
        return;
    }
  }

  putUint(at: number, size: number, le: boolean, n: number): void {
    for (let i = 0; i < size; i++) {
      const shift = 8 * (le ? i : size - 1 - i);
      this.buf[at + i] = Math.floor(n / 2 ** shift) & 0xff;
    }
  }

  /** put(u32be, at, n) without its switch: FDT's tokens, lengths and cells, several per property of a large tree. */
  putU32be(at: number, n: number): void {
    this.view.setUint32(at, n);
  }

  byteAt(at: number): number {
    return this.buf[at]!;
  }

  setByte(at: number, b: number): void {
    this.buf[at] = b;
  }

  /** The written bytes (a copy sized exactly). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.used);
  }

  private ensure(n: number): void {
    if (this.used + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.used + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
