/**
 * A streaming TextSink (one buffer, drained when full and written again)
 * gives the same bytes as one that keeps its text, and says when a rewind
 * can no longer take text back. A writer that fills bytes itself through
 * room() and pos (the DTB printer) writes what the sink's own methods would.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, TextSink } from '../../src/codec/index.js';

/** Text that crosses many 64 KiB buffer boundaries, with a write larger than the buffer among them. */
function write(out: TextSink): TextSink {
  const big = new Uint8Array(200_000).fill(65);
  for (let i = 0; i < 30_000; i++) {
    out.fieldHeadTail(i * 4, TextSink.fieldTail('004h', TextSink.padded('Label', 20))).hex(i, 8).nl();
    if (i === 12_345) out.bytes(big).nl();
  }
  return out;
}

describe('a streaming text sink', () => {
  it('drains the same bytes as a sink that keeps them', () => {
    const drained: Uint8Array[] = [];
    // The sink writes into the drained bytes again: each is copied, as CliIo.stdout must.
    write(new TextSink((b) => drained.push(b.slice()))).flush();
    expect(drained.length).toBeGreaterThan(20);
    expect(concatBytes(drained)).toEqual(write(new TextSink()).toBytes());
  });

  it('rewinds what it has not drained yet, and refuses once part of it is out', () => {
    const drained: Uint8Array[] = [];
    const out = new TextSink((b) => drained.push(b.slice()));
    out.str('kept\n');
    let m = out.mark();
    out.str('dropped\n');
    expect(out.rewind(m)).toBe(true);
    m = out.mark();
    out.bytes(new Uint8Array(100_000).fill(66));
    expect(out.rewind(m)).toBe(false);
    out.flush();
    expect(new TextDecoder().decode(drained[0]!)).toBe('kept\n');
    expect(concatBytes(drained).length).toBe(5 + 100_000);
  });

  it('a sink without a drain always rewinds', () => {
    const out = new TextSink().str('a');
    const m = out.mark();
    out.bytes(new Uint8Array(3_000_000));
    expect(out.rewind(m)).toBe(true);
    expect(out.toString()).toBe('a');
  });

  it('room(): bytes a writer fills itself are the text str() would write, streamed or kept, across buffers', () => {
    /** Each piece through room (`byRoom`) or through str; a piece larger than a streaming sink's buffer among them. */
    const pieces = Array.from({ length: 20_000 }, (_, i) => (i === 7_777 ? 'y'.repeat(100_000) : `line ${i}\n`));
    const write = (out: TextSink, byRoom: boolean): TextSink => {
      for (const piece of pieces) {
        if (!byRoom) {
          out.str(piece);
          continue;
        }
        const buf = out.room(piece.length);
        let p = out.pos;
        for (let i = 0; i < piece.length; i++) buf[p++] = piece.charCodeAt(i);
        out.pos = p;
      }
      return out;
    };
    const expected = pieces.join('');
    expect(write(new TextSink(), false).toString()).toBe(expected);
    expect(write(new TextSink(), true).toString()).toBe(expected);
    const drained: Uint8Array[] = [];
    write(new TextSink((b) => drained.push(b.slice())), true).flush();
    expect(drained.length).toBeGreaterThan(3);
    expect(Buffer.from(concatBytes(drained)).toString('latin1')).toBe(expected);
  });

  it('room(): what a writer filled since a mark is taken back by rewind, across a new chunk', () => {
    const out = new TextSink().str('kept');
    const m = out.mark();
    const buf = out.room(10_000);
    buf.fill(0x7a, out.pos, out.pos + 10_000);
    out.pos += 10_000;
    expect(out.toString().length).toBe(10_004);
    expect(out.rewind(m)).toBe(true);
    expect(out.str('!').toString()).toBe('kept!');
  });
});

describe('padded labels and field tails', () => {
  const text = (b: Uint8Array) => String.fromCharCode(...b);
  it('right-aligns a label in its width, and keeps a longer one whole', () => {
    expect(text(TextSink.padded('Label', 8))).toBe('   Label');
    expect(text(TextSink.padded('Label', 5))).toBe('Label');
    expect(text(TextSink.padded('A longer label', 4))).toBe('A longer label');
    expect(text(TextSink.padded('', 3))).toBe('   ');
    expect(text(TextSink.padded(',', 0))).toBe(',');
  });
  it('puts the width column, the label and the colon in one tail', () => {
    expect(text(TextSink.fieldTail('004h', TextSink.padded('Revision', 10)))).toBe(' 004h]   Revision : ');
  });
});
