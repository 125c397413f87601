/**
 * `ridmap which BDF INPUT...` through the CLI: the device's IOMMU, output
 * IDs, group and the table entry that decides it, on corpus tables (DMAR,
 * IORT, VIOT, IVRS), a DTS, a topology alone and tables with a topology
 * (aliasing behind a PCIe-to-PCI bridge); the exit codes DESIGN.md gives it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, GOLDEN_DIR, HAVE_CORPUS, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const QEMU = join(CORPUS_DIR, 'qemu-expected/tests/data/acpi');
const AMD_DUMP = join(CORPUS_DIR, 'real/linuxhw-ACPI-amd/Notebook/Lenovo/ThinkPad/ThinkPad E495 20NECTO1WW/5D25BEE9F5FA.bin');

/** The `label  value` rows of a text answer. */
function rows(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of stdout.trimEnd().split('\n')) {
    const m = /^(\S+(?: ID)?)\s{2,}(.*)$/.exec(line);
    if (m) (out[m[1]!] ??= []).push(m[2]!);
  }
  return out;
}

describe.skipIf(!HAVE_CORPUS)('which on corpus tables', () => {
  it('DMAR: the device scope that names 00:1f.2, at its byte offset', async () => {
    const run = await runCli('which', '00:1f.2', join(QEMU, 'x86/q35/DMAR.dmar'));
    expect(run.code).toBe(0);
    const r = rows(run.stdout);
    expect(r['iommu']).toEqual(['vtd@0xfed90000 (DMAR)']);
    expect(r['output ID']).toEqual(['0xfa']);
    // Scopes start at 0x40 (48-byte header, 16-byte DRHD header), 8 bytes each: IOAPIC, 00.0, 01.0, 1f.0, then 1f.2.
    expect(r['entry']![0]).toMatch(/^DMAR\/DRHD\[0\]\/DeviceScope\[4\] @ 0x60 /);
    expect(r['group']![0]).toMatch(/^unknown/);
  });

  it('DMAR: a device no scope names is not translated, exit 1', async () => {
    const run = await runCli('which', '00:02.0', join(QEMU, 'x86/q35/DMAR.dmar'));
    expect(run.code).toBe(1);
    expect(rows(run.stdout)['iommu']).toEqual(['none: not translated']);
    expect(run.stdout).toContain('no input translates RID 0000:00:02.0');
  });

  it('IORT: the root complex ID mapping, and the StreamID of the SMMUv3 it reaches', async () => {
    const file = join(QEMU, 'aarch64/virt/IORT.smmuv3-dev');
    const run = await runCli('which', '00:03.0', file, '--format', 'json');
    expect(run.code).toBe(0);
    const j = JSON.parse(run.stdout);
    expect(j).toMatchObject({ segment: 0, bdf: '00:03.0', iommu: 'smmuv3@0xc000000', outputIds: [0x18], source: 'IORT' });
    expect(j.device).toBeUndefined();
    expect(j.entries).toEqual([{ bdf: '00:03.0', table: 'IORT', file, path: 'IORT/RootComplex[0]/IdMapping[0]', offset: 0xdc }]);
    // The second mapping goes to the other SMMU.
    const other = JSON.parse((await runCli('which', '10:00.0', file, '--format', 'json')).stdout);
    expect(other.iommu).toBe('smmuv3@0xc020000');
    expect(other.entries[0].path).toBe('IORT/RootComplex[0]/IdMapping[1]');
  });

  it('VIOT: the PCI range node, endpoint ID from its start', async () => {
    const run = await runCli('which', '10:03.0', join(QEMU, 'x86/q35/VIOT.viot'));
    expect(run.code).toBe(0);
    const r = rows(run.stdout);
    expect(r['iommu']).toEqual(['virtio-iommu-pci@0000:00:02.0 (VIOT)']);
    expect(r['output ID']).toEqual(['0x1018']);
    expect(r['entry']![0]).toMatch(/^VIOT\/PciRange\[0\] @ 0x40 /);
  });

  it('IVRS in a whole acpidump: the IVHD entry Linux reads (type 40h block) that claims the DeviceID', async () => {
    const run = await runCli('which', '00:00.1', AMD_DUMP);
    expect(run.code).toBe(0);
    const r = rows(run.stdout);
    expect(r['iommu']).toEqual(['amd-vi@0xfd100000 (IVRS)']);
    // An IOAPIC special entry (handle 0x21) whose source DeviceID is 0x0001.
    expect(r['entry']![0]).toMatch(/^IVRS\/IVHD40\[0\]\/Special\[2\] @ 0x120 /);
  });
});

describe('which on topologies and built tables', () => {
  const vtd = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');

  it('a topology alone: the group behind a PCIe-to-PCI bridge, the alias, and the topology node that decides', async () => {
    const run = await runCli('which', '05:02.0', vtd, '--format', 'json');
    expect(run.code).toBe(0);
    const j = JSON.parse(run.stdout);
    expect(j.device).toMatchObject({ id: 'nic1', aliases: ['05:02.0', '05:00.0'], group: 'g5' });
    expect(j.device.groupDevices.map((d: { id: string }) => d.id)).toEqual(['pcipci', 'nic0', 'nic1']);
    expect(j).toMatchObject({ iommu: 'vtd@0xfed90000', outputIds: [0x510, 0x500], source: 'topology' });
    expect(j.entries.map((e: { path: string }) => e.path)).toEqual(['hostBridges[0]', 'hostBridges[0]']);
  });

  it('built DMAR with the topology: the bridge scope decides both the device and its alias', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-which-'));
    expect((await runCli('build', vtd, '--out', out)).code).toBe(0);
    const run = await runCli('which', '0000:05:02.0', join(out, 'DMAR.dat'), '--topology', vtd);
    expect(run.code).toBe(0);
    const r = rows(run.stdout);
    expect(r['device']).toEqual(['nic1 0000:05:02.0']);
    expect(r['aliases']![0]).toMatch(/^05:00\.0/);
    expect(r['output ID']).toEqual(['0x510 (05:02.0), 0x500 (05:00.0)']);
    expect(r['group']).toEqual(['g5, shared with pcipci 0000:04:00.0, nic0 0000:05:01.0']);
    // One scope (the PCIe-to-PCI bridge's) decides both RIDs: one line naming both.
    expect(r['entry']).toHaveLength(1);
    expect(r['entry']![0]).toMatch(/^DMAR\/DRHD\[0\]\/DeviceScope\[\d+\] @ 0x[0-9a-f]+ \(.*DMAR\.dat\) for 05:02\.0, 05:00\.0$/);
  });

  it('a DTS: the iommu-map row', async () => {
    const run = await runCli('which', '01:00.0', join(GOLDEN_DIR, 'arm-smmuv3-its/board.dts'));
    expect(run.code).toBe(0);
    const r = rows(run.stdout);
    expect(r['iommu']).toEqual(['smmuv3@0x9050000 (DT)']);
    expect(r['output ID']).toEqual(['0x100']);
    expect(r['entry']![0]).toMatch(/^\/pcie@4010000000\/iommu-map row 0 /);
  });

  it('a device the topology leaves untranslated (bypass) and a BDF it does not have: exit 1, said plainly', async () => {
    const arm = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
    const bypass = await runCli('which', '81:00.0', arm);
    expect(bypass.code).toBe(1);
    expect(rows(bypass.stdout)['iommu']).toEqual(['none: not translated']);
    const absent = await runCli('which', '09:00.0', arm, '--format', 'json');
    expect(absent.code).toBe(1);
    expect(JSON.parse(absent.stdout)).toMatchObject({ device: null, iommu: null, notes: ['the topology has no PCI function at 0000:09:00.0'] });
  });

  it('a BDF that does not parse: usage error, exit 2, no stack', async () => {
    const run = await runCli('which', '00:20.0', join(TABLES_DIR, 'arm-smmuv3-its.yaml'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read BDF "00:20.0"');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
