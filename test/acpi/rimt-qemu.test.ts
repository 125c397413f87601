/**
 * QEMU 11.1's RIMT as an oracle (test/fixtures/rimt/qemu-*.dat, captured by
 * scripts/qemu-rimt-capture.mjs from the RISC-V virt machine's fw_cfg):
 * ridmap's RIMT for the same machine (tables/riscv-virt-iommu-pci.yaml, and
 * an iommu-sys topology written here) compared with QEMU's, field by field
 * and through the CLI's diff and check, every difference named and said why.
 * (Decode, round trip and `iasl -d` of the captures are in rimt.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRimt } from '../../src/acpi/rimt/index.js';
import type { RimtIommu, RimtPcieRootComplex, RimtTable } from '../../src/acpi/rimt/model.js';
import { RIMT_FIXTURE_DIR } from '../fixtures/rimt/tables.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ridmap-rimt-qemu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const qemu = (name: string): RimtTable => decodeRimt(readFileSync(join(RIMT_FIXTURE_DIR, name))).table;

async function built(topology: string, name: string): Promise<{ file: string; table: RimtTable }> {
  const out = join(work, name);
  const r = await runCli('build', topology, '--out', out);
  expect(r.code).toBe(0);
  const file = join(out, 'RIMT.dat');
  return { file, table: decodeRimt(readFileSync(file)).table };
}

const iommuOf = (t: RimtTable) => t.nodes[0] as RimtIommu;
const rcOf = (t: RimtTable) => t.nodes[1] as RimtPcieRootComplex;
const ranges = (t: RimtTable) => rcOf(t).idMappings.map((m) => [m.sourceIdBase, m.numberOfIds, m.destinationIdBase]);

describe('QEMU\'s riscv-iommu-pci at 00:03.0 (qemu-iommu-pci-addr3.dat) and ridmap\'s tables/riscv-virt-iommu-pci.yaml', () => {
  const topology = join(TABLES_DIR, 'riscv-virt-iommu-pci.yaml');

  it('agree on the nodes and on the IOMMU Linux finds (PCIe IOMMU, segment 0, B/D/F 00:03.0)', async () => {
    const q = qemu('qemu-iommu-pci-addr3.dat');
    const { table: r } = await built(topology, 'addr3');
    expect(q.nodes.map((n) => n.type)).toEqual(['Iommu', 'PcieRootComplex']);
    expect(r.nodes.map((n) => n.type)).toEqual(['Iommu', 'PcieRootComplex']);
    for (const t of [q, r]) {
      const i = iommuOf(t);
      expect([i.flags, i.pcieSegment, i.pcieBdf, i.baseAddress, i.interruptWires]).toEqual([1, 0, 0x18, 0n, []]);
      expect(rcOf(t).pcieSegment).toBe(0);
      expect(rcOf(t).idMappings.every((m) => 'node' in m.destinationIommu && m.destinationIommu.node === 0)).toBe(true);
    }
  });

  it('differ where Linux does not look: Hardware ID, the empty wire array\'s offset, the header\'s OEM fields', async () => {
    const q = qemu('qemu-iommu-pci-addr3.dat');
    const { table: r } = await built(topology, 'addr3-fields');
    // QEMU writes "00100014" for its PCI IOMMU; rimt.c matches a PCIe IOMMU by segment and B/D/F and never reads the ID.
    expect([iommuOf(q).hardwareId, iommuOf(r).hardwareId]).toEqual(['00100014', 'RSCV0004']);
    // QEMU points the empty interrupt wire array at the node's end (0x28); ridmap writes 0. Linux never reads the wires.
    expect(iommuOf(q).layout).toBeDefined();
    expect(iommuOf(r).layout).toBeUndefined();
    expect([q.oemId, q.oemTableId, q.creatorId]).toEqual(['BOCHS ', 'BXPC    ', 'BXPC']);
    expect([r.oemId, r.oemTableId, r.creatorId]).toEqual(['RIDMAP', 'RIDMRIMT', 'RDMP']);
    expect([q.revision, r.revision]).toEqual([1, 1]);
  });

  it('differ in the root complex\'s mappings: QEMU starts after the IOMMU\'s RID, so 00:00.0-00:02.7 are left untranslated', async () => {
    const q = qemu('qemu-iommu-pci-addr3.dat');
    const { file, table: r } = await built(topology, 'addr3-maps');
    // QEMU: one mapping from the IOMMU's B/D/F + 1 with Number of IDs = 0x10000 − base (a count: Linux's inclusive end is
    // 0x10000, one past the last RID, harmless). ridmap: the topology's map, every RID but the IOMMU's own, ends inclusive.
    expect(ranges(q)).toEqual([[0x19, 0xffe7, 0x19]]);
    expect(ranges(r)).toEqual([[0, 0x17, 0], [0x19, 0xffe6, 0x19]]);
    const diff = await runCli('diff', join(RIMT_FIXTURE_DIR, 'qemu-iommu-pci-addr3.dat'), file, '--topology', topology);
    expect(diff.stdout).toContain('  ~ IOMMU riscv-iommu-pci@0000:00:03.0\n      Hardware ID: "00100014" → "RSCV0004"');
    expect(diff.stdout).toContain('device gpex-root (00:00.0) moved from untranslated to riscv-iommu-pci@0000:00:03.0 [0x0]');
    expect(diff.stdout).toContain('device rp1 (00:01.0) moved from untranslated to riscv-iommu-pci@0000:00:03.0 [0x8]');
    expect(diff.stdout).not.toMatch(/nic0|iommu-fn/);
  });

  it('check of QEMU\'s table against the machine: the devices before the IOMMU\'s slot are found untranslated, the NIC agrees', async () => {
    const r = await runCli('check', join(RIMT_FIXTURE_DIR, 'qemu-iommu-pci-addr3.dat'), '--topology', topology, '--format', 'json');
    const { findings } = JSON.parse(r.stdout) as { findings: { code: string; message: string }[] };
    expect(findings.map((f) => [f.code, f.message.split(' ')[0]])).toEqual([
      ['map-device-untranslated', 'gpex-root'],
      ['map-device-untranslated', 'rp1'],
    ]);
    const map = await runCli('map', join(RIMT_FIXTURE_DIR, 'qemu-iommu-pci-addr3.dat'), '--topology', topology);
    expect(map.stdout).toMatch(/^nic0 +0000:01:00\.0 +aliases 01:00\.0 +-> riscv-iommu-pci@0000:00:03\.0 \[0x100\]/m);
    expect(map.stdout).toMatch(/^iommu-fn +0000:00:03\.0 +aliases 00:03\.0 +-> untranslated/m);
  });
});

describe('QEMU\'s default riscv-iommu-pci (qemu-iommu-pci.dat): the IOMMU at 00:01.0, every RID after it', () => {
  it('maps 00:01.1-ff:1f.7 with device ID = RID, and leaves 00:00.0 and the IOMMU itself out', async () => {
    const r = await runCli('map', join(RIMT_FIXTURE_DIR, 'qemu-iommu-pci.dat'));
    expect(r.stdout).toBe('translations:\n0000:00:01.1-0000:ff:1f.7 -> riscv-iommu-pci@0000:00:01.0 +0x9 (RIMT)\n');
    expect(ranges(qemu('qemu-iommu-pci.dat'))).toEqual([[0x9, 0xfff7, 0x9]]);
  });
});

describe('QEMU\'s iommu-sys (qemu-iommu-sys.dat): a platform IOMMU at 0x3010000', () => {
  const topology = join(work, 'riscv-virt-iommu-sys.yaml');
  writeFileSync(topology, [
    'name: riscv-virt-iommu-sys',
    'iommus: [ { id: iommu, type: riscv-iommu, base: 0x3010000 } ]',
    'hostBridges:',
    '  - id: pcie.0',
    '    iommu: iommu',
    '    children: [ { id: gpex-root, type: rciep, addr: "00.0" } ]',
    '',
  ].join('\n'));

  it('agrees with ridmap\'s on everything Linux reads; Number of IDs 0x10000 (a count) against ridmap\'s inclusive 0xffff', async () => {
    const q = qemu('qemu-iommu-sys.dat');
    const { file, table: r } = await built(topology, 'sys');
    for (const t of [q, r]) {
      const i = iommuOf(t);
      expect([i.hardwareId, i.baseAddress, i.flags, i.interruptWires]).toEqual(['RSCV0004', 0x3010000n, 0, []]);
    }
    expect(ranges(q)).toEqual([[0, 0x10000, 0]]);
    expect(ranges(r)).toEqual([[0, 0xffff, 0]]);
    // Both send every RID of segment 0 to the IOMMU, device ID = RID: the maps are the same.
    const diff = await runCli('diff', join(RIMT_FIXTURE_DIR, 'qemu-iommu-sys.dat'), file, '--topology', topology);
    expect(diff.stdout).not.toContain('map:');
    const map = await runCli('map', join(RIMT_FIXTURE_DIR, 'qemu-iommu-sys.dat'));
    expect(map.stdout).toBe('translations:\n0000:00:00.0-0000:ff:1f.7 -> riscv-iommu@0x3010000 +0x0 (RIMT)\n');
  });
});

describe('import qemu of the same command lines (qemu-system-riscv64 -M virt): the map of QEMU\'s own RIMT against it', () => {
  async function imported(name: string, ...argv: string[]): Promise<string> {
    const out = join(work, `${name}.yaml`);
    const r = await runCli('import', 'qemu', '-o', out, '--', 'qemu-system-riscv64', ...argv);
    expect(r.code, r.stderr).toBe(0);
    return out;
  }

  it('riscv-iommu-pci at 00:03.0: a riscv-iommu-pci unit on that function; QEMU\'s RIMT leaves the two functions before it out', async () => {
    const topology = await imported('addr3', '-M', 'virt', '-device', 'pcie-root-port,id=rp1,chassis=1,addr=1.0', '-device', 'e1000e,bus=rp1',
      '-device', 'riscv-iommu-pci,addr=3.0');
    const yaml = readFileSync(topology, 'utf8');
    expect(yaml).toContain('  - id: riscv-iommu-pci\n    type: riscv-iommu-pci\n    device: riscv-iommu-pci@pcie.0:03.0\n    capabilities: { pasidBits: 0 }\n');
    expect(yaml).toContain('ecam: 0x30000000');
    const r = await runCli('check', join(RIMT_FIXTURE_DIR, 'qemu-iommu-pci-addr3.dat'), '--topology', topology, '--format', 'json');
    const { findings } = JSON.parse(r.stdout) as { findings: { code: string; message: string }[] };
    expect(findings.map((f) => [f.code, f.message.split(' ')[0]])).toEqual([
      ['map-device-untranslated', 'gpex-root@pcie.0:00.0'],
      ['map-device-untranslated', 'rp1'],
    ]);
    // ridmap's own RIMT for the imported machine translates them too, and agrees with the topology everywhere.
    const out = join(work, 'addr3-built');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const own = await runCli('check', join(out, 'RIMT.dat'), '--topology', topology, '--format', 'json');
    expect(own.code).toBe(0);
  });

  it('iommu-sys=on: a riscv-iommu at 0x3010000, and QEMU\'s RIMT agrees with the topology on every device', async () => {
    const topology = await imported('sys', '-M', 'virt,iommu-sys=on', '-device', 'e1000e');
    expect(readFileSync(topology, 'utf8')).toContain('{ id: riscv-iommu-sys, type: riscv-iommu, base: 0x3010000 }');
    const r = await runCli('check', join(RIMT_FIXTURE_DIR, 'qemu-iommu-sys.dat'), '--topology', topology, '--format', 'json');
    const { findings } = JSON.parse(r.stdout) as { findings: unknown[] };
    expect(findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the RISC-V virt machine has no PCI NIC of its own (-nic without model is virtio-mmio), and riscv-iommu-pci is RISC-V only', async () => {
    const topology = await imported('nic', '-M', 'virt', '-nic', 'user');
    expect(readFileSync(topology, 'utf8')).not.toContain('virtio-net');
    const arm = await runCli('import', 'qemu', '--', '-M', 'virt', '-device', 'riscv-iommu-pci');
    expect(arm.code).toBe(2);
    expect(arm.stderr).toContain('riscv-iommu-pci exists on the RISC-V virt machine only (qemu-system-riscv64 -M virt)');
  });
});
