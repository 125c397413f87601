/**
 * The CI pass of the coverage-guided fuzzer: every target for a few
 * seconds, in-process, from its seeds and saved crashes. Any crash fails
 * the test and prints the input; `npm run fuzz -- --seconds N` runs longer,
 * in workers with a hang and heap watchdog, and saves what it finds.
 */
import { describe, expect, it } from 'vitest';
import { formatCrash } from '../../src/fuzz/crash.js';
import { fuzz } from '../../src/fuzz/engine.js';
import { TARGETS } from '../../src/fuzz/targets.js';

const SECONDS = 2.5;
/** Seeds per target here (the saved crashes always among them), so that most of the time goes to mutants. */
const SEEDS = 40;

describe('bounded fuzzing pass', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s', async (_name, target) => {
    const stats = await fuzz(target, { seconds: SECONDS, seed: 1, maxSeeds: SEEDS });
    console.log(`fuzz ${target.name}: ${stats.execs} execs (${stats.execsPerSecond}/s), corpus ${stats.corpus}, features ${stats.features}`);
    expect(stats.crashes.map((c) => formatCrash(c))).toEqual([]);
    // Coverage must be seen, or the loop is blind (the tracker started too late, or filters everything out).
    expect(stats.features).toBeGreaterThan(100);
  }, 120_000);
});
