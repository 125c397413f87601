/**
 * `ridmap check` reads Device Trees, as DTB and as DTS: their named DT
 * checks, round trip, and agreement with a topology and with an IORT; and
 * the reader takes a DTS without a file system, its includes from the caller.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configureDtsParser } from '../../src/dt/ts-parser.js';
import { loadInput, readDiagnostics } from '../../src/io/load-input.js';
import { haveTool } from '../dt/support.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-check-dt-'));
const dtFixture = (name: string) => join(REPO_ROOT, name.startsWith('dt-') ? 'test/fixtures/checks' : 'test/fixtures/dt', name);
const haveDtc = haveTool('dtc');

describe('check on Device Tree blobs', () => {
  it('a built board DTB and IORT agree with each other and with their topology', async () => {
    const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
    const out = join(tmp, 'arm');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const run = await runCli('check', join(out, 'board.dtb'), join(out, 'IORT.dat'), '--topology', topology);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DT from');
    expect(run.stdout).toMatch(/DT from[^\n]*\n(?:.*\n)*?\s+topology\s+all \d+ devices agree/);
  });

  it.skipIf(!haveDtc)('a DTB whose iommu-map row has base bits the mask clears fails with the check id', async () => {
    const dtb = join(tmp, 'mask.dtb');
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, dtFixture('dt-iommu-map-mask-ignores-base.dts')]);
    const run = await runCli('check', dtb);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('dt-iommu-map-mask-ignores-base');
  });
});

describe('check on Device Tree sources', () => {
  it('a built board DTS agrees with its topology under every numbering, and its tree survives print and parse', async () => {
    const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
    const out = join(tmp, 'arm-dts');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const run = await runCli('check', join(out, 'board.dts'), '--topology', topology);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`DT from ${join(out, 'board.dts')}\n  findings     none\n  round trip   equivalent: printed as DTS and parsed again, the tree comes back the same\n`);
    expect(run.stdout).toMatch(/topology\s+all 8 devices agree/);
    expect(run.stdout).toContain('renumbering  hotplug-shift: 8 devices keep their IOMMU and output IDs');
  });

  it('a DTS is checked with its /include/ read beside it', async () => {
    const run = await runCli('check', dtFixture('board-with-include.dts'), '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { summary } = JSON.parse(run.stdout) as { summary: { tables: { format: string; roundTrip: string }[] } };
    expect(summary.tables.map((t) => [t.format, t.roundTrip.split(':')[0]])).toEqual([['DT', 'equivalent']]);
  });

  it('the negative DT fixtures fail as DTS, with the check id and no dtc', async () => {
    const run = await runCli('check', dtFixture('dt-iommu-map-mask-ignores-base.dts'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/dt-iommu-map-mask-ignores-base\.dts:\/pcie@4010000000\/iommu-map: error \[.*dt-iommu-map-mask-ignores-base/);
  });

  it('a DTS that does not parse is unreadable input, as for dtc: one message at the first error, exit 2, nothing checked', async () => {
    const run = await runCli('check', dtFixture('syntax-error.dts'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^\S*syntax-error\.dts:5:14: error \[dts-syntax\]: syntax error: expected ">" before ";"\n$/);
    expect(run.stdout).toBe('');
  });
});

describe('loadInput reads a DTS without a file system', () => {
  const main = readFileSync(dtFixture('board-with-include.dts'));
  const soc = readFileSync(dtFixture('board-with-include-soc.dtsi'), 'utf8');

  it('its /include/s come from the caller, asked for as written, from the including file', async () => {
    const asked: string[] = [];
    const input = await loadInput('board.dts', main, { readInclude: (path, from) => (asked.push(`${path} from ${from}`), soc) });
    expect(asked).toEqual(['board-with-include-soc.dtsi from board.dts']);
    expect(input.kind).toBe('dts');
    expect(readDiagnostics(input)).toEqual([]);
    const [dt] = input.tables;
    expect(dt!.format).toBe('DT');
    expect(dt!.resolve!().translations.map((t) => t.iommu)).toEqual(['smmuv3@0x9050000']);
  });

  it('plain DTS is read, resolved and round-tripped without the tree-sitter grammar; other DTS needs it', async () => {
    const plain = readFileSync(dtFixture('dt-iommu-map-overlap.dts'));
    // A grammar that cannot load: whatever reads without it is not paying for it.
    configureDtsParser({ grammar: join(tmp, 'no-such-grammar.wasm') });
    try {
      const input = await loadInput('board.dts', plain);
      const [dt] = input.tables;
      expect(dt!.roundTrip()).toEqual({ status: 'equivalent', detail: 'printed as DTS and parsed again, the tree comes back the same' });
      expect(dt!.resolve!().translations.length).toBeGreaterThan(0);
      await expect(loadInput('board.dts', main, { readInclude: () => soc })).rejects.toThrow();
    } finally {
      configureDtsParser({});
    }
  });

  it('without a reader, the include is reported not found, by file and line', async () => {
    const input = await loadInput('board.dts', main, {});
    // The label the include would have defined is then not there: said where it is used, as the include's doing.
    expect(readDiagnostics(input)).toMatchObject([
      { severity: 'error', code: 'dts-include-not-found', file: 'board.dts', line: 5 },
      { severity: 'error', code: 'dts-needs-preprocessing', file: 'board.dts', line: 16, path: '/pcie@4010000000/iommu-map' },
    ]);
  });
});
