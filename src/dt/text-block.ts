/**
 * Text written byte by byte into a block of its own, which goes to a sink
 * whole when the next piece does not fit: one sink call per block, not
 * several per line and per cell (printing a large DTB as DTS, dtb-print.ts).
 * Writers ask room() for what they write next, then write into `buf` at
 * `pos` and move `pos`; the block stays its size unless one piece is larger.
 */
import type { TextSink } from '../codec/text-sink.js';

const BLOCK_BYTES = 1 << 16;

export class TextBlock {
  buf = new Uint8Array(BLOCK_BYTES);
  pos = 0;

  constructor(private readonly sink: TextSink) {}

  /** Room for n more bytes at `pos`; `buf` and `pos` may be others afterwards. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** What is written so far, to the sink. */
  flush(): void {
    if (this.pos > 0) this.sink.bytes(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
