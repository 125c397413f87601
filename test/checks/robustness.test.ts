/**
 * No broken table makes `check` or `diff` throw: mutants of the fixture and
 * example DMARs (bytes flipped, the table cut short, lengths patched so that
 * the decoder reaches the structures) are checked against the fixture
 * platform and diffed against their parent. Only InputError (exit 2) may
 * leave, for bytes that are no table at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeChecksum } from '../../src/acpi/header.js';
import { checkInputs } from '../../src/checks/check-inputs.js';
import { loadInput } from '../../src/io/load-input.js';
import { InputError } from '../../src/diagnostic.js';
import { diffTables } from '../../src/diff/diff-tables.js';
import { formatDiff } from '../../src/diff/format-diff.js';
import { prng, below, type Rng } from '../../src/fuzz/prng.js';
import { formatSummary } from '../../src/checks/summary.js';
import { REPO_ROOT } from '../support/paths.js';

const dir = join(REPO_ROOT, 'test/fixtures/checks');
const platform = { file: 'platform.yaml', text: readFileSync(join(dir, '_platform.topology.yaml'), 'utf8') };
const parents = await Promise.all(
  readdirSync(dir)
    .filter((f) => f.endsWith('.dsl'))
    .map(async (f) => (await loadInput(f, readFileSync(join(dir, f)))).tables[0]!.bytes),
);

function mutant(parent: Uint8Array, rnd: Rng): Uint8Array {
  let b = parent.slice();
  const edits = 1 + below(rnd, 4);
  for (let i = 0; i < edits; i++) {
    const at = 36 + below(rnd, Math.max(1, b.length - 36));
    if (rnd() < 0.15) b = b.slice(0, at);
    else if (at < b.length) b[at] = below(rnd, 256);
  }
  // Keep Length and checksum right most of the time, so the structures are reached.
  if (b.length >= 36 && rnd() < 0.8) {
    new DataView(b.buffer).setUint32(4, b.length, true);
    b[9] = computeChecksum(b);
  }
  return b;
}

describe('check and diff never throw on broken tables', () => {
  it(`${parents.length} fixture DMARs, 6 mutants each`, async () => {
    const rnd = prng(20251121);
    let checked = 0;
    for (const parent of parents) {
      const original = (await loadInput('parent.dat', parent)).tables;
      for (let i = 0; i < 6; i++) {
        const bytes = mutant(parent, rnd);
        try {
          const input = await loadInput('mutant.dat', bytes);
          const result = checkInputs([input], { topology: platform });
          formatSummary(result.summary);
          formatDiff(diffTables({ tables: original }, { tables: input.tables }), { hex: true });
          checked++;
        } catch (e) {
          if (!(e instanceof InputError)) throw new Error(`mutant ${Buffer.from(bytes).toString('hex')}: ${String((e as Error).stack)}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(parents.length * 4);
  });
});
