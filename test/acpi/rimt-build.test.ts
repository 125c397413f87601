/**
 * RIMT from a topology, through the CLI: `build` writes RIMT.dat for the
 * RISC-V examples (tables/riscv-*.yaml), and `map` of that file with the
 * topology gives the topology's own map (build's map.json) device by device,
 * RID run by RID run and MMIO device by MMIO device, only the source differing.
 * The topology types riscv-iommu and riscv-iommu-pci: validated like the
 * other IOMMUs, named as DESIGN.md says.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ridmap-rimt-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const withoutSource = (map: Json): Json =>
  JSON.parse(JSON.stringify(map, (k, v: unknown) => (k === 'source' ? undefined : v))) as Json;

describe('build → decode → map of the RISC-V examples is the topology\'s own map', () => {
  for (const name of ['riscv-virt-iommu-pci', 'riscv-server-rimt']) {
    it(name, async () => {
      const topology = join(TABLES_DIR, `${name}.yaml`);
      const out = join(work, name);
      const build = await runCli('build', topology, '--out', out);
      expect(build.code).toBe(0);
      expect(build.stdout).toContain('RIMT.dat');
      const own = JSON.parse(readFileSync(join(out, 'map.json'), 'utf8')) as Json;
      const run = await runCli('map', join(out, 'RIMT.dat'), '--topology', topology, '--format', 'json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const fromTable = JSON.parse(run.stdout) as Json;
      expect(withoutSource(fromTable)).toEqual(withoutSource(own));
      expect((own['devices'] as unknown[]).length).toBeGreaterThan(2);
    });
  }

  it('the PCIe IOMMU is named by its function and never translates itself; the other functions of segment 0 go to it', async () => {
    const topology = join(TABLES_DIR, 'riscv-virt-iommu-pci.yaml');
    const run = await runCli('map', topology);
    expect(run.stdout).toMatch(/^iommu-fn +0000:00:03\.0 +aliases 00:03\.0 +-> untranslated/m);
    expect(run.stdout).toMatch(/^nic0 +0000:01:00\.0 +aliases 01:00\.0 +-> riscv-iommu-pci@0000:00:03\.0 \[0x100\]/m);
  });

  it('the platform IOMMUs by base, the platform device by its ACPI path, the bridge\'s alias kept', async () => {
    const run = await runCli('map', join(TABLES_DIR, 'riscv-server-rimt.yaml'));
    expect(run.stdout).toMatch(/^nic0 +0000:03:01\.0 +aliases 03:01\.0,03:00\.0 +-> riscv-iommu@0x3010000 \[0x308,0x300\]/m);
    expect(run.stdout).toMatch(/^gpu0 +0001:01:00\.0 .*-> riscv-iommu@0x3020000 \[0x100\]/m);
    expect(run.stdout).toMatch(/^dma0 +0x4000000 +-> riscv-iommu@0x3010000 \[0x10000,0x10001\]/m);
  });

  it('--os linux-6.12 (no RISC-V IOMMU driver, no RIMT parsing): the table\'s devices and the topology\'s are refused alike', async () => {
    const topology = join(TABLES_DIR, 'riscv-server-rimt.yaml');
    const out = join(work, 'old-kernel');
    await runCli('build', topology, '--out', out);
    const run = await runCli('check', join(out, 'RIMT.dat'), '--topology', topology, '--os', 'linux-6.12', '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: { code: string; severity: string; message: string }[] };
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    const refused = findings.filter((f) => f.code === 'riscv-iommu-linux-version');
    expect(refused.length).toBe(7);
    expect(refused[0]!.message).toContain('linux-6.12 has no RISC-V IOMMU driver (drivers/iommu/riscv came in 6.13, RIMT parsing in 6.17)');
    const map = await runCli('map', join(out, 'RIMT.dat'), '--topology', topology, '--os', 'linux-6.12');
    expect(map.stdout).toMatch(/^gpu0 +0001:01:00\.0 .*-> none: Linux refuses riscv-iommu@0x3020000 \[0x100\] \(riscv-iommu-linux-version\)/m);
  });

  it('a riscv-iommu-pci whose device is a root port is refused with its path (wrong-iommu-kind, exit 2)', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, [
      'name: bad',
      'iommus: [ { id: u, type: riscv-iommu-pci, device: rp } ]',
      'hostBridges:',
      '  - { id: hb, iommu: u, children: [ { id: rp, type: pcie-root-port, addr: "01.0" } ] }',
      '',
    ].join('\n'));
    const run = await runCli('map', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('riscv-iommu-pci "u" must be a PCI endpoint, but "rp" is a pcie-root-port');
  });

  it('a platform device behind a RISC-V IOMMU without an acpiPath: no RIMT, and build says why (exit 2)', async () => {
    const bad = join(work, 'unnamed.yaml');
    writeFileSync(bad, [
      'name: unnamed',
      'iommus: [ { id: u, type: riscv-iommu, base: 0x3010000 } ]',
      'hostBridges: [ { id: hb, iommu: u, children: [] } ]',
      'platformDevices: [ { id: dma, base: 0x4000000, iommu: u, streamIds: [ 1 ] } ]',
      '',
    ].join('\n'));
    const run = await runCli('build', bad, '--out', join(work, 'unnamed'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/rimt-platform-device-unnamed.*dma is behind u, but a RIMT platform device node needs its acpiPath/);
  });
});
