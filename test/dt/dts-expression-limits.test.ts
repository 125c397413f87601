/**
 * Hostile DTS expressions and macros through the CLI (issue 14, item 21):
 * they used to end in exit 3 (stack overflow in the recursive evaluator and
 * in macro expansion); now each is exit 2 with file:line and the limit hit.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DTS_EXPRESSION_DEPTH, MAX_DTS_MACRO_TOKENS } from '../../src/limits.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dts-expr-'));

async function map(name: string, text: string) {
  const file = join(tmp, `${name}.dts`);
  writeFileSync(file, text);
  return runCli('map', file);
}

const deepest = `the expression nests deeper than ${MAX_DTS_EXPRESSION_DEPTH} levels`;

describe('DTS expressions and macros are bounded', () => {
  it('parentheses 10k deep: exit 2 at the line', async () => {
    const run = await map('parens', `/dts-v1/;\n/ { a = <(${'('.repeat(10_000)}1${')'.repeat(10_000)})>; };\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`parens\\.dts:2:\\d+: error \\[dts-expression-limit\\]: ${deepest}`));
  });

  it('100k unary minus: exit 2', async () => {
    const run = await map('minus', `/dts-v1/;\n/ { a = <(${'-'.repeat(100_000)}1)>; };\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/minus\.dts:2:\d+: error \[dts-expression-limit\]/);
  });

  it('a ?: chain 20k long, and #if parentheses 10k deep: exit 2, the condition quoted short', async () => {
    const chain = `1${' ? 1 : 1'.repeat(20_000)}`;
    const parens = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
    const run = await map('ternary', `/dts-v1/;\n/ { a = <(${chain})>; };\n#if ${parens}\n#endif\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ternary\.dts:2:\d+: error \[dts-expression-limit\]/);
    expect(run.stderr).toMatch(/ternary\.dts:3:\d+: error \[dts-expression-limit\]: #if \({60}\.\.\.: the expression/);
  });

  it('macro doubling (#define A B B, 40 steps): exit 2 at the use', async () => {
    const defines = Array.from({ length: 40 }, (_, i) => `#define A${i + 1} A${i} A${i}`).join('\n');
    const run = await map('doubling', `/dts-v1/;\n#define A0 1\n${defines}\n/ { a = <A40>; };\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`doubling\\.dts:43:\\d+: error \\[dts-expression-limit\\]: macro expansion goes over ${MAX_DTS_MACRO_TOKENS} tokens`));
  });

  it('a chain of 20k macros, each naming the next, expands without recursion', async () => {
    const defines = Array.from({ length: 20_000 }, (_, i) => `#define M${i} M${i + 1}`).join('\n');
    const run = await map('chain', `/dts-v1/;\n${defines}\n#define M20000 7\n/ { a = <M0>; };\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('#if blocks 10k deep and #elif chains 10k long: exit 2 or read, never a crash', async () => {
    const nested = `/dts-v1/;\n${'#if 1\n'.repeat(10_000)}${'#endif\n'.repeat(10_000)}/ { };\n`;
    const deep = await map('ifs', nested);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/ifs\.dts:\d+:\d+: error \[dts-too-deep\]: #if blocks nest deeper than/);
    const elifs = `/dts-v1/;\n#if 0\n${'#elif 0\n'.repeat(10_000)}#else\n/ { a = <1>; };\n#endif\n`;
    const chain = await map('elifs', elifs);
    expect(chain.stderr).toBe('');
    expect(chain.code).toBe(0);
  });
});
