/**
 * Every crash the fuzzer ever found, replayed: each saved input
 * (test/fixtures/hostile/crashes/<target>-<hash>.bin) must now run through
 * its target without a crash, a broken invariant, or too much time or heap.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeOnce } from '../../src/fuzz/engine.js';
import { crashFiles, crashTarget } from '../../src/fuzz/seeds.js';
import { targetNamed } from '../../src/fuzz/targets.js';

const files = crashFiles();

describe('saved fuzz crashes stay fixed', () => {
  it('every saved crash names a fuzz target', () => {
    expect(files.map((f) => crashTarget(f)).filter((t) => !targetNamed(t))).toEqual([]);
  });

  it.each(files.map((f) => [basename(f), f] as const))('%s', async (_name, file) => {
    const target = targetNamed(crashTarget(file))!;
    const problem = await executeOnce(await target.load(), new Uint8Array(readFileSync(file)));
    expect(problem).toBeUndefined();
  });
});
