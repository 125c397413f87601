/**
 * One test per reason `export qemu` refuses a topology: exit 2, nothing on
 * stdout, and the reason on stderr at the document path of the part QEMU
 * cannot build. Each case is an exportable example with one change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from './support.js';

type Doc = any;

const load = (example: string): Doc => parse(readFileSync(join(TABLES_DIR, example), 'utf8'));
const VTD = 'q35-vtd-pci-bridge.yaml';
const VIOMMU = 'q35-virtio-iommu-pxb.yaml';
const RISCV = 'riscv-virt-iommu-pci.yaml';
/** The root port rp1 and the bridge pcipci of q35-vtd-pci-bridge. */
const rp1 = (t: Doc) => t.hostBridges[0].children[2];
const pcipci = (t: Doc) => t.hostBridges[0].children[3].children[0];

interface Case {
  name: string;
  example: string;
  change: (t: Doc) => void;
  path: string;
  reason: RegExp;
}

const CASES: Case[] = [
  {
    name: 'two VT-d units',
    example: VTD,
    change: (t) => t.iommus.push({ id: 'vtd1', type: 'vtd', base: 0xfed91000, includeAll: true }),
    path: 'iommus[1]',
    reason: /a second IOMMU: QEMU 7\.2 to 11\.1 take one per q35 machine \(intel-iommu, amd-iommu and virtio-iommu-pci alike: "QEMU does not support multiple vIOMMUs for x86 yet"\)/,
  },
  {
    name: 'two virtio-iommus on q35',
    example: VIOMMU,
    change: (t) => {
      t.iommus.push({ id: 'viommu2', type: 'virtio-iommu-pci', device: 'viommu2-fn' });
      t.hostBridges[0].children.push({ id: 'viommu2-fn', type: 'rciep', addr: '05.0', model: 'virtio-iommu-pci' });
      t.hostBridges[2].iommu = 'viommu2';
    },
    path: 'iommus[1]',
    reason: /a second IOMMU: QEMU 7\.2 to 11\.1 take one per q35 machine .*"QEMU does not support multiple vIOMMUs for x86 yet"/,
  },
  { name: 'a VT-d unit at another base', example: VTD, change: (t) => (t.iommus[0].base = 0xfed91000), path: 'iommus[0].base', reason: /at 0xfed90000/ },
  { name: 'an address width QEMU lacks', example: VTD, change: (t) => (t.dmar.hostAddressWidth = 46), path: 'dmar.hostAddressWidth', reason: /aw-bits 39 or 48/ },
  {
    name: 'an SMMUv2',
    example: VIOMMU,
    change: (t) => {
      t.iommus[0] = { id: 'viommu', type: 'smmuv2', base: 0x2b400000, span: 0x10000 };
    },
    path: 'iommus[0]',
    reason: /QEMU emulates no SMMUv2/,
  },
  { name: 'an I/O APIC QEMU does not scope', example: VTD, change: (t) => (t.ioapics[0].sourceId = 'f0:1f.0'), path: 'ioapics[0]', reason: /ff:00\.0/ },
  { name: 'no I/O APIC', example: VTD, change: (t) => delete t.ioapics, path: 'ioapics', reason: /always scopes its I\/O APIC/ },
  { name: 'an HPET', example: VTD, change: (t) => (t.hpets = [{ id: 'hpet0', number: 0, sourceId: '00:1f.0', iommu: 'vtd0' }]), path: 'hpets[0]', reason: /no HPET/ },
  {
    name: 'a platform device',
    example: VTD,
    change: (t) => (t.platformDevices = [{ id: 'eth', base: 0x9000000, acpiPath: '\\_SB_.ETH0' }]),
    path: 'platformDevices[0]',
    reason: /platform \(MMIO\) device/,
  },
  {
    name: 'reserved memory',
    example: VTD,
    change: (t) => (rp1(t).children[0].reservedMemory = [{ base: 0x7b800000, size: 0x20000 }]),
    path: 'hostBridges[0].children[2].children[0].reservedMemory',
    reason: /RMRR/,
  },
  { name: 'a DMA alias quirk', example: VTD, change: (t) => (rp1(t).children[0].dmaAliases = ['00.1']), path: 'hostBridges[0].children[2].children[0].dmaAliases', reason: /other requester IDs/ },
  { name: 'phantom functions', example: VTD, change: (t) => (rp1(t).children[0].phantomFunctions = 1), path: 'hostBridges[0].children[2].children[0].phantomFunctions', reason: /phantom/ },
  { name: 'an IOMMU per device', example: VTD, change: (t) => (rp1(t).iommu = 'vtd0'), path: 'hostBridges[0].children[2].iommu', reason: /per root bus/ },
  {
    name: 'a PCI-to-PCIe bridge',
    example: VTD,
    change: (t) => pcipci(t).children.push({ id: 'up', type: 'pci-pcie-bridge', addr: '03.0' }),
    path: 'hostBridges[0].children[3].children[0].children[2]',
    reason: /no such bridge model/,
  },
  { name: 'bus reserve on a bridge', example: VTD, change: (t) => (pcipci(t).reserveBuses = 2), path: 'hostBridges[0].children[3].children[0].reserveBuses', reason: /pcie-root-port property/ },
  {
    name: 'no MCH where q35 has it',
    example: VTD,
    change: (t) => t.hostBridges[0].children.shift(),
    path: 'hostBridges[0].children',
    reason: /always has its mch at 00:00\.0/,
  },
  {
    name: 'an expander without its pxb-pcie function',
    example: VIOMMU,
    change: (t) => t.hostBridges[0].children.splice(3, 1),
    path: 'hostBridges[2]',
    reason: /no pxb-pcie function/,
  },
  {
    name: 'a second host bridge that is not an expander',
    example: VIOMMU,
    change: (t) => delete t.hostBridges[2].expander,
    path: 'hostBridges[2]',
    reason: /only as pxb-pcie expanders/,
  },
  { name: 'an id QEMU does not take', example: VTD, change: (t) => (rp1(t).children[0].id = '_nvme0'), path: 'hostBridges[0].children[2].children[0].id', reason: /not a QEMU id/ },
  {
    name: 'an ITS beside VT-d',
    example: VTD,
    change: (t) => (t.msiControllers = [{ id: 'its0', type: 'its', itsIds: [0] }]),
    path: 'iommus[0]',
    reason: /intel-iommu exists on q35 only/,
  },
  {
    // Structurally fine, but QEMU puts every root bus behind its IOMMU unless it bypasses: caught by importing it back.
    name: 'a map the QEMU machine would not reproduce',
    example: VTD,
    change: (t) => delete t.hostBridges[0].iommu,
    path: 'hostBridges[0].children[2].children[0]',
    reason: /the topology maps 01:00\.0 .*untranslated.*; the QEMU machine would map 01:00\.0 .*vtd@0xfed90000/,
  },
  {
    // QEMU itself plugs only bridges into a pxb-pcie: import qemu says so, and export says it against the node.
    name: 'a place QEMU would not plug the device',
    example: VIOMMU,
    change: (t) => t.hostBridges[1].children.push({ id: 'dev9', type: 'rciep', addr: '05.0' }),
    path: 'hostBridges[1].children[1]',
    reason: /import qemu would not read the command line back: .*only PCI\/PCIe bridges and ports into a pxb-pcie/,
  },
  // RISC-V virt, as QEMU 11.1 builds it (hw/riscv/virt.c).
  {
    name: 'a platform RISC-V IOMMU elsewhere than iommu-sys\'s 0x3010000',
    example: RISCV,
    change: (t) => {
      t.iommus[0] = { id: 'iommu', type: 'riscv-iommu', base: 0x3020000 };
      t.hostBridges[0].children.pop();
    },
    path: 'iommus[0].base',
    reason: /RISC-V virt's platform IOMMU \(iommu-sys=on\) is at 0x3010000/,
  },
  {
    name: 'a second RISC-V IOMMU',
    example: RISCV,
    change: (t) => t.iommus.push({ id: 'sys', type: 'riscv-iommu', base: 0x3010000 }),
    path: 'iommus[1]',
    reason: /a second IOMMU: QEMU's RISC-V virt has one \(a riscv-iommu-pci switches iommu-sys off\)/,
  },
  {
    // QEMU takes its B/D/F at plug time, when every bus behind a bridge still reads 0: its RIMT would name another function.
    name: 'a riscv-iommu-pci behind a root port',
    example: RISCV,
    change: (t) => {
      const fn = t.hostBridges[0].children.pop();
      t.hostBridges[0].children[1].children = [{ ...fn, type: 'pcie-endpoint', addr: '00.0' }];
    },
    path: 'iommus[0].device',
    reason: /iommu-fn is not on the root bus: .*right for a riscv-iommu-pci on bus 0 only/,
  },
  {
    name: 'an expander on RISC-V virt',
    example: RISCV,
    change: (t) => t.hostBridges.push({ id: 'pxb1', rootBus: 0x80, expander: true, iommu: 'iommu', children: [] }),
    path: 'hostBridges[1]',
    reason: /qemu-system-riscv64 has no pxb-pcie expander/,
  },
  {
    name: 'bypassing the IOMMU on RISC-V virt',
    example: RISCV,
    change: (t) => {
      delete t.hostBridges[0].iommu;
      t.hostBridges[0].bypassIommu = true;
    },
    path: 'hostBridges[0].bypassIommu',
    reason: /RISC-V virt has no default_bus_bypass_iommu/,
  },
  {
    name: 'a root port without ACS on RISC-V virt',
    example: RISCV,
    change: (t) => delete t.hostBridges[0].children[1].acs,
    path: 'hostBridges[0].children[1]',
    reason: /QEMU 11\.1's pcie-root-port always has ACS/,
  },
  { name: 'RISC-V virt\'s ECAM elsewhere', example: RISCV, change: (t) => (t.hostBridges[0].ecam = 0x40000000), path: 'hostBridges[0].ecam', reason: /RISC-V virt's ECAM is at 0x30000000/ },
  {
    name: 'an ITS on RISC-V virt',
    example: RISCV,
    change: (t) => (t.msiControllers = [{ id: 'its0', type: 'its', itsIds: [0] }]),
    path: 'msiControllers[0]',
    reason: /RISC-V virt's MSIs go to its IMSICs/,
  },
];

describe('export qemu refuses what QEMU cannot build', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const t = load(c.example);
      c.change(t);
      const file = join(scratchDir(), c.example);
      writeFileSync(file, stringify(t));
      const r = await runCli('export', 'qemu', file);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const line = r.stderr.split('\n').find((l) => l.startsWith(`${file}:${c.path}: error [qemu-export-refused]: `));
      expect(line, r.stderr).toMatch(c.reason);
      // Once nothing is written, only the refusals are said.
      expect(r.stderr).not.toMatch(/ (warning|info) \[/);
    });
  }

  it('refuses a root port without ACS for QEMU 11.1, whose pcie-root-port has no disable-acs; writes disable-acs=on for older ones', async () => {
    const t = load(VTD);
    delete rp1(t).acs;
    const file = join(scratchDir(), VTD);
    writeFileSync(file, stringify(t));
    const r = await runCli('export', 'qemu', file, '--qemu-version', '11.1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:hostBridges[0].children[2]: error [qemu-export-refused]: a root port without ACS: QEMU 11.1's pcie-root-port always has ACS`);
    const old = await runCli('export', 'qemu', file, '--qemu-version', '10.2', '--format', 'json');
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout).find((a: string) => a.startsWith('pcie-root-port,id=rp1'))).toContain(',disable-acs=on,');
  });

  it('refuses a QEMU older than the facts it has', async () => {
    const r = await runCli('export', 'qemu', join(TABLES_DIR, VTD), '--qemu-version', '6.2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--qemu-version 6\.2: ridmap's QEMU facts are those of QEMU 7\.2 and later/);
    expect((await runCli('export', 'qemu', join(TABLES_DIR, VTD), '--qemu-version', '8.2')).code).toBe(0);
  });
});
