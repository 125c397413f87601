/**
 * Messages people read (issue 22): map's findings carry path@offset as
 * check's do; a tiny file is described by its bytes; an IORT named
 * component is shown by its ACPI name and address size, never `0x0`.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-messages-'));
const FIXTURES = join(REPO_ROOT, 'test/fixtures/checks');

describe('map findings carry path@offset', () => {
  it('as check prints the same finding (a RIMT IOMMU that translates itself)', async () => {
    const file = join(FIXTURES, 'rimt-iommu-self.dsl');
    const map = await runCli('map', file);
    const check = await runCli('check', file);
    const line = (stderr: string) => stderr.split('\n').find((l) => l.includes('[rimt-iommu-self]'));
    expect(line(map.stderr)).toMatch(/:RIMT\/Iommu\[0\]@0x30: warning \[rimt-iommu-self\]/);
    expect(line(map.stderr)).toBe(line(check.stderr));
  });

  it('for every table fixture: a finding that names a structure below the table names its offset', async () => {
    for (const f of readdirSync(FIXTURES).filter((n) => /\.(dsl|txt)$/.test(n))) {
      const run = await runCli('map', join(FIXTURES, f), '-v');
      const unplaced = run.stderr.split('\n').filter((l) => /^[^:]+:[A-Z0-9_!]{4}(?:\[\d+\])?\/[^@\s:]+: /.test(l));
      expect(unplaced, f).toEqual([]);
    }
  });
});

describe('a tiny file', () => {
  it('is described by its bytes and size', async () => {
    const file = join(tmp, 'cut.dat');
    writeFileSync(file, 'DMA');
    for (const command of ['decode', 'map', 'check']) {
      const run = await runCli(command, file);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('cannot tell what this is: binary data starting "DMA" (3 bytes: shorter than an ACPI table header, 36 bytes)');
    }
  });
});

describe('an IORT named component', () => {
  it('is shown by its ACPI name and memory address size when the IORT is mapped alone, and by its topology base with one', async () => {
    const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
    const out = join(tmp, 'arm');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const iort = join(out, 'IORT.dat');
    const text = await runCli('map', iort);
    // (Its MSIs' ITS and DeviceID close the line: the MSI side of the map.)
    expect(text.stdout).toMatch(/^\\_SB_\.ETH0 {2}64-bit DMA {2}-> smmuv3@0x9050000 \[0x10000\] {2}\(IORT\) {2}msi its#0 \[0x10000\]$/m);
    expect(text.stdout).not.toMatch(/ 0x0 /);
    const json = JSON.parse((await runCli('map', iort, '--format', 'json')).stdout) as { mmio: Record<string, unknown>[] };
    expect(json.mmio).toEqual([{ id: '\\_SB_.ETH0', addressBits: 64, iommu: 'smmuv3@0x9050000', outputIds: [0x10000], source: 'IORT', msi: { its: 'its#0', deviceId: 0x10000 } }]);
    expect((await runCli('map', iort, '--format', 'dot')).stdout).toContain('\\\\_SB_.ETH0 (platform)\\n64-bit DMA\\n');
    const withTopology = await runCli('map', iort, '--topology', topology);
    expect(withTopology.stdout).toMatch(/^eth-mmio {2}0x9000000 {2}-> smmuv3@0x9050000/m);
    expect(readFileSync(join(out, 'map.txt'), 'utf8')).toMatch(/^eth-mmio {2}0x9000000 /m);
  });
});
