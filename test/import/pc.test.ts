/**
 * pc (i440FX), QEMU's x86 default machine: its built-in functions where
 * `info pci` of QEMU 7.2 and 11.1 shows them, a conventional root bus, and
 * export qemu of it (test/interop: the virtio-iommu-pc capture checks the
 * placement and the VIOT against QEMU's own).
 */
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';
import { exportedArgv, importedFile, scratchDir } from '../export/support.js';
import { rootBus } from './support.js';

const imported = async (...argv: string[]): Promise<{ t: Topology; stderr: string }> => {
  const run = await runCli('import', 'qemu', '--', ...argv);
  expect(run.code, run.stderr).toBe(0);
  return { t: parseTopology(run.stdout, 'pc.yaml'), stderr: run.stderr };
};

describe('pc (i440FX)', () => {
  it('is the machine of a command line without -M: i440FX 00.0, PIIX3 01.0/01.1, PIIX4 PM 01.3, the default VGA 02.0 and e1000 03.0 on pci.0', async () => {
    const { t } = await imported('qemu-system-x86_64', '-device', 'virtio-rng-pci,id=rng');
    expect(t.name).toBe('qemu-pc');
    expect(t.hostBridges![0]).toMatchObject({ id: 'pci.0', kind: 'pci', rootBus: 0 });
    expect(rootBus(t)).toEqual(['00.0 i440FX', '01.0 PIIX3', '01.1 piix3-ide', '01.3 PIIX4_PM', '02.0 VGA', '03.0 e1000', '04.0 virtio-rng-pci']);
    expect(t.hostBridges![0]!.children.every((c) => c.type === 'pci-endpoint')).toBe(true);
  });

  it('-M pc and pc-i440fx-X.Y alike; -usb adds the UHCI at 01.2', async () => {
    expect(rootBus((await imported('-M', 'pc-i440fx-9.1', '-nodefaults', '-usb')).t)).toEqual(['00.0 i440FX', '01.0 PIIX3', '01.1 piix3-ide', '01.2 piix3-usb-uhci', '01.3 PIIX4_PM']);
    expect(rootBus((await imported('-M', 'pc,usb=on', '-nodefaults')).t)).toContain('01.2 piix3-usb-uhci');
  });

  it('takes a PCIe device on pci.0, as QEMU does, as a conventional function of the root bus', async () => {
    const { t } = await imported('-M', 'pc', '-nodefaults', '-device', 'nvme,id=nvme0,serial=1');
    expect(t.hostBridges![0]!.children.find((c) => c.id === 'nvme0')).toMatchObject({ type: 'pci-endpoint', note: expect.stringContaining('QEMU allows it') });
  });

  it('virtio-iommu-pci translates pci.0 (a VIOT); its aw-bits default stays 64 on pc (QEMU 9.0 changed q35\'s and virt\'s only)', async () => {
    const { t } = await imported('-M', 'pc', '-nodefaults', '-device', 'virtio-iommu-pci,id=vi');
    expect(t.hostBridges![0]!.iommu).toBe('virtio-iommu');
    expect(t.iommus![0]!.capabilities!.inputAddressBits).toBe(64);
  });

  it('export qemu writes a pc line (-M pc[,usb=on]) that imports back to the same map', async () => {
    const argv = await exportedArgv(await importedFile(scratchDir(), 'pc', ['-M', 'pc', '-usb', '-device', 'virtio-iommu-pci,id=vi', '-device', 'pci-bridge,id=br,chassis_nr=1', '-device', 'e1000,id=n,bus=br,addr=1']));
    expect(argv.slice(0, 4)).toEqual(['qemu-system-x86_64', '-M', 'pc,usb=on', '-nodefaults']);
    expect(argv.join(' ')).toContain('-device pci-bridge,id=br,chassis_nr=1,bus=pci.0');
  });
});
