/**
 * A streaming TextSink (one buffer, drained when full and written again)
 * gives the same bytes as one that keeps its text, and says when a rewind
 * can no longer take text back.
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
});
