/**
 * The user's path for a real machine (issue 19): `ridmap import sysfs` of a
 * snapshot, `map` and `check` of it, and `import lspci`, through the CLI.
 * The snapshots are of Linux guests taken by the judge (test/fixtures/sysfs/):
 * Linux's IOMMU and group for every device are in them, and ridmap's map of
 * each machine's own tables must give the same.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import { numberBuses } from '../../src/model/numbering.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const SNAPSHOTS = join(REPO_ROOT, 'test', 'fixtures', 'sysfs');
const GUESTS: readonly { name: string; devices: number; iommus: RegExp }[] = [
  { name: 'q35-vtd', devices: 19, iommus: /vtd@0xfed90000/ },
  { name: 'q35-amd-vi', devices: 20, iommus: /amd-vi@0xfed80000/ },
  { name: 'q35-virtio-iommu', devices: 20, iommus: /virtio-iommu-pci@0000:00:06\.0/ },
  { name: 'virt-smmuv3-two', devices: 14, iommus: /smmuv3@0xc000000[\s\S]*smmuv3@0xc020000|smmuv3@0xc020000[\s\S]*smmuv3@0xc000000/ },
  { name: 'virt-virtio-iommu', devices: 7, iommus: /virtio-iommu-pci@0000:00:01\.0/ },
];

describe('import sysfs: each guest snapshot becomes a topology on which ridmap and Linux agree', () => {
  for (const g of GUESTS) {
    it(`${g.name}: every device gets Linux's IOMMU and group`, async () => {
      const file = join(SNAPSHOTS, `${g.name}.tar.gz`);
      const r = await runCli('import', 'sysfs', file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Linux and ridmap: ${g.devices} of ${g.devices} devices get the same IOMMU, the same groups (agree)`);
      expect(r.stderr).not.toMatch(/host-linux-differs/);
      // The topology is valid and its firmware numbering keeps the machine's bus numbers.
      const topology = parseTopology(r.stdout, 'imported.yaml');
      const numbering = numberBuses(topology, 'firmware');
      expect(numbering.bridges.size).toBeGreaterThan(0);
      expect(r.stdout).toMatch(/secondaryBus: /);

      const map = await runCli('map', file, '--format', 'json');
      expect(map.code, map.stderr).toBe(0);
      const json = JSON.parse(map.stdout) as { devices: { iommu: string | null }[] };
      expect(json.devices.filter((d) => d.iommu !== null).length).toBeGreaterThan(0);
      expect(map.stdout).toMatch(g.iommus);
    });
  }
});

describe('check of a snapshot', () => {
  it('checks the tables against the machine\'s own tree and says Linux agrees (exit 0)', async () => {
    const r = await runCli('check', join(SNAPSHOTS, 'virt-smmuv3-two.tar.gz'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Linux and ridmap: 14 of 14 devices get the same IOMMU, the same groups (agree)');
    const json = await runCli('check', join(SNAPSHOTS, 'q35-vtd.tar.gz'), '--format', 'json');
    expect((JSON.parse(json.stdout) as { linux: { agree: boolean } }).linux.agree).toBe(true);
  });

  it('a machine whose Linux grouped otherwise is an error naming the device (exit 1), and import says so on stderr', async () => {
    // The same snapshot unpacked, with Linux's group of the NVMe behind the first root port moved into
    // the switch's group: no rule explains that, so ridmap must not call it agreement.
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-snap-'));
    execFileSync('tar', ['xzf', join(SNAPSHOTS, 'q35-vtd.tar.gz'), '-C', dir]);
    const manifest = join(dir, 'ridmap-snapshot', 'manifest.txt');
    const text = readFileSync(manifest, 'utf8');
    const switchGroup = /^pci 0000:03:00\.0 group (\d+)$/m.exec(text)![1]!;
    writeFileSync(manifest, text.replace(/^pci 0000:01:00\.0 group \d+$/m, `pci 0000:01:00.0 group ${switchGroup}`));

    const check = await runCli('check', dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/error \[host-linux-differs\]: 0000:01:00\.0: ridmap groups it with \[0000:01:00\.0\], Linux with \[[^\]]*0000:03:00\.0/);
    const imported = await runCli('import', 'sysfs', dir);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/warning \[host-linux-differs\]/);
    expect(imported.stderr).toMatch(/group difference/);
  });

  it('a file that is not a snapshot is bad input (exit 2), not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-snap-'));
    const bad = join(dir, 'x.tar.gz');
    writeFileSync(bad, new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    const r = await runCli('import', 'sysfs', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('import lspci', () => {
  it('pasted lspci text of this kind of machine becomes a topology, and its warnings name what lspci could not show', async () => {
    const r = await runCli('import', 'lspci', join(REPO_ROOT, 'test', 'fixtures', 'lspci', 'host-nonroot.txt'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/id: pci0000:00/);
    expect(r.stderr).toMatch(/access denied/);
    parseTopology(r.stdout, 'lspci.yaml');
  });

  it('text that is no lspci output is bad input naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-lspci-'));
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'hello\nworld\n');
    const r = await runCli('import', 'lspci', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
  });
});
