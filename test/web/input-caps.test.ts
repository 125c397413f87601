/**
 * The page's input caps (web/src/input-caps.ts): each file under
 * MAX_INPUT_BYTES, all files of one input under MAX_PAGE_INPUT_BYTES (a drop
 * of 12 files of 60 MB took 6.9 GB), refused before reading with a message
 * the page lists among the findings. (Dropping hundreds of MB into Chromium
 * in test/web/page.test.ts would cost more than it shows.)
 */
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES, MAX_PAGE_INPUT_BYTES } from '../../src/limits.js';
import { admitFiles } from '../../web/src/input-caps.js';

const MB = 1_000_000;
const file = (name: string, size: number) => ({ name, size });

describe('admitFiles', () => {
  it('a drop of 12 files of 60 MB: the first four are taken, the rest refused with the total limit', () => {
    const drop = Array.from({ length: 12 }, (_, i) => file(`dump-${i}.txt`, 60 * MB));
    const { accepted, refused } = admitFiles(drop, 0);
    expect(accepted.map((f) => f.name)).toEqual(['dump-0.txt', 'dump-1.txt', 'dump-2.txt', 'dump-3.txt']);
    expect(accepted.reduce((n, f) => n + f.size, 0)).toBeLessThanOrEqual(MAX_PAGE_INPUT_BYTES);
    expect(refused).toHaveLength(8);
    expect(refused[0]).toEqual({
      severity: 'error', code: 'unreadable-input', file: 'dump-4.txt',
      message: `cannot read dump-4.txt: is ${60 * MB} bytes, and this input already holds ${240 * MB}; the page takes at most ${MAX_PAGE_INPUT_BYTES} bytes per input (remove files, or use the ridmap command line for larger sets)`,
    });
  });

  it('what the input already holds counts; a small file still fits after a large one is refused', () => {
    const { accepted, refused } = admitFiles([file('big.dat', MAX_PAGE_INPUT_BYTES), file('DMAR.dat', 80)], MAX_PAGE_INPUT_BYTES - 100);
    expect(accepted.map((f) => f.name)).toEqual(['DMAR.dat']);
    expect(refused.map((d) => d.file)).toEqual(['big.dat']);
  });

  it('a file over the per-file limit is refused as the CLI refuses it', () => {
    const { accepted, refused } = admitFiles([file('huge.txt', MAX_INPUT_BYTES + 1)], 0);
    expect(accepted).toEqual([]);
    expect(refused[0]!.message).toBe(`cannot read huge.txt: is ${MAX_INPUT_BYTES + 1} bytes; inputs are limited to ${MAX_INPUT_BYTES} bytes`);
  });
});
