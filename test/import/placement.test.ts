/**
 * Where the importer puts functions. Every expectation here was read off
 * `info pci` / `info qtree` of QEMU 7.2 for the same command line (the
 * interop suite repeats the check against a live QEMU for its scenarios).
 */
import { describe, expect, it } from 'vitest';
import { bdfs, node, rootBus, topologyOf } from './support.js';

const Q35_FIXED = ['1f.0 ICH9-LPC', '1f.2 ich9-ahci', '1f.3 ICH9-SMB'];

describe('q35 built-ins, default display and NIC', () => {
  it('has MCH 00.0, VGA 01.0, the default e1000e 02.0, LPC/AHCI/SMBus in slot 1f', () => {
    expect(rootBus(topologyOf('-M', 'q35'))).toEqual(['00.0 mch', '01.0 VGA', '02.0 e1000e', ...Q35_FIXED]);
  });

  it('keeps the VGA with -nographic (it changes the display backend, not the devices)', () => {
    expect(rootBus(topologyOf('-M', 'q35', '-nographic', '-nic', 'none'))).toEqual(['00.0 mch', '01.0 VGA', ...Q35_FIXED]);
  });

  it('drops the VGA with -vga none, and both with -nodefaults', () => {
    expect(rootBus(topologyOf('-M', 'q35', '-vga', 'none'))).toEqual(['00.0 mch', '01.0 e1000e', ...Q35_FIXED]);
    expect(rootBus(topologyOf('-M', 'q35', '-nodefaults'))).toEqual(['00.0 mch', ...Q35_FIXED]);
  });

  it('creates the display -vga names, also after -nodefaults', () => {
    expect(rootBus(topologyOf('-M', 'q35', '-nic', 'none', '-vga', 'virtio'))[1]).toBe('01.0 virtio-vga');
    expect(rootBus(topologyOf('-M', 'q35', '-nodefaults', '-vga', 'qxl'))[1]).toBe('01.0 qxl-vga');
  });

  it('drops the default VGA when a -device is a VGA, not for other displays', () => {
    expect(rootBus(topologyOf('-M', 'q35', '-nic', 'none', '-device', 'VGA,id=v,addr=5'))).toEqual(['00.0 mch', '05.0 VGA', ...Q35_FIXED]);
    expect(rootBus(topologyOf('-M', 'q35', '-nic', 'none', '-device', 'virtio-gpu-pci'))).toEqual(['00.0 mch', '01.0 VGA', '02.0 virtio-gpu-pci', ...Q35_FIXED]);
  });

  it('drops the default NIC for any -net, -netdev or -nic, and creates the NICs -nic and -net nic ask for', () => {
    expect(rootBus(topologyOf('-M', 'q35', '-netdev', 'user,id=n0'))).not.toContain('02.0 e1000e');
    expect(rootBus(topologyOf('-M', 'q35', '-net', 'none'))).toEqual(['00.0 mch', '01.0 VGA', ...Q35_FIXED]);
    const nics = topologyOf('-M', 'q35', '-nic', 'user', '-nic', 'user,model=virtio', '-net', 'nic,model=rtl8139', '-net', 'user');
    expect(rootBus(nics).slice(2, 5)).toEqual(['02.0 e1000e', '03.0 virtio-net-pci', '04.0 rtl8139']);
  });

  it('places machine NICs before any -device', () => {
    expect(rootBus(topologyOf('-M', 'q35', '-device', 'virtio-net-pci,id=v')).slice(1, 4)).toEqual(['01.0 VGA', '02.0 e1000e', '03.0 virtio-net-pci']);
  });

  it('adds the ICH9 USB functions in slot 1d with -usb or usb=on, and drops AHCI/SMBus with sata=off/smbus=off', () => {
    const usb = ['1d.0 ich9-usb-uhci1', '1d.1 ich9-usb-uhci2', '1d.2 ich9-usb-uhci3', '1d.7 ich9-usb-ehci1'];
    expect(rootBus(topologyOf('-M', 'q35', '-usb', '-nodefaults'))).toEqual(['00.0 mch', ...usb, ...Q35_FIXED]);
    expect(rootBus(topologyOf('-M', 'q35,usb=on', '-nodefaults'))).toEqual(['00.0 mch', ...usb, ...Q35_FIXED]);
    expect(rootBus(topologyOf('-M', 'q35,sata=off,smbus=off', '-nodefaults'))).toEqual(['00.0 mch', '1f.0 ICH9-LPC']);
  });

  it('gives id-less functions <driver>@<bus>:<dd.f> and keeps id= values', () => {
    const t = topologyOf('-M', 'pc-q35-7.2', '-nodefaults', '-device', 'e1000,id=nic0', '-device', 'e1000');
    expect(t.hostBridges![0]!.children.map((n) => n.id)).toEqual([
      'mch@pcie.0:00.0', 'nic0', 'e1000@pcie.0:02.0', 'ICH9-LPC@pcie.0:1f.0', 'ich9-ahci@pcie.0:1f.2', 'ICH9-SMB@pcie.0:1f.3',
    ]);
  });
});

describe('virt built-ins', () => {
  it('has the host bridge function at 00.0 and the default virtio-net at the first free slot, no display', () => {
    expect(rootBus(topologyOf('-M', 'virt'))).toEqual(['00.0 gpex-root', '01.0 virtio-net-pci']);
    expect(rootBus(topologyOf('-M', 'virt-7.2', '-nodefaults', '-vga', 'std'))).toEqual(['00.0 gpex-root']);
  });
});

describe('auto-placement', () => {
  it('takes the first slot whose function 0 is free, in command-line order', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'e1000,id=a,addr=1', '-device', 'e1000,id=b', '-device', 'e1000,id=c,addr=4', '-device', 'e1000,id=d');
    expect(bdfs(t)).toMatchObject({ a: '00:01.0', b: '00:02.0', c: '00:04.0', d: '00:03.0' });
  });

  it('numbers buses depth-first as the firmware does, bus-reserve kept', () => {
    const t = topologyOf(
      '-M', 'q35', '-nodefaults',
      '-device', 'pcie-root-port,id=rp1,addr=02.0,multifunction=on,bus-reserve=2,chassis=1',
      '-device', 'nvme,id=nvme0,bus=rp1,serial=1',
      '-device', 'pcie-root-port,id=rp2,addr=02.1,chassis=2',
      '-device', 'pcie-pci-bridge,id=pcipci,bus=rp2',
      '-device', 'e1000,id=nic0,bus=pcipci,addr=01.0',
    );
    expect(bdfs(t)).toMatchObject({ rp1: '00:02.0', nvme0: '01:00.0', rp2: '00:02.1', pcipci: '04:00.0', nic0: '05:01.0' });
    expect(node(t, 'rp1').reserveBuses).toBe(2);
  });

  it('puts a device without bus= on the root bus of the expander added last, as qdev does', () => {
    const t = topologyOf(
      '-M', 'q35', '-nodefaults',
      '-device', 'pxb-pcie,id=p,bus_nr=5',
      '-device', 'pxb-pcie,id=q,bus_nr=9,bus=pcie.0',
      '-device', 'pcie-root-port,id=r,chassis=1',
    );
    expect(bdfs(t)).toMatchObject({ 'pxb-pcie@pcie.0:01.0': '00:01.0', 'pxb-pcie@pcie.0:02.0': '00:02.0', r: '09:00.0' });
  });

  it('accepts a bus= given as a QOM path', () => {
    expect(bdfs(topologyOf('-M', 'q35', '-nodefaults', '-device', 'e1000,id=a,bus=/machine/q35/pcie.0,addr=7'))).toMatchObject({ a: '00:07.0' });
  });
});

describe('multifunction', () => {
  it('fills a multifunction slot in any order of functions', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'e1000,id=b,addr=3.1', '-device', 'e1000,id=a,addr=3,multifunction=on', '-device', 'rtl8139,id=c,addr=03.7');
    expect(bdfs(t)).toMatchObject({ a: '00:03.0', b: '00:03.1', c: '00:03.7' });
  });

  it('takes function 0 of a slot whose function 1 is taken, when it is multifunction', () => {
    const t = topologyOf('-M', 'q35', '-nodefaults', '-device', 'e1000,id=x,addr=1.1', '-device', 'e1000,id=y,multifunction=on');
    expect(bdfs(t)).toMatchObject({ x: '00:01.1', y: '00:01.0' });
  });

  it('multifunction root ports behind one slot, each with its own bus', () => {
    const t = topologyOf(
      '-M', 'virt', '-nodefaults',
      '-device', 'pcie-root-port,id=rp0,addr=3.0,multifunction=on,chassis=1',
      '-device', 'pcie-root-port,id=rp1,addr=3.1,chassis=2',
      '-device', 'virtio-net-pci,id=n0,bus=rp0', '-device', 'virtio-net-pci,id=n1,bus=rp1',
    );
    expect(bdfs(t)).toMatchObject({ rp0: '00:03.0', rp1: '00:03.1', n0: '01:00.0', n1: '02:00.0' });
  });
});
