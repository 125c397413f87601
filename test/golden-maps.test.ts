/**
 * The map of every example topology, in every text form, against the golden
 * files in golden/<example>/. UPDATE_GOLDEN=1 rewrites them (then review the
 * diff like any other change).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, TABLES_DIR } from './support/paths.js';
import { runCli } from './support/run-cli.js';

const examples = readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const forms = [
  { file: 'map.json', format: 'json' },
  { file: 'map.txt', format: 'text' },
  { file: 'tree.txt', format: 'tree' },
  { file: 'topology.dot', format: 'dot' },
];

describe('golden maps of the example topologies', () => {
  it('there are examples', () => expect(examples.length).toBeGreaterThanOrEqual(5));
  for (const example of examples) {
    const name = basename(example, '.yaml');
    for (const form of forms) {
      it(`${name} ${form.file}`, async () => {
        const run = await runCli('map', join(TABLES_DIR, example), '--format', form.format);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const golden = join(GOLDEN_DIR, name, form.file);
        if (process.env['UPDATE_GOLDEN'] || !existsSync(golden)) {
          if (process.env['CI']) throw new Error(`golden file ${golden} missing in CI`);
          mkdirSync(join(GOLDEN_DIR, name), { recursive: true });
          writeFileSync(golden, run.stdout);
        }
        expect(run.stdout).toBe(readFileSync(golden, 'utf8'));
      });
    }
  }
});
