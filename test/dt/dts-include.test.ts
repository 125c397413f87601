/**
 * DTS includes through the CLI (issue 14): nested includes are read, from
 * the including file's directory as dtc does (item 5); includes are confined
 * to the DTS's own directory and the -I ones, and an included file's text is
 * never quoted in an error (item 25); their number and total size are capped
 * and each file is read from disk once (item 22).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { dtsIncludeReader } from '../../src/io/dts-include-reader.js';
import { MAX_DTS_INCLUDES, MAX_DTS_SOURCE_CHARS } from '../../src/limits.js';
import { runCli } from '../support/run-cli.js';
import { haveTool } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dts-include-'));
const haveDtc = haveTool('dtc');

function dir(name: string, files: Record<string, string>): string {
  const root = join(tmp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A board whose PCIe host maps RIDs 00-7f to &smmu, defined (or not) by what it includes. */
const board = (include: string) => `/dts-v1/;
${include}
/ {
	pcie@4010000000 {
		compatible = "pci-host-ecam-generic";
		device_type = "pci";
		#address-cells = <3>;
		#size-cells = <2>;
		bus-range = <0x0 0x0>;
		reg = <0x40 0x10000000 0x0 0x100000>;
		ranges = <0x3000000 0x80 0x0 0x80 0x0 0x10 0x0>;
		iommu-map = <0x0 &smmu 0x0 0x80>;
	};
};
`;
const SMMU = `/ {
	#address-cells = <2>;
	#size-cells = <2>;
	smmu: iommu@9050000 {
		compatible = "arm,smmu-v3";
		reg = <0x0 0x9050000 0x0 0x20000>;
		#iommu-cells = <1>;
	};
};
`;
const EXPECTED = [{ segment: 0, first: '00:00.0', last: '00:0f.7', iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'DT' }];

async function mapJson(...args: string[]): Promise<{ code: number; stderr: string; translations: unknown[] }> {
  const run = await runCli('map', ...args, '--format', 'json');
  return { code: run.code, stderr: run.stderr, translations: run.stdout ? (JSON.parse(run.stdout) as { translations: unknown[] }).translations : [] };
}

async function checkFindings(...args: string[]): Promise<{ code: number; findings: Diagnostic[]; stdout: string }> {
  const run = await runCli('check', ...args, '--format', 'json');
  return { code: run.code, stdout: run.stdout, findings: (JSON.parse(run.stdout) as { findings: Diagnostic[] }).findings };
}

describe('nested includes (item 5)', () => {
  const root = dir('nested', {
    'board.dts': board('/include/ "sub/a.dtsi"'),
    // An included file that only includes another, resolved beside itself (sub/), as dtc does.
    'sub/a.dtsi': '/include/ "b.dtsi"\n',
    'sub/b.dtsi': '/include/ "c.dtsi"\n',
    'sub/c.dtsi': SMMU,
  });

  it('map of a DTS whose include includes another is the map of the tree dtc compiles', async () => {
    const map = await mapJson(join(root, 'board.dts'));
    expect(map.stderr).toBe('');
    expect(map.code).toBe(0);
    expect(map.translations).toEqual(EXPECTED);
    if (haveDtc) {
      const dtb = join(root, 'board.dtb');
      execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, join(root, 'board.dts')]);
      expect((await mapJson(dtb)).translations).toEqual(map.translations);
    }
  });

  it('an include at the very start of the file (nothing before it) is read too', async () => {
    const r = dir('first', { 'board.dts': `/include/ "smmu.dtsi"\n${board('')}`, 'smmu.dtsi': SMMU });
    expect((await mapJson(join(r, 'board.dts'))).translations).toEqual(EXPECTED);
  });
});

describe('includes are confined to the DTS directory and -I directories (item 25)', () => {
  it('an absolute path outside is refused by name, exit 2, and nothing of the file is printed', async () => {
    const r = dir('abs', { 'board.dts': board('/include/ "/etc/passwd"') });
    const run = await runCli('map', join(r, 'board.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/board\.dts:2:1: error \[dts-include-refused\]: \/include\/ "\/etc\/passwd": \/etc\/passwd is outside the directories/);
    expect(run.stderr).not.toMatch(/root:/);
  });

  it('#include of ../ outside is refused; -I with that directory allows it', async () => {
    const r = dir('dotdot', { 'outside.dtsi': SMMU, 'in/board.dts': board('#include "../outside.dtsi"') });
    const refused = await runCli('map', join(r, 'in/board.dts'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('[dts-include-refused]');
    expect((await mapJson(join(r, 'in/board.dts'), '-I', r)).translations).toEqual(EXPECTED);
  });

  it('a symlink inside the directory that points outside is refused', async () => {
    const r = dir('symlink', { 'secret/smmu.dtsi': SMMU, 'in/board.dts': board('/include/ "link.dtsi"') });
    symlinkSync(join(r, 'secret/smmu.dtsi'), join(r, 'in/link.dtsi'));
    const run = await runCli('map', join(r, 'in/board.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/board\.dts:2:1: error \[dts-include-refused\]: \/include\/ "link\.dtsi": .*link\.dtsi is outside the directories/);
    const { code, stdout } = await checkFindings(join(r, 'in/board.dts'));
    expect(code).toBe(1);
    expect(stdout).toContain('dts-include-refused');
  });

  it('a syntax error in an included file gives its line, not its text', async () => {
    const r = dir('quote', { 'board.dts': board('/include/ "notes.txt"'), 'notes.txt': 'SECRET_TOKEN=hunter2 and more\n' });
    const run = await runCli('map', join(r, 'board.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/notes\.txt:1:\d+: error \[dts-syntax\]: syntax error/);
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toContain('SECRET');
  });
});

describe('includes are bounded (item 22)', () => {
  it('a diamond of includes 22 deep (2^22 inclusions) stops at the include count, exit 2', async () => {
    const files: Record<string, string> = { 'board.dts': board('/include/ "d0.dtsi"'), 'd22.dtsi': SMMU };
    for (let i = 0; i < 22; i++) files[`d${i}.dtsi`] = `/include/ "d${i + 1}.dtsi"\n/include/ "d${i + 1}.dtsi"\n`;
    const r = dir('diamond', files);
    const run = await runCli('map', join(r, 'board.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`[dts-include-limit]`);
    expect(run.stderr).toContain(`more than ${MAX_DTS_INCLUDES} includes in all`);
    expect(run.stderr.match(/dts-include-limit/g)).toHaveLength(1);
  });

  it('a large file included again and again stops at the total size, exit 2', async () => {
    // 9 MiB of comment, 8 times: over the total after the 7th.
    const big = `/* ${'x'.repeat(9 * 1024 * 1024)} */\n`;
    const r = dir('big', { 'board.dts': board(Array.from({ length: 8 }, () => '/include/ "big.dtsi"').join('\n')), 'big.dtsi': big });
    const run = await runCli('map', join(r, 'board.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/board\.dts:9:1: error \[dts-include-limit\]: \/include\/ "big\.dtsi" is not read, nor any include after it/);
    expect(run.stderr).toContain(`over ${MAX_DTS_SOURCE_CHARS} characters`);
  });

  it('100k /include/ lines: the points are placed in one pass (line numbers and bodies), the count cap reports once', async () => {
    const r = dir('many', { 'board.dts': `/dts-v1/;\n${'/include/ "e.dtsi"\n'.repeat(100_000)}/ { };\n`, 'e.dtsi': '' });
    const run = await runCli('map', join(r, 'board.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`board\\.dts:${MAX_DTS_INCLUDES + 2}:1: error \\[dts-include-limit\\]`));
  });

  it('the reader reads each file from disk once however often it is included', () => {
    const r = dir('once', { 'board.dts': '', 'a.dtsi': 'first' });
    const read = dtsIncludeReader(join(r, 'board.dts'));
    expect(read('a.dtsi', join(r, 'board.dts'))).toEqual({ file: join(r, 'a.dtsi'), text: 'first' });
    writeFileSync(join(r, 'a.dtsi'), 'second');
    expect(read('a.dtsi', join(r, 'board.dts'))).toEqual({ file: join(r, 'a.dtsi'), text: 'first' });
  });
});
