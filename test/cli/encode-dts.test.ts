/**
 * `ridmap encode board.dts`: the DTB dtc makes of the same source, byte for
 * byte (dtc as the oracle, test/dt/support.ts), for the syntax tour, a DTS
 * with an /include/, every example board as ridmap and as dtc print it and a
 * large generated board; `<name>.dtb` here by default, `-o FILE` otherwise;
 * bad source is exit 2 with file:line:column and nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dtFromTopology, encodeDtb, formatDts } from '../../src/dt/index.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { generatedBoard } from '../dt/generated-board.js';
import { dtc, dtExamples, haveDtc } from '../dt/support.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const HAVE_DTC = haveDtc();
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-encode-dts-'));
const FIXTURES = join(REPO_ROOT, 'test/fixtures/dt');

/** `ridmap encode FILE -o OUT` and dtc of the same file: both exit 0 and write the same bytes. */
async function expectDtcBytes(file: string): Promise<void> {
  const out = join(tmp, `${file.split('/').pop()}.dtb`);
  const run = await runCli('encode', file, '-o', out);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const ours = readFileSync(out);
  expect(run.stdout).toBe(`${out}  DTB, ${ours.length} bytes\n`);
  if (!HAVE_DTC) return;
  // -q: dtc's warnings are not the point here (dtc-oracle.test.ts has them all on), and thousands overflow the pipe.
  // -i: dtc reads a copy of the file elsewhere, so its includes are found through the file's own directory.
  const r = dtc(readFileSync(file), 'dts', 'dtb', ['-q', '-i', dirname(file)]);
  expect(r.status).toBe(0);
  expect(ours.toString('hex')).toBe(r.stdout.toString('hex'));
}

function written(name: string, text: string | Uint8Array): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe('encode of a DTS', () => {
  it('the syntax tour (read by tree-sitter) compiles to dtc\'s DTB', async () => {
    await expectDtcBytes(join(FIXTURES, 'syntax-tour.dts'));
  });

  it('a DTS with an /include/ beside it compiles to dtc\'s DTB', async () => {
    await expectDtcBytes(join(FIXTURES, 'board-with-include.dts'));
  });

  for (const { name, topology } of dtExamples()) {
    it(`${name}: the board DTS, and dtc's DTS of its DTB, compile to dtc's DTB`, async () => {
      const tree = dtFromTopology(resolveTopology(topology)).tree;
      await expectDtcBytes(written(`${name}.dts`, formatDts(tree)));
      if (!HAVE_DTC) return;
      const printed = dtc(encodeDtb(tree), 'dtb', 'dts');
      await expectDtcBytes(written(`${name}-dtc.dts`, printed.stdout));
    });
  }

  it('a large generated board compiles to dtc\'s DTB', async () => {
    await expectDtcBytes(written('generated.dts', generatedBoard(3000)));
  });

  it('a DTS whose first line is /include/ (its /dts-v1/; in the include) is read as DTS: encode, decode and check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-encode-include-first-'));
    writeFileSync(join(dir, 'soc.dtsi'), '/dts-v1/;\n/ {\n\tmodel = "soc";\n\tsmmu: iommu@9050000 { #iommu-cells = <1>; };\n};\n');
    const file = join(dir, 'board.dts');
    writeFileSync(file, '/include/ "soc.dtsi"\n\n/ {\n\tcompatible = "board";\n\tdev { iommus = <&smmu 0x10>; };\n};\n');
    await expectDtcBytes(file);
    const decoded = await runCli('decode', file);
    expect(decoded.stderr).toBe('');
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('\tmodel = "soc";\n\tcompatible = "board";\n');
    expect(decoded.stdout).toContain('iommus = <&smmu 0x10>;');
    const checked = await runCli('check', file);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    // An include it may not read is refused as the DTS reader refuses it, not as unknown input or bad JSON.
    const outside = written('include-first-outside.dts', '/include/ "../../../etc/passwd"\n/ { };\n');
    const refused = await runCli('encode', outside, '-o', join(tmp, 'include-first-outside.dtb'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^${outside}:1:1: error \\[dts-include-refused\\]`));
    expect(existsSync(join(tmp, 'include-first-outside.dtb'))).toBe(false);
  });

  it('values larger than the writer\'s first buffer (one property of 200 KB, a path reference after it) compile to dtc\'s DTB', async () => {
    const big = Array.from({ length: 200_000 }, (_, i) => (i % 256).toString(16).padStart(2, '0')).join(' ');
    const cells = Array.from({ length: 20_000 }, (_, i) => `0x${(i * 2654435761 % 2 ** 32).toString(16)}`).join(' ');
    await expectDtcBytes(written('big-values.dts', `/dts-v1/;\n/ {\n\ta: a { blob = [${big}]; };\n\tb { cells = <${cells}>; path = &a; ref = <&a>; };\n};\n`));
  });

  it('a node of 20,000 properties that a later body redefines (read by tree-sitter: expressions) compiles to dtc\'s DTB', async () => {
    // Each redefinition replaces its property in place (dts-assembly.ts setProperty, by an index of the names: looking
    // through the list each time was 6 s of CPU here). The values after the merge are the redefined ones, in the old order.
    const n = 20_000;
    const first = Array.from({ length: n }, (_, i) => `\tp${i} = <${i}>;`).join('\n');
    const again = Array.from({ length: n }, (_, i) => `\tp${n - 1 - i} = <(${n - 1 - i} + 1)>;`).join('\n');
    const file = written('wide.dts', `/dts-v1/;\n/ {\n\tl: wide {\n${first}\n\t\tq = "new";\n\t};\n};\n&l {\n${again}\n\tz;\n};\n`);
    await expectDtcBytes(file);
    const decoded = await runCli('decode', join(tmp, 'wide.dts.dtb'));
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('\t\tp0 = <0x01>;\n\t\tp1 = <0x02>;\n');
    expect(decoded.stdout).toContain(`\t\tp${n - 1} = <0x${n.toString(16)}>;\n\t\tq = "new";\n\t\tz;\n`);
  });

  it('writes NAME.dtb in the current directory by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-encode-cwd-'));
    const file = written('named.dts', '/dts-v1/;\n/ { a = <1>; };\n');
    const before = process.cwd();
    process.chdir(dir);
    try {
      const run = await runCli('encode', file);
      expect(run.code).toBe(0);
      const size = readFileSync(join(dir, 'named.dtb')).length;
      expect(run.stdout).toBe(`named.dtb  DTB, ${size} bytes\n`);
    } finally {
      process.chdir(before);
    }
  });

  it('a syntax error is exit 2 naming file:line:column, and nothing is written', async () => {
    const file = written('broken.dts', '/dts-v1/;\n/ {\n\ta = <1>;\n\tb = <2\n};\n');
    const out = join(tmp, 'broken.dtb');
    const run = await runCli('encode', file, '-o', out);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${file}:\\d+:\\d+: error \\[dts-syntax\\]`, 'm'));
    expect(run.stderr).not.toContain('    at ');
    expect(existsSync(out)).toBe(false);
  });

  it('a reference that names no node is exit 2 naming where it is written and the property, and nothing is written', async () => {
    const file = written('dangling.dts', '/dts-v1/;\n/ { a { x = <&nowhere>; }; };\n');
    const out = join(tmp, 'dangling.dtb');
    const run = await runCli('encode', file, '-o', out);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${file}:2:14:/a/x: error [dts-dangling-reference]: reference &nowhere names no node\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('100,000 nested nodes: exit 2 with dts-too-deep, no overflow', async () => {
    const n = 100_000;
    const file = written('deep.dts', `/dts-v1/;\n/ {\n${'a {\n'.repeat(n)}${'};\n'.repeat(n)}};\n`);
    const run = await runCli('encode', file, '-o', join(tmp, 'deep.dtb'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[dts-too-deep]');
    expect(run.stderr).not.toContain('internal error');
  });
});
