/**
 * An append-only ASCII text buffer. Text output of a large table is millions
 * of short lines; writing their characters straight into byte chunks avoids a
 * string (and garbage) per line and per number, which is what keeps a 1 MB
 * DMAR's text faster than iasl's.
 *
 * Given a drain, the sink streams: each filled chunk goes to the drain and
 * the same buffer is written again. Fresh memory is what large text cost most
 * (a 1 MB DMAR's 51 MB of text, zeroed by the allocator and then paged in),
 * and a buffer that is reused stays in the cache.
 */
import { concatBytes, latin1Text } from './bytes.js';

const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70]);
/** Lower-case hex digits as ASCII codes (also for writers that fill bytes themselves, through room: dt/dts-value-text.ts). */
export const HEX_LOWER = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const SPACE = 32;
const ZERO = 48;
const NEWLINE = 10;
const CHUNK = 1 << 20;
/** A streaming sink's one buffer: a pipe's capacity, and small enough to stay in a core's cache. */
const STREAM_CHUNK = 1 << 16;

function decimalLength(n: number): number {
  let len = 1;
  for (let v = Math.floor(n / 10); v > 0; v = Math.floor(v / 10)) len++;
  return len;
}

/** Right-aligned label bytes by width, then by text: labels are few and constant, and a batch of tables makes a sink per table. */
const paddedLabels = new Map<number, Map<string, Uint8Array>>();

/** A place in a sink's text (mark, rewind). */
export interface SinkMark {
  readonly chunks: number;
  readonly pos: number;
  readonly buf: Uint8Array<ArrayBuffer>;
  /** How many chunks the sink had drained then: text drained since cannot be taken back. */
  readonly drained: number;
}

/**
 * Takes a streaming sink's filled chunk. The sink writes into the same bytes
 * once it returns, so it must write them out or copy them before.
 */
export type SinkDrain = (bytes: Uint8Array) => void;

export class TextSink {
  private readonly full: Uint8Array[] = [];
  private buf: Uint8Array<ArrayBuffer>;
  /**
   * Where the next byte goes in the buffer room() returns. A writer that
   * fills bytes itself sets it past what it wrote (see room).
   */
  pos = 0;
  private drained = 0;

  /** Without a drain the text is kept (toString, chunks); with one it is streamed to it (flush at the end). */
  constructor(private readonly drain?: SinkDrain) {
    this.buf = new Uint8Array(drain ? STREAM_CHUNK : 4096);
  }

  /**
   * For writers that fill bytes themselves (dt/dts-value-text.ts, dt/dtb-print.ts),
   * as the methods here do: the buffer to write up to `n` bytes into, from
   * `pos`; the writer then sets `pos` past the bytes it wrote. The buffer (and
   * `pos`) may be others after each call: a streaming sink drains its buffer
   * and writes it again, a keeping sink starts a new chunk. So neither is held
   * across a call, and no more than `n` bytes are written before the next.
   */
  room(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) this.grow(n);
    return this.buf;
  }

  /** Latin1 characters (only ASCII is ever written). */
  str(s: string): this {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
    return this;
  }

  line(s: string): this {
    return this.str(s).nl();
  }

  nl(): this {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = NEWLINE;
    return this;
  }

  /** `text` right-aligned in `width` columns (C's `%*s`), cached: labels are few and constant. */
  padLeft(text: string, width: number): this {
    let byText = paddedLabels.get(width);
    if (!byText) paddedLabels.set(width, (byText = new Map()));
    let b = byText.get(text);
    if (!b) byText.set(text, (b = TextSink.padded(text, width)));
    return this.bytes(b);
  }

  /**
   * iasl's line head `[OOOh DDDD  W] ` followed by `label` (already padded,
   * as bytes) and ` : `. The part after the offsets is the same on every line
   * of a field, so it comes from fieldTail once and is copied here.
   */
  fieldHead(offset: number, widthColumn: string, label: Uint8Array): this {
    return this.fieldHeadTail(offset, TextSink.fieldTail(widthColumn, label));
  }

  /** The line head of `offset` followed by a fieldTail: this runs once per output line. */
  fieldHeadTail(offset: number, tail: Uint8Array): this {
    if (offset > 0xfffffff) return this.str('[').hex(offset, 3).str('h ').dec(offset, 4).bytes(tail);
    const need = 16 + tail.length;
    if (this.pos + need > this.buf.length) this.grow(need);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 91; // [
    const hexLen = offset < 0x1000 ? 3 : offset < 0x10000 ? 4 : offset < 0x100000 ? 5 : offset < 0x1000000 ? 6 : 7;
    for (let i = hexLen - 1, v = offset; i >= 0; i--, v >>>= 4) buf[p + i] = HEX[v & 15]!;
    p += hexLen;
    buf[p++] = 104; // h
    buf[p++] = SPACE;
    // offset < 2^28 here, so integer arithmetic is exact.
    const decLen = offset < 10000 ? 4 : offset < 100000 ? 5 : offset < 1000000 ? 6 : offset < 10000000 ? 7 : offset < 100000000 ? 8 : 9;
    for (let i = decLen - 1, v = offset; i >= 0; i--) {
      const q = (v / 10) | 0;
      buf[p + i] = ZERO + v - q * 10;
      v = q;
    }
    p += decLen;
    // The tail is the line's constant part (40 bytes and more): one native copy beats a loop here.
    buf.set(tail, p);
    this.pos = p + tail.length;
    return this;
  }

  /** ` WWW] <label> : `: what follows the offsets on a field line (the width column as the iasl form writes it, then the padded label). */
  static fieldTail(widthColumn: string, label: Uint8Array): Uint8Array {
    const head = ' ' + widthColumn + '] ';
    const tail = new Uint8Array(head.length + label.length + 3);
    for (let i = 0; i < head.length; i++) tail[i] = head.charCodeAt(i);
    tail.set(label, head.length);
    const colon = head.length + label.length;
    tail[colon] = SPACE;
    tail[colon + 1] = 58; // :
    tail[colon + 2] = SPACE;
    return tail;
  }

  bytes(b: Uint8Array): this {
    if (this.pos + b.length > this.buf.length) {
      // Bytes larger than a streaming sink's buffer (a table's JSON made the model's way) go out as they are.
      if (this.drain && b.length > this.buf.length) {
        this.flush();
        this.drain(b);
        this.drained++;
        return this;
      }
      this.grow(b.length);
    }
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** `text` right-aligned in `width` columns, as bytes to pass to fieldHead (cache it). */
  static padded(text: string, width: number): Uint8Array {
    // Written by index: Uint8Array.from(string) would iterate it, a string and a result object per character.
    const pad = text.length >= width ? 0 : width - text.length;
    const out = new Uint8Array(pad + text.length).fill(SPACE, 0, pad);
    for (let i = 0; i < text.length; i++) out[pad + i] = text.charCodeAt(i);
    return out;
  }

  /** Upper-case hex of a non-negative integer below 2^53, at least `digits` digits. */
  hex(n: number, digits: number): this {
    return this.hexIn(HEX, n, digits);
  }

  /** Lower-case hex (as DTS prints cells) of a non-negative integer below 2^53, at least `digits` digits. */
  hexLower(n: number, digits: number): this {
    return this.hexIn(HEX_LOWER, n, digits);
  }

  private hexIn(table: Uint8Array, n: number, digits: number): this {
    if (n > 0xffffffff) return this.hexIn(table, Math.floor(n / 0x100000000), digits > 8 ? digits - 8 : 1).hexIn(table, n % 0x100000000, 8);
    let len = 1;
    for (let v = n >>> 4; v !== 0; v >>>= 4) len++;
    const total = len > digits ? len : digits;
    if (this.pos + total > this.buf.length) this.grow(total);
    const buf = this.buf;
    let p = this.pos + total;
    for (let i = 0; i < total; i++) {
      buf[--p] = table[n & 15]!;
      n >>>= 4;
    }
    this.pos += total;
    return this;
  }

  /** `n` bytes from `from` as upper-case hex pairs, each followed by a space (a hex dump row). */
  hexPairs(bytes: Uint8Array, from: number, n: number): this {
    if (this.pos + 3 * n > this.buf.length) this.grow(3 * n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = from, e = from + n; i < e; i++) {
      const b = bytes[i]!;
      buf[p++] = HEX[b >> 4]!;
      buf[p++] = HEX[b & 15]!;
      buf[p++] = SPACE;
    }
    this.pos = p;
    return this;
  }

  /** `n` bytes from `from` as printable ASCII, others as `.` (a hex dump's text column). */
  printable(bytes: Uint8Array, from: number, n: number): this {
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = from, e = from + n; i < e; i++) {
      const c = bytes[i]!;
      buf[p++] = c >= 0x20 && c <= 0x7e ? c : 46;
    }
    this.pos = p;
    return this;
  }

  /**
   * One row of iasl's Raw Table Data dump: the offset (`%8.4X`), `: `, the
   * `n` (at most 16) bytes from `from` as hex pairs padded to 16, ` // ` and
   * their printable ASCII, a newline. One bounds check per row: a 1 MB
   * table's dump is 65k rows.
   */
  dumpRow(offset: number, bytes: Uint8Array, from: number, n: number): this {
    if (offset > 0xffffffff) {
      return this.hex(offset, 4).str(': ').hexPairs(bytes, from, n).spaces(3 * (16 - n)).str(' // ').printable(bytes, from, n).nl();
    }
    if (this.pos + 80 > this.buf.length) this.grow(80);
    const buf = this.buf;
    let p = this.pos;
    let digits = 4;
    while (digits < 8 && offset >>> (4 * digits) !== 0) digits++;
    for (let i = digits; i < 8; i++) buf[p++] = SPACE;
    for (let i = digits - 1; i >= 0; i--) buf[p++] = HEX[(offset >>> (4 * i)) & 15]!;
    buf[p++] = 58; // :
    buf[p++] = SPACE;
    for (let i = from, e = from + n; i < e; i++) {
      const b = bytes[i]!;
      buf[p++] = HEX[b >> 4]!;
      buf[p++] = HEX[b & 15]!;
      buf[p++] = SPACE;
    }
    for (let i = 3 * n; i < 48; i++) buf[p++] = SPACE;
    buf[p++] = SPACE;
    buf[p++] = 47; // /
    buf[p++] = 47;
    buf[p++] = SPACE;
    for (let i = from, e = from + n; i < e; i++) {
      const c = bytes[i]!;
      buf[p++] = c >= 0x20 && c <= 0x7e ? c : 46;
    }
    buf[p++] = NEWLINE;
    this.pos = p;
    return this;
  }

  /** Upper-case hex of a 64-bit value, 16 digits (iasl's `%8.8X%8.8X`). */
  hex64(v: bigint): this {
    return this.hex(Number(v >> 32n), 8).hex(Number(v & 0xffffffffn), 8);
  }

  /** Decimal, zero-padded to at least `digits` digits. */
  dec(n: number, digits: number): this {
    if (n < 10 && digits <= 1 && n >= 0 && (n | 0) === n) {
      // One digit: most of a table's JSON values (types, flags, device and function numbers).
      if (this.pos + 1 > this.buf.length) this.grow(1);
      this.buf[this.pos++] = ZERO + n;
      return this;
    }
    const len = decimalLength(n);
    return this.decimal(n, len > digits ? len : digits);
  }

  /** Decimal right-aligned in `width` columns (C's `%3d`). */
  decRight(n: number, width: number): this {
    const len = decimalLength(n);
    if (len < width) this.spaces(width - len);
    return this.decimal(n, len);
  }

  spaces(n: number): this {
    return this.repeat(SPACE, n);
  }

  /** `count` zero digits (an all-zero field). */
  zeros(count: number): this {
    return this.repeat(ZERO, count);
  }

  private repeat(byte: number, n: number): this {
    if (this.pos + n > this.buf.length) this.grow(n);
    this.buf.fill(byte, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Where the text ends now, to go back to with rewind (a fast path that finds it cannot finish). */
  mark(): SinkMark {
    return { chunks: this.full.length, pos: this.pos, buf: this.buf, drained: this.drained };
  }

  /**
   * Drops what was written since `m`; false (and nothing dropped) when a
   * streaming sink has already drained some of it. A sink without a drain
   * always can.
   */
  rewind(m: SinkMark): boolean {
    if (m.drained !== this.drained) return false;
    this.full.length = m.chunks;
    this.buf = m.buf;
    this.pos = m.pos;
    return true;
  }

  /** A streaming sink's text so far goes to its drain (before other output, and at the end); no-op without a drain. */
  flush(): this {
    if (this.drain && this.pos > 0) {
      this.drain(this.buf.subarray(0, this.pos));
      this.drained++;
      this.pos = 0;
    }
    return this;
  }

  /** The text; chunks are decoded one by one so the bytes are never copied into one buffer. */
  toString(): string {
    const parts = this.chunks().map((c) => latin1Text(c));
    return parts.length === 1 ? parts[0]! : parts.join('');
  }

  /** The bytes written, as one array. */
  toBytes(): Uint8Array {
    return concatBytes(this.chunks());
  }

  /** The bytes written, in order (for writing to a stream without building a string). */
  chunks(): Uint8Array[] {
    return [...this.full, this.buf.subarray(0, this.pos)];
  }

  private decimal(n: number, total: number): this {
    if (this.pos + total > this.buf.length) this.grow(total);
    const buf = this.buf;
    let p = this.pos + total;
    for (let i = 0; i < total; i++) {
      const q = Math.floor(n / 10);
      buf[--p] = ZERO + (n - q * 10);
      n = q;
    }
    this.pos += total;
    return this;
  }

  /**
   * Room for `n` more bytes. Streaming: the chunk is drained and its buffer
   * written again (a new one only for a write larger than it). Otherwise a new
   * chunk, twice the last up to CHUNK: a small table's text stays a few KiB
   * (a batch of 1,000 tables must not zero 1,000 MiB), a large one soon
   * writes in MiB chunks.
   */
  private grow(n: number): void {
    if (this.drain) {
      this.flush();
      if (n > this.buf.length) this.buf = new Uint8Array(n);
      return;
    }
    this.full.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(Math.min(CHUNK, 2 * this.buf.length), n));
    this.pos = 0;
  }
}
