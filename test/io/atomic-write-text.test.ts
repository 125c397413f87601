/**
 * Text is staged a megacharacter at a time (io/atomic-write.ts): a
 * million-endpoint build's map.json is hundreds of MB, and encoding it whole
 * made a buffer as large again. The chunks never split a surrogate pair.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { stageFile } from '../../src/io/atomic-write.js';

/** The byte counts of stageFile's writeSync calls. */
const writes = vi.hoisted(() => ({ lengths: [] as number[] }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    writes.lengths.push(length);
    return real.writeSync(fd, buffer, offset, length);
  }) as unknown as typeof real.writeSync;
  return { ...real, default: { ...real, writeSync }, writeSync };
});

const dir = mkdtempSync(join(tmpdir(), 'ridmap-atomic-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  writes.lengths = [];
});

const MI = 1 << 20;

describe('staging text', () => {
  it('writes a long text in pieces of at most a megacharacter, the file whole', () => {
    const text = 'x'.repeat(2 * MI + 12345);
    const path = join(dir, 'long.txt');
    stageFile(path, text).commit();
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(writes.lengths.length).toBe(3);
    expect(Math.max(...writes.lengths.slice(0, 3))).toBeLessThanOrEqual(MI);
  });

  it('never splits a surrogate pair between two pieces', () => {
    // '😀' is two UTF-16 units: placed so that its high half is the last unit of the first megacharacter.
    const text = `${'a'.repeat(MI - 1)}😀${'b'.repeat(10)}`;
    const path = join(dir, 'pair.txt');
    stageFile(path, text).commit();
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readFileSync(path).includes(Buffer.from('😀', 'utf8'))).toBe(true);
  });

  it('writes text given in pieces the same way', () => {
    const path = join(dir, 'pieces.txt');
    stageFile(path, { pieces: (put) => ['one\n', 'two ', '😀\n'].forEach(put) }).commit();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo 😀\n');
  });
});
