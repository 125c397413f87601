/**
 * `ridmap import lspci FILE` end to end, as a user runs it: pasted lspci text
 * becomes a topology that maps the machine's own IOMMU table exactly as the
 * topology `ridmap import sysfs` makes of the same machine does (every
 * device's IOMMU, output IDs and group), and text that is not lspci's is
 * exit 2 with one located message, never a stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSysfsSnapshot } from '../../src/import/sysfs/read-sysfs-snapshot.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { LSPCI_FIXTURES } from './lspci-support.js';

const GUESTS = ['q35-vtd', 'q35-amd-vi', 'q35-virtio-iommu', 'virt-smmuv3-two', 'virt-virtio-iommu'];
const IOMMU_TABLES = ['DMAR', 'IVRS', 'IORT', 'VIOT'];
const dir = mkdtempSync(join(tmpdir(), 'ridmap-lspci-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ridmap import lspci, then map the machine\'s tables with it', () => {
  it.each(GUESTS)('%s: the same map as the sysfs snapshot\'s topology gives', async (name) => {
    const snapshot = join(REPO_ROOT, 'test/fixtures/sysfs', `${name}.tar.gz`);
    const fromLspci = join(dir, `${name}-lspci.yaml`);
    const fromSysfs = join(dir, `${name}-sysfs.yaml`);
    const lspci = await runCli('import', 'lspci', join(LSPCI_FIXTURES, `${name}.txt`), '-o', fromLspci);
    expect(lspci.code, lspci.stderr).toBe(0);
    expect((await runCli('import', 'sysfs', snapshot, '-o', fromSysfs)).code).toBe(0);
    const tables = (await readSysfsSnapshot(snapshot)).tables.filter((t) => IOMMU_TABLES.includes(t.name));
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      const file = join(dir, `${name}-${table.name}.dat`);
      writeFileSync(file, table.bytes);
      const a = await runCli('map', file, '--topology', fromLspci, '--format', 'json');
      const b = await runCli('map', file, '--topology', fromSysfs, '--format', 'json');
      expect(a.code, a.stderr).toBe(0);
      expect(JSON.parse(a.stdout), `${name} ${table.name}`).toEqual(JSON.parse(b.stdout));
    }
  });
});

describe('ridmap import lspci on text that is not lspci\'s', () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('garbage: exit 2, one message with the file and line, no stack trace', async () => {
    const file = write('garbage.txt', 'this is my dmesg\n[    0.000000] Linux version 6.12\n');
    const r = await runCli('import', 'lspci', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: error \\[lspci-no-output\\]: not lspci output; expected`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a dump line cut short: exit 2 naming its line', async () => {
    const file = write('cut.txt', '00:01.0 PCI bridge [0604]: Intel Corporation Device [8086:7a38]\n00: 86 80 38 7a 06 00 00 00 01 00 04 06 00 00 01 00\n10: 00 00\n');
    const r = await runCli('import', 'lspci', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:1: error [lspci-bad-dump]`);
  });

  it('lspci run as a user: a topology, and the warning that ACS is unknown', async () => {
    const r = await runCli('import', 'lspci', join(LSPCI_FIXTURES, 'host-nonroot.txt'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hostBridges:');
    expect(r.stderr).toContain('<access denied>');
  });
});
