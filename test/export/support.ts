/**
 * What the export tests share: the command line `export qemu` gives for a
 * file (JSON form), a topology imported from a command line, and the
 * comparison of two maps (`map --format json`) that the export contract is
 * about.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import type { DeviceJson, MapJson } from '../../src/map/map-json.js';
import { runCli } from '../support/run-cli.js';

/** The examples of tables/ that QEMU can express (the round trip checks the others are refused). */
export const expectedExportable = (): string[] => ['arm-two-smmuv3.yaml', 'arm-virt-smmuv3.yaml', 'q35-amd-vi.yaml', 'q35-virtio-iommu-pxb.yaml', 'q35-vtd-pci-bridge.yaml', 'riscv-virt-iommu-pci.yaml'];

/** q35 with three -numa nodes and an expander on node 2 (the other expander on none). */
export const NUMA_ARGV: string[] = [
  '-M', 'q35', '-nodefaults', '-numa', 'node', '-numa', 'node,nodeid=1', '-numa', 'node,nodeid=2',
  '-device', 'pxb-pcie,id=p1,bus_nr=0x10,numa_node=2', '-device', 'pxb-pcie,id=p2,bus=pcie.0,bus_nr=0x20',
  '-device', 'pcie-root-port,id=rp,bus=p1,chassis=1', '-device', 'e1000e,id=nic,bus=rp',
];

export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'ridmap-export-'));

/** RISC-V virt with QEMU's platform IOMMU (-M virt,iommu-sys=on) translating its root bus: no example in tables/ has it. */
const IOMMU_SYS_TOPOLOGY = {
  name: 'riscv-virt-iommu-sys',
  iommus: [{ id: 'iommu', type: 'riscv-iommu', base: 0x3010000 }],
  hostBridges: [
    {
      id: 'pcie.0',
      iommu: 'iommu',
      ecam: 0x30000000,
      children: [
        { id: 'gpex-root', type: 'rciep', addr: '00.0', model: 'gpex-root' },
        { id: 'rp1', type: 'pcie-root-port', addr: '01.0', acs: true, children: [{ id: 'nvme0', type: 'pcie-endpoint', addr: '00.0', model: 'nvme' }] },
      ],
    },
  ],
};

/** RISC-V virt with every bridge kind below the riscv-iommu-pci: a switch and a PCIe-to-PCI bridge with two conventional NICs. */
export const RISCV_BRIDGES_TOPOLOGY = {
  name: 'riscv-virt-bridges',
  iommus: [{ id: 'iommu', type: 'riscv-iommu-pci', device: 'iommu-fn' }],
  hostBridges: [
    {
      id: 'pcie.0',
      iommu: 'iommu',
      ecam: 0x30000000,
      children: [
        { id: 'gpex-root', type: 'rciep', addr: '00.0', model: 'gpex-root' },
        { id: 'iommu-fn', type: 'rciep', addr: '01.0', model: 'riscv-iommu-pci' },
        {
          id: 'rp1', type: 'pcie-root-port', addr: '02.0', acs: true,
          children: [{
            id: 'up', type: 'pcie-switch-upstream-port', addr: '00.0',
            children: [
              { id: 'dp0', type: 'pcie-switch-downstream-port', addr: '00.0', children: [{ id: 'nvme0', type: 'pcie-endpoint', addr: '00.0', model: 'nvme' }] },
              {
                id: 'dp1', type: 'pcie-switch-downstream-port', addr: '01.0',
                children: [{
                  id: 'br', type: 'pcie-pci-bridge', addr: '00.0',
                  children: [{ id: 'nic0', type: 'pci-endpoint', addr: '01.0', model: 'e1000' }, { id: 'nic1', type: 'pci-endpoint', addr: '02.0', model: 'rtl8139' }],
                }],
              },
            ],
          }],
        },
      ],
    },
  ],
};

/** A topology object in a file of its own. */
export function topologyFile(t: { name: string }): string {
  const file = join(scratchDir(), `${t.name}.yaml`);
  writeFileSync(file, stringify(t));
  return file;
}

/** The iommu-sys topology (changed by `change`) in a file of its own. */
export function iommuSysFile(change: (t: any) => void = () => {}): string {
  const t = structuredClone(IOMMU_SYS_TOPOLOGY);
  change(t);
  return topologyFile(t);
}

/** `ridmap export qemu FILE --format json`, which must succeed. */
export async function exportedArgv(file: string, ...extra: string[]): Promise<string[]> {
  const r = await runCli('export', 'qemu', file, '--format', 'json', ...extra);
  expect(r.stderr.split('\n').filter((l) => / error /.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

/** `ridmap import qemu -o OUT -- ARGV`, which must succeed; the YAML file. */
export async function importedFile(dir: string, name: string, argv: readonly string[]): Promise<string> {
  const out = join(dir, `${name}.yaml`);
  const r = await runCli('import', 'qemu', '-o', out, '--', ...argv);
  expect(r.stderr).not.toMatch(/ error /);
  expect(r.code).toBe(0);
  return out;
}

export async function mapOf(file: string): Promise<MapJson> {
  const r = await runCli('map', file, '--format', 'json');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as MapJson;
}

/** Which ids share a group, as sorted id lists: group names are positional, the partition is the fact. */
function partition(devices: readonly DeviceJson[]): string[] {
  const byGroup = new Map<string, string[]>();
  for (const d of devices) byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d.id]);
  return [...byGroup.values()].map((ids) => ids.sort().join(' ')).sort();
}

/**
 * The same map: translations, and every device with its id, bus:dev.fn,
 * aliases, IOMMU, output IDs, and the same group partition. A function QEMU
 * names itself (`<driver>@<bus>:<dd.f>`: a built-in, a pxb-pcie function)
 * cannot keep the topology's id, so only such a name is matched by
 * bus:dev.fn; every other id must be the topology's.
 */
export function expectSameMap(theirs: MapJson, mine: MapJson): void {
  const mineDevices = mine.devices ?? [];
  const ids = new Set(mineDevices.map((d) => d.id));
  const atBdf = new Map(mineDevices.map((d) => [`${d.segment}:${d.bdf}`, d.id]));
  const renamed = (theirs.devices ?? []).map((d) =>
    ids.has(d.id) || !d.id.includes('@') ? d : { ...d, id: atBdf.get(`${d.segment}:${d.bdf}`) ?? d.id },
  );
  const facts = (ds: readonly DeviceJson[]) =>
    [...ds].sort((a, b) => a.id.localeCompare(b.id)).map(({ group: _group, ...rest }) => rest);
  expect(theirs.translations).toEqual(mine.translations);
  expect(facts(renamed)).toEqual(facts(mineDevices));
  expect(partition(renamed)).toEqual(partition(mineDevices));
}
