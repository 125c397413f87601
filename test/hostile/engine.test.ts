/**
 * The fuzzer's own judgement: what counts as a crash (and what does not),
 * one report per cause, and runs that repeat from their seed.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import { execTimeLimit, HEAP_GROWTH_LIMIT_BYTES } from '../../src/fuzz/budget.js';
import { InvariantError } from '../../src/fuzz/checks.js';
import { crashSignature, executeOnce } from '../../src/fuzz/engine.js';
import { mutate } from '../../src/fuzz/mutate.js';
import { prng } from '../../src/fuzz/prng.js';

const input = new Uint8Array(8);

describe('executeOnce', () => {
  it('lets the documented InputError pass and returns nothing for a quiet run', async () => {
    expect(await executeOnce(() => undefined, input)).toBeUndefined();
    expect(await executeOnce(() => {
      throw new InputError([{ severity: 'error', code: 'x', message: 'not an input' }]);
    }, input)).toBeUndefined();
  });

  it('calls any other exception, sync or async, a crash', async () => {
    expect(await executeOnce(() => (undefined as unknown as { x: number }).x, input)).toMatchObject({ kind: 'exception', message: expect.stringContaining('TypeError') });
    expect(await executeOnce(async () => {
      throw new RangeError('Maximum call stack size exceeded');
    }, input)).toMatchObject({ kind: 'exception', message: 'RangeError: Maximum call stack size exceeded' });
  });

  it('calls silent data loss a broken invariant', async () => {
    expect(await executeOnce(() => {
      throw new InvariantError('decode→encode changed the table');
    }, input)).toMatchObject({ kind: 'invariant' });
  });

  it('calls a polluted Object.prototype a broken invariant, and cleans it', async () => {
    const problem = await executeOnce(() => {
      (Object.prototype as Record<string, unknown>)['polluted'] = true;
    }, input);
    expect(problem).toMatchObject({ kind: 'invariant', message: 'a prototype gained polluted' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it(`calls an execution over its time limit slow only when it is slow three times running`, async () => {
    const limit = execTimeLimit(input.length);
    let runs = 0;
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    expect(await executeOnce(() => spin(++runs === 1 ? limit + 50 : 0), input)).toBeUndefined(); // a load spike
    expect(await executeOnce(() => spin(limit + 50), input)).toMatchObject({ kind: 'slow' });
  }, 30_000);

  it(`calls heap growth over ${HEAP_GROWTH_LIMIT_BYTES / 2 ** 20} MiB a memory crash`, async () => {
    const kept: unknown[] = [];
    const problem = await executeOnce(() => {
      for (let i = 0; i < 40; i++) kept.push(new Array(1 << 20).fill(i + 0.5)); // 40 × 8 MiB of doubles
    }, input);
    expect(problem).toMatchObject({ kind: 'memory' });
    kept.length = 0;
  }, 30_000);

  it('gives one signature to one cause, whatever numbers its message has', () => {
    const stack = 'TypeError: x\n    at f (/repo/src/acpi/a.ts:1:2)';
    expect(crashSignature({ kind: 'exception', message: 'length 12 past 40', stack }))
      .toBe(crashSignature({ kind: 'exception', message: 'length 7 past 99', stack }));
  });
});

describe('mutation', () => {
  it('repeats from its seed and never changes its input', () => {
    const base = Uint8Array.from({ length: 64 }, (_, i) => i);
    const run = (seed: number) => {
      const rnd = prng(seed);
      return Array.from({ length: 50 }, () => Array.from(mutate(base, 'binary', { rnd, corpus: [base], dictionary: [], maxBytes: 256 })));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    expect(Array.from(base)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  it('keeps text mutants within the size limit', () => {
    const rnd = prng(1);
    const text = new TextEncoder().encode('a: 1\nb: [2, 3]\n');
    for (let i = 0; i < 500; i++) {
      expect(mutate(text, 'text', { rnd, corpus: [text], dictionary: ['&a ', '*a'], maxBytes: 64 }).length).toBeLessThanOrEqual(64);
    }
  });
});
