/** Each machine and device option the importer reads, and what it becomes in the topology. */
import { describe, expect, it } from 'vitest';
import { resolveTopology } from '../../src/model/resolve.js';
import { runCli } from '../support/run-cli.js';
import { bdfs, imported, node, nodes, topologyOf } from './support.js';

describe('q35 with intel-iommu', () => {
  const vtd = (...more: string[]) => topologyOf('-M', 'q35', '-nodefaults', '-device', `intel-iommu${more.length ? ',' + more.join(',') : ''}`);

  it('is one VT-d unit at 0xfed90000 over pcie.0, with QEMU\'s I/O APIC scope ff:00.0', () => {
    const t = vtd();
    expect(t.iommus).toEqual([{
      id: 'intel-iommu', type: 'vtd', base: 0xfed90000,
      capabilities: { pageTableFormats: ['vtd-sl'], pageSizes: [4096, 2097152, 1073741824], inputAddressBits: 48, pasidBits: 0 },
    }]);
    expect(t.hostBridges![0]).toMatchObject({ id: 'pcie.0', iommu: 'intel-iommu' });
    expect(t.ioapics).toEqual([{ id: 'ioapic', ioapicId: 0, sourceId: 'ff:00.0', iommu: 'intel-iommu' }]);
  });

  it('keeps the device id as the unit id', () => {
    expect(topologyOf('-M', 'q35', '-nodefaults', '-device', 'intel-iommu,id=vtd0').iommus![0]!.id).toBe('vtd0');
  });

  it('aw-bits sets the host address width', () => {
    expect(vtd('aw-bits=39').dmar).toMatchObject({ hostAddressWidth: 39 });
    expect(vtd('aw-bits=48').dmar).toMatchObject({ hostAddressWidth: 48 });
  });

  it('without aw-bits, the width is QEMU\'s default for the release: 48 from 9.2 (the default 11.1), 39 before or for an older machine type', async () => {
    const width = async (...argv: string[]) => {
      const run = await runCli('import', 'qemu', ...argv);
      expect(run.code, run.stderr).toBe(0);
      return { width: /hostAddressWidth: (\d+)/.exec(run.stdout)?.[1], note: /# hostAddressWidth .*$/m.exec(run.stdout)?.[0] };
    };
    const q35 = ['-M', 'q35', '-nodefaults', '-device', 'intel-iommu'];
    expect(await width('--', ...q35)).toEqual({ width: '48', note: expect.stringContaining('default for QEMU 11.1 (39 before 9.2, 48 from 9.2 on') });
    expect((await width('--qemu-version', '9.2', '--', ...q35)).width).toBe('48');
    expect((await width('--qemu-version', '9.1', '--', ...q35)).width).toBe('39');
    expect((await width('--qemu-version', '7.2', '--', ...q35)).width).toBe('39');
    // QEMU 11.1 keeps pc-q35-9.1's defaults (hw_compat_9_1): checked with its CAP.MGAW.
    expect((await width('--', '-M', 'pc-q35-9.1', '-nodefaults', '-device', 'intel-iommu')).width).toBe('39');
    expect((await width('--', '-M', 'pc-q35-9.2', '-nodefaults', '-device', 'intel-iommu')).width).toBe('48');
    expect((await width('--', ...q35.slice(0, -1), 'intel-iommu,aw-bits=39')).note).toBeUndefined();
  });

  it('intremap: on by default under TCG, off when asked, off by default with KVM\'s in-kernel irqchip', () => {
    expect(vtd().dmar).toMatchObject({ interruptRemapping: true });
    expect(vtd('intremap=off').dmar).toMatchObject({ interruptRemapping: false });
    expect(vtd('intremap=on').dmar).toMatchObject({ interruptRemapping: true });
    expect(topologyOf('-M', 'q35', '-enable-kvm', '-nodefaults', '-device', 'intel-iommu').dmar).toMatchObject({ interruptRemapping: false });
    expect(topologyOf('-M', 'q35,kernel-irqchip=split', '-accel', 'kvm', '-nodefaults', '-device', 'intel-iommu,intremap=on').dmar).toMatchObject({ interruptRemapping: true });
  });

  it('device-iotlb puts ATS on every root port (QEMU\'s ATSR covers all ports); caching-mode changes nothing', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'intel-iommu,device-iotlb=on,caching-mode=on', '-device', 'pcie-root-port,id=rp,chassis=1');
    expect(node(t, 'rp').ats).toBe(true);
    expect(node(topologyOf('-M', 'q35', '-nodefaults', '-device', 'intel-iommu', '-device', 'pcie-root-port,id=rp,chassis=1'), 'rp').ats).toBeUndefined();
  });

  it('default_bus_bypass_iommu (either spelling) bypasses pcie.0; expanders keep the unit unless bypass_iommu', () => {
    for (const spelling of ['default_bus_bypass_iommu=on', 'default-bus-bypass-iommu=on']) {
      const t = topologyOf('-M', `q35,${spelling}`, '-nodefaults', '-device', 'intel-iommu',
        '-device', 'pxb-pcie,id=p1,bus_nr=0x10', '-device', 'pxb-pcie,id=p2,bus_nr=0x20,bus=pcie.0,bypass_iommu=on');
      expect(t.hostBridges!.map((h) => [h.id, h.iommu ?? null, h.bypassIommu ?? false])).toEqual([
        ['pcie.0', null, true],
        ['p1', 'intel-iommu', false],
        ['p2', null, true],
      ]);
    }
  });
});

describe('virtio-iommu-pci', () => {
  it('is an IOMMU and the PCI function it is, which keeps the device id', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'virtio-iommu-pci,id=viommu');
    expect(t.iommus).toEqual([{ id: 'virtio-iommu', type: 'virtio-iommu-pci', device: 'viommu', capabilities: { pageTableFormats: ['virtio'], inputAddressBits: 39 } }]);
    expect(node(t, 'viommu')).toMatchObject({ type: 'rciep', addr: '01.0', vendorId: 0x1af4, deviceId: 0x1057 });
    expect(t.hostBridges![0]!.iommu).toBe('virtio-iommu');
  });

  it('works on virt too, and the function\'s own RID is never translated by itself', () => {
    const r = resolveTopology(topologyOf('-M', 'virt', '-nodefaults', '-device', 'virtio-iommu-pci'));
    const self = r.map.devices!.find((d) => d.id === 'virtio-iommu-pci@pcie.0:01.0');
    expect(self?.iommu).toBeNull();
  });
});

describe('virt machine options', () => {
  it('iommu=smmuv3 is the SMMUv3 at 0x9050000 with SPIs 74-77 (GSIV 106-109)', () => {
    const t = topologyOf('-M', 'virt,iommu=smmuv3', '-nodefaults');
    expect(t.iommus).toEqual([
      { id: 'smmuv3', type: 'smmuv3', base: 0x9050000, interrupts: { event: 106, pri: 107, sync: 108, gerror: 109 }, coherent: true },
    ]);
    expect(t.msiControllers).toBeUndefined();
  });

  it('gic-version 3, 4 and max have an ITS (unless its=off); 2, the default, has none', () => {
    for (const v of ['3', '4', 'max']) {
      const t = topologyOf('-M', `virt,iommu=smmuv3,gic-version=${v}`, '-nodefaults');
      expect(t.msiControllers).toEqual([{ id: 'its', type: 'its', itsIds: [0], base: 0x8080000 }]);
      expect(t.iommus![0]).toMatchObject({ msiController: 'its' });
      expect(t.hostBridges![0]).toMatchObject({ msiController: 'its' });
    }
    expect(topologyOf('-M', 'virt,gic-version=3,its=off', '-nodefaults').msiControllers).toBeUndefined();
    expect(topologyOf('-M', 'virt,gic-version=2', '-nodefaults').msiControllers).toBeUndefined();
  });

  it('merges several -machine options, later ones winning', () => {
    const t = topologyOf('-machine', 'virt', '-machine', 'iommu=smmuv3,gic-version=3', '-nodefaults');
    expect(t.iommus![0]!.type).toBe('smmuv3');
    expect(t.msiControllers).toHaveLength(1);
  });

  it('default_bus_bypass_iommu bypasses pcie.0; highmem=off moves ECAM low, to 16 buses', () => {
    expect(topologyOf('-M', 'virt,iommu=smmuv3,default_bus_bypass_iommu=on', '-nodefaults').hostBridges![0]).toMatchObject({ bypassIommu: true });
    expect(topologyOf('-M', 'virt', '-nodefaults').hostBridges![0]).toMatchObject({ ecam: 0x4010000000 });
    expect(topologyOf('-M', 'virt,highmem=off', '-nodefaults').hostBridges![0]).toMatchObject({ ecam: 0x3f000000, busLimit: 15 });
  });

  it('kernel-irqchip is read and, under TCG, changes nothing', () => {
    expect(topologyOf('-M', 'virt,kernel-irqchip=split', '-nodefaults')).toEqual(topologyOf('-M', 'virt', '-nodefaults'));
  });

  it('warns about machine options that do not change the PCI topology', () => {
    const r = imported('-M', 'virt,secure=on', '-nodefaults');
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['qemu-ignored', 'argv[0]']]);
  });
});

describe('expanders (pxb-pcie, pxb)', () => {
  it('pxb-pcie: a host bridge named by its id, root bus bus_nr, its function on pcie.0', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'pxb-pcie,id=pxb1,bus_nr=0x10,addr=5',
      '-device', 'pcie-root-port,id=rp,bus=pxb1,chassis=1', '-device', 'e1000e,id=nic,bus=rp');
    expect(t.hostBridges![1]).toMatchObject({ id: 'pxb1', rootBus: 0x10, expander: true });
    expect(t.hostBridges![1]!.kind).toBeUndefined();
    expect(node(t, 'pxb-pcie@pcie.0:05.0').type).toBe('rciep');
    expect(bdfs(t)).toMatchObject({ rp: '10:00.0', nic: '11:00.0' });
  });

  it('numa_node must name a -numa node; it becomes the host bridge\'s proximityDomain', () => {
    const r = imported('-M', 'q35', '-nodefaults', '-numa', 'node', '-numa', 'node,nodeid=3', '-device', 'pxb-pcie,id=p,bus_nr=8,numa_node=3');
    expect(r.topology.hostBridges![1]).toMatchObject({ id: 'p', proximityDomain: 3 });
  });

  it('on Arm virt an expander is said to be ACPI-only (a Device Tree boot never sees it); on q35 nothing is said', async () => {
    const run = await runCli('import', 'qemu', '--', '-M', 'virt', '-nodefaults', '-device', 'pxb-pcie,id=px,bus_nr=0x80');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/qemu:argv\[\d\]: warning \[qemu-acpi-only\]: `-device pxb-pcie,id=px,bus_nr=0x80`: QEMU describes expander px \(bus 0x80\) only in ACPI: booted with a Device Tree/);
    const q35 = imported('-M', 'q35', '-nodefaults', '-device', 'pxb-pcie,id=px,bus_nr=0x80');
    expect(q35.diagnostics.filter((d) => d.code === 'qemu-acpi-only')).toEqual([]);
  });

  it('an id-less expander gets a host bridge id from its function', () => {
    const t = topologyOf('-M', 'virt', '-nodefaults', '-device', 'pxb-pcie,bus_nr=4');
    expect(t.hostBridges!.map((h) => h.id)).toEqual(['pcie.0', 'pxb-pcie@pcie.0:01.0-bus']);
  });
});

describe('ports, switches and bridges', () => {
  it('pcie-root-port: chassis/slot, addr, multifunction, bus-reserve, ACS unless disable-acs', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults',
      '-device', 'pcie-root-port,id=a,chassis=1,slot=0,addr=4.0,multifunction=on,bus-reserve=3',
      '-device', 'pcie-root-port,id=b,chassis=1,slot=1,addr=4.1,disable-acs=on',
      '-device', 'ioh3420,id=c,chassis=2');
    expect(node(t, 'a')).toMatchObject({ type: 'pcie-root-port', addr: '04.0', reserveBuses: 3, acs: true });
    expect(node(t, 'b').acs).toBeUndefined();
    expect(node(t, 'c')).toMatchObject({ type: 'pcie-root-port', model: 'ioh3420' });
    expect(bdfs(t)).toMatchObject({ a: '00:04.0', b: '00:04.1', c: '00:01.0' });
  });

  it('bus-reserve=4294967295 is QEMU\'s "unset"', () => {
    expect(node(topologyOf('-M', 'q35', '-nodefaults', '-device', 'pcie-root-port,id=a,bus-reserve=4294967295'), 'a').reserveBuses).toBeUndefined();
  });

  it('x3130-upstream and xio3130-downstream make a switch below a root port', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'pcie-root-port,id=rp,chassis=1',
      '-device', 'x3130-upstream,id=up,bus=rp',
      '-device', 'xio3130-downstream,id=d0,bus=up,chassis=2', '-device', 'xio3130-downstream,id=d1,bus=up,chassis=2,slot=1',
      '-device', 'e1000e,id=n0,bus=d0', '-device', 'nvme,id=n1,bus=d1,serial=1');
    expect(nodes(t).map((n) => [n.node.id, n.node.type]).filter(([id]) => !String(id).includes('@'))).toEqual([
      ['rp', 'pcie-root-port'],
      ['up', 'pcie-switch-upstream-port'],
      ['d0', 'pcie-switch-downstream-port'],
      ['n0', 'pcie-endpoint'],
      ['d1', 'pcie-switch-downstream-port'],
      ['n1', 'pcie-endpoint'],
    ]);
    expect(bdfs(t)).toMatchObject({ rp: '00:01.0', up: '01:00.0', d0: '02:00.0', n0: '03:00.0', d1: '02:01.0', n1: '04:00.0' });
  });

  it('pci-bridge (chassis_nr) and pcie-pci-bridge have conventional buses: their endpoints are pci-endpoint', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'pci-bridge,id=br,chassis_nr=1', '-device', 'virtio-net-pci,id=v,bus=br',
      '-device', 'pcie-root-port,id=rp,chassis=1', '-device', 'pcie-pci-bridge,id=pb,bus=rp', '-device', 'e1000,id=e,bus=pb,addr=2');
    expect(node(t, 'br').type).toBe('pci-bridge');
    expect(node(t, 'v').type).toBe('pci-endpoint');
    expect(node(t, 'pb').type).toBe('pcie-pci-bridge');
    expect(node(t, 'e')).toMatchObject({ type: 'pci-endpoint', addr: '02.0' });
  });

  it('a conventional device below a PCIe port is kept as a PCIe endpoint, with a note', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'pcie-root-port,id=rp,chassis=1', '-device', 'e1000,id=e,bus=rp');
    expect(node(t, 'e')).toMatchObject({ type: 'pcie-endpoint' });
    expect(node(t, 'e').note).toMatch(/conventional PCI device on a PCIe link/);
  });
});

describe('endpoints and other devices', () => {
  it('an unknown -device is a generic endpoint with a note and a warning', () => {
    const r = imported('-M', 'q35', '-nodefaults', '-device', 'acme-widget,id=w');
    expect(node(r.topology, 'w')).toMatchObject({ type: 'rciep', model: 'acme-widget' });
    expect(node(r.topology, 'w').note).toMatch(/not in ridmap's QEMU catalog/);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['qemu-unknown-device', 'warning', 'argv[3]']]);
  });

  it('ignores devices that are not PCI functions, and -netdev, -drive, -chardev and the like', () => {
    const r = imported('-M', 'q35', '-nodefaults', '-drive', 'if=none,id=d0,file=x.img', '-netdev', 'user,id=n0',
      '-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-hd,drive=d0,bus=scsi0.0', '-device', 'usb-tablet', '-device', 'acme-disk,bus=scsi0.0',
      '-chardev', 'stdio,id=c0', '-object', 'memory-backend-ram,id=m,size=1G', '-m', '1G', '-smp', '2');
    expect(nodes(r.topology).map((n) => n.node.id)).toEqual(['mch@pcie.0:00.0', 'scsi0', 'ICH9-LPC@pcie.0:1f.0', 'ich9-ahci@pcie.0:1f.2', 'ICH9-SMB@pcie.0:1f.3']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['qemu-ignored', 'qemu-ignored', 'qemu-ignored']);
    expect(r.yaml).toContain('# Ignored (not PCI functions): scsi-hd, usb-tablet, acme-disk.');
  });

  it('warns that -global, -set and -readconfig are not followed', () => {
    const r = imported('-M', 'q35', '-nodefaults', '-global', 'ICH9-LPC.noreboot=off', '-readconfig', 'vm.cfg');
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['qemu-ignored', 'argv[3]'], ['qemu-ignored', 'argv[5]']]);
  });

  it('the command line may start with the binary', () => {
    expect(topologyOf('qemu-system-x86_64', '-M', 'q35')).toEqual(topologyOf('-M', 'q35'));
  });
});
