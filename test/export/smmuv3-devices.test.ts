/**
 * `ridmap export qemu` of virt topologies with user-created SMMUv3s: one
 * `-device arm-smmuv3,primary-bus=...` per unit (QEMU 10.1+), in the
 * topology's order (that order places them on virt's platform bus), after
 * the pxb-pcie they name; import qemu of the line gives the same map. What
 * QEMU cannot build is refused naming the document path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../support/run-cli.js';
import { expectSameMap, exportedArgv, importedFile, mapOf, scratchDir } from './support.js';

const smmu = (id: string, n: number, extra: Record<string, unknown> = {}) => ({
  id, type: 'smmuv3', base: 0xc000000 + n * 0x20000,
  interrupts: { event: 144 + 4 * n, pri: 145 + 4 * n, sync: 146 + 4 * n, gerror: 147 + 4 * n },
  msiController: 'its', ...extra,
});

/** pcie.0 behind s0, an expander behind s1, another expander untranslated. */
function topology(over: { iommus?: unknown[]; hosts?: Record<number, Record<string, unknown>> } = {}) {
  const hosts: Record<string, unknown>[] = [
    {
      id: 'pcie.0', iommu: 's0', msiController: 'its', children: [
        { id: 'host', type: 'rciep', addr: '00.0', model: 'gpex-root' },
        { id: 'pxb-a', type: 'rciep', addr: '01.0', model: 'pxb-pcie' },
        { id: 'pxb-b', type: 'rciep', addr: '02.0', model: 'pxb-pcie' },
        { id: 'nic0', type: 'rciep', addr: '03.0', model: 'virtio-net-pci' },
      ],
    },
    { id: 'px1', expander: true, rootBus: 0x10, iommu: 's1', msiController: 'its', children: [{ id: 'rp1', type: 'pcie-root-port', addr: '00.0', acs: true, children: [{ id: 'nic1', type: 'pcie-endpoint', addr: '00.0', model: 'virtio-net-pci' }] }] },
    { id: 'px2', expander: true, rootBus: 0x20, msiController: 'its', children: [{ id: 'rp2', type: 'pcie-root-port', addr: '00.0', acs: true, children: [{ id: 'nic2', type: 'pcie-endpoint', addr: '00.0', model: 'virtio-net-pci' }] }] },
  ];
  for (const [i, h] of Object.entries(over.hosts ?? {})) Object.assign(hosts[Number(i)]!, h);
  return {
    name: 'smmuv3-devices',
    msiControllers: [{ id: 'its', type: 'its', itsIds: [0], base: 0x8080000 }],
    iommus: over.iommus ?? [smmu('s0', 0), smmu('s1', 1, { capabilities: { pageTableFormats: ['arm-lpae-s1', 'arm-lpae-s2'] } })],
    hostBridges: hosts,
  };
}

function write(t: unknown): string {
  const file = join(scratchDir(), 'topology.yaml');
  writeFileSync(file, stringify(t));
  return file;
}

describe('export qemu: arm-smmuv3 devices', () => {
  it('one -device arm-smmuv3 per unit, after the expanders, stage from pageTableFormats; import gives the same map', async () => {
    const file = write(topology());
    const argv = await exportedArgv(file);
    const devices = argv.filter((a) => a.startsWith('arm-smmuv3'));
    expect(devices).toEqual(['arm-smmuv3,primary-bus=pcie.0,id=s0', 'arm-smmuv3,primary-bus=px1,id=s1,stage=nested']);
    expect(argv.indexOf(devices[0]!)).toBeGreaterThan(argv.findIndex((a) => a.startsWith('pxb-pcie,id=px2')));
    const back = await importedFile(scratchDir(), 'back', argv);
    expectSameMap(await mapOf(back), await mapOf(file));
  });

  it('--qemu-version before 10.1 is refused, naming 10.1', async () => {
    const r = await runCli('export', 'qemu', write(topology()), '--qemu-version', '10.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--qemu-version 10\.0: the topology's SMMUv3s are -device arm-smmuv3, which QEMU's virt takes from 10\.1 on/);
    expect((await runCli('export', 'qemu', write(topology()), '--qemu-version', '10.1')).code).toBe(0);
  });

  const refusals: [string, Parameters<typeof topology>[0], string, RegExp][] = [
    ['a base other than the platform bus\'s n-th', { iommus: [smmu('s0', 0), smmu('s1', 2)] }, 'iommus[1].base', /QEMU puts the arm-smmuv3 created second on virt's platform bus at 0xc020000/],
    ['interrupts other than QEMU\'s', { iommus: [smmu('s0', 0), smmu("s1", 1, { interrupts: { event: 200, pri: 149, sync: 150, gerror: 151 } })] }, 'iommus[1].interrupts', /GSIV event 148, pri 149, sync 150, gerror 151/],
    ['an SMMU translating no host bridge', { iommus: [smmu('s0', 0), smmu('s1', 1), smmu('s2', 2)] }, 'iommus[2]', /needs a primary-bus/],
    ['an SMMU translating two root complexes', { hosts: { 2: { iommu: 's1' } } }, 'hostBridges[2].iommu', /translates one root complex \(primary-bus\)/],
    ['a virtio-iommu beside them', { iommus: [smmu('s0', 0), smmu('s1', 1), { id: 'v', type: 'virtio-iommu-pci', device: 'nic0' }] }, 'iommus[2]', /one kind of IOMMU/],
  ];
  for (const [what, over, path, message] of refusals) {
    it(`refuses ${what}, naming ${path}`, async () => {
      const r = await runCli('export', 'qemu', write(topology(over)));
      expect(r.code).toBe(2);
      const line = r.stderr.split('\n').find((l) => l.includes(`:${path}: error [qemu-export-refused]`));
      expect(line, r.stderr).toMatch(message);
    });
  }
});
