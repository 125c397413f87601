/**
 * A topology nested absurdly deep, in every YAML shape that nests: explicit
 * keys (`? ? ?`), flow sequences and mappings, block sequences (`- - -`) and
 * block mappings. The `yaml` parser recurses once per level, so these must be
 * refused before it runs: exit 2 with `yaml-too-deep` naming the file, never
 * a stack overflow (exit 3) and never a hang.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_DEPTH } from '../../src/limits.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-deep-'));

const shapes: [string, (n: number) => string][] = [
  ['explicit keys `? ? ?`', (n) => `${'? '.repeat(n)}a\n`],
  ['explicit keys `? ? ?` under a key', (n) => `name: x\nd:\n  ${'? '.repeat(n)}a\n`],
  ['block sequences `- - - -`', (n) => `${'- '.repeat(n)}1\n`],
  ['block sequences `- - - -` under a key', (n) => `name: x\nd:\n  ${'- '.repeat(n)}1\n`],
  ['flow sequences `[[[[`', (n) => `name: x\nd: ${'['.repeat(n)}${']'.repeat(n)}\n`],
  ['flow mappings `{a: {a:`', (n) => `name: x\nd: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
  ['`? - ` and `[` mixed', (n) => `${'? - [ '.repeat(Math.ceil(n / 3))}a\n`],
];

/** A block mapping per line, each indented one more: the size limit allows about 1,400 of these. */
const staircase = (n: number): string => `name: x\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;

async function refusedAsTooDeep(name: string, text: string): Promise<void> {
  const file = join(tmp, name);
  writeFileSync(file, text);
  const started = performance.now();
  const run = await runCli('check', file);
  expect(performance.now() - started).toBeLessThan(10_000);
  expect(run.stderr).not.toMatch(/stack|RangeError|internal error/i);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+:.*error \\[yaml-too-deep\\]`));
}

describe('a topology nested 10,000 and 100,000 deep', () => {
  for (const depth of [10_000, 100_000]) {
    shapes.forEach(([shape, make], i) => {
      it(`${shape}, ${depth} deep: exit 2, yaml-too-deep with the file name`, async () => {
        await refusedAsTooDeep(`deep-${depth}-${i}.yaml`, make(depth));
      });
    });
  }

  it('flow sequences 900 deep: under the old flow-only pre-scan (1,024), over the parser\'s stack', async () => {
    await refusedAsTooDeep('flow-900.yaml', shapes[4]![1](900));
  });

  it('block mappings one more space in on each line, 1,400 deep (as deep as the size limit allows)', async () => {
    await refusedAsTooDeep('staircase.yaml', staircase(1400));
  });

  it(`a topology nested ${MAX_YAML_DEPTH / 2} deep is only refused by the schema, not as too deep`, async () => {
    const file = join(tmp, 'shallow.yaml');
    writeFileSync(file, `name: x\nd:\n  ${'- '.repeat(MAX_YAML_DEPTH / 2)}1\n${staircase(MAX_YAML_DEPTH / 2).slice('name: x\n'.length)}`);
    const run = await runCli('check', file);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('yaml-too-deep');
    expect(run.stderr).toContain('[unknown-property]');
  });
});
