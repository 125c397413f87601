/**
 * A small fake of Linux's /sys and /proc in a temporary directory, laid out
 * as a q35 guest with VT-d shows them (links where sysfs has links), for
 * running scripts/ridmap-snapshot.sh with RIDMAP_SYSFS_ROOT without root or
 * QEMU:
 *   00:00.0 host bridge, group 0
 *   00:1c.0 PCIe root port (bus 1..1, ACS SV+RR+CR+UF), group 1, driver pcieport
 *   01:00.0 NVMe endpoint behind it, group 1
 *   dmar0 at 0xfed90000; DMAR and MCFG tables; /proc/cmdline.
 * and, for the AMD-Vi layout (not a real mix, two drivers' sysfs in one tree):
 *   00:00.2 an AMD-Vi unit's own function, whose sysfs directory holds the
 *   unit's class device `iommu/ivhd0` (a directory named iommu, not a link).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FakeSysfs {
  root: string;
  dmar: Uint8Array;
}

interface FakeFunction {
  sbdf: string;
  /** Path under /sys/devices. */
  path: string;
  config: Uint8Array;
  group: string;
  driver?: string;
}

export function makeFakeSysfs(): FakeSysfs {
  const root = mkdtempSync(join(tmpdir(), 'ridmap-fake-sysfs-'));
  const put = (rel: string, data: string | Uint8Array) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), data);
  };
  const link = (rel: string, target: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    symlinkSync(join(root, target), join(root, rel));
  };
  const functions: FakeFunction[] = [
    { sbdf: '0000:00:00.0', path: 'pci0000:00/0000:00:00.0', config: endpointConfig(0x8086, 0x29c0, 0x060000), group: '0' },
    { sbdf: '0000:00:1c.0', path: 'pci0000:00/0000:00:1c.0', config: rootPortConfig(), group: '1', driver: 'pcieport' },
    { sbdf: '0000:01:00.0', path: 'pci0000:00/0000:00:1c.0/0000:01:00.0', config: endpointConfig(0x1b36, 0x0010, 0x010802, true), group: '1' },
  ];
  put('sys/devices/pci0000:00/firmware_node/path', '\\_SB_.PCI0\n');
  for (const f of functions) {
    const dir = `sys/devices/${f.path}`;
    const u16 = (o: number) => f.config[o]! | (f.config[o + 1]! << 8);
    put(`${dir}/config`, f.config);
    put(`${dir}/vendor`, `0x${u16(0).toString(16).padStart(4, '0')}\n`);
    put(`${dir}/device`, `0x${u16(2).toString(16).padStart(4, '0')}\n`);
    put(`${dir}/class`, `0x${(f.config[9]! | (f.config[10]! << 8) | (f.config[11]! << 16)).toString(16).padStart(6, '0')}\n`);
    link(`sys/bus/pci/devices/${f.sbdf}`, dir);
    link(`${dir}/iommu`, 'sys/devices/virtual/iommu/dmar0');
    link(`${dir}/iommu_group`, `sys/kernel/iommu_groups/${f.group}`);
    link(`sys/kernel/iommu_groups/${f.group}/devices/${f.sbdf}`, dir);
    put(`sys/kernel/iommu_groups/${f.group}/type`, 'DMA\n');
    if (f.driver) {
      mkdirSync(join(root, `sys/bus/pci/drivers/${f.driver}`), { recursive: true });
      link(`${dir}/driver`, `sys/bus/pci/drivers/${f.driver}`);
    }
  }
  // The AMD-Vi unit: a PCI function without an iommu link, its class device below it, `device` leading back to it.
  const ivhd = 'sys/devices/pci0000:00/0000:00:00.2';
  put(`${ivhd}/config`, endpointConfig(0x1022, 0x1419, 0x080600));
  link('sys/bus/pci/devices/0000:00:00.2', ivhd);
  put(`${ivhd}/iommu/ivhd0/amd-iommu/cap`, '1f03000f\n');
  put(`${ivhd}/iommu/ivhd0/amd-iommu/features`, '29d3:1\n');
  link(`${ivhd}/iommu/ivhd0/device`, ivhd);
  link('sys/class/iommu/ivhd0', `${ivhd}/iommu/ivhd0`);
  put('sys/devices/virtual/iommu/dmar0/intel-iommu/address', 'fed90000\n');
  put('sys/devices/virtual/iommu/dmar0/intel-iommu/cap', 'd2008c22260286\n');
  put('sys/devices/virtual/iommu/dmar0/intel-iommu/ecap', 'f00f5e\n');
  put('sys/devices/virtual/iommu/dmar0/intel-iommu/version', '1:0\n');
  link('sys/class/iommu/dmar0', 'sys/devices/virtual/iommu/dmar0');
  const dmar = new Uint8Array(48);
  dmar.set([...'DMAR'].map((c) => c.charCodeAt(0)));
  dmar[4] = 48;
  put('sys/firmware/acpi/tables/DMAR', dmar);
  put('sys/firmware/acpi/tables/DSDT', new Uint8Array(36));
  // An ACPI machine booted through EFI has the EFI stub's Device Tree too (/chosen alone).
  put('sys/firmware/fdt', new Uint8Array([0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 8]));
  put('proc/cmdline', 'console=ttyS0 intel_iommu=on\n');
  return { root, dmar };
}

/** A type 0 header; with `pcie`, a PCIe Endpoint capability at 0x40 in a 4 KiB space. */
function endpointConfig(vendor: number, device: number, classCode: number, pcie = false): Uint8Array {
  const c = new Uint8Array(pcie ? 4096 : 256);
  setU16(c, 0, vendor);
  setU16(c, 2, device);
  c.set([classCode & 0xff, (classCode >> 8) & 0xff, classCode >> 16], 9);
  if (pcie) {
    setU16(c, 6, 0x10); // Status: Capabilities List
    c[0x34] = 0x40;
    c.set([0x10, 0x00, 0x02, 0x00], 0x40); // PCIe cap v2, Endpoint
  }
  return c;
}

/** A type 1 header, bus 0 → 1..1, PCIe Root Port capability and an ACS capability at 0x100 with SV, RR, CR, UF on. */
function rootPortConfig(): Uint8Array {
  const c = new Uint8Array(4096);
  setU16(c, 0, 0x8086);
  setU16(c, 2, 0x2940);
  c.set([0x00, 0x04, 0x06], 9);
  c[0x0e] = 0x01;
  c.set([0x00, 0x01, 0x01], 0x18);
  setU16(c, 6, 0x10);
  c[0x34] = 0x40;
  c.set([0x10, 0x00, 0x42, 0x00], 0x40); // PCIe cap v2, Root Port (type 4)
  // ACS extended capability: ID 0x000d, version 1, next 0; capability 0x001f, control SV|RR|CR|UF.
  c.set([0x0d, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x1d, 0x00], 0x100);
  return c;
}

function setU16(c: Uint8Array, at: number, v: number): void {
  c[at] = v & 0xff;
  c[at + 1] = v >> 8;
}

/** A bare /sys of `count` functions on bus 1.. (config, vendor, device, class, a group each), for the script's cost. */
export function makeManyFunctions(count: number): string {
  const root = mkdtempSync(join(tmpdir(), 'ridmap-fake-many-'));
  for (let i = 0; i < count; i++) {
    const sbdf = `0000:${(1 + (i >> 5)).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0`;
    const dir = join(root, 'sys/devices/pci0000:00', sbdf);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config'), endpointConfig(0x8086, 0x10d3, 0x020000, true));
    for (const [k, v] of [['vendor', '0x8086'], ['device', '0x10d3'], ['class', '0x020000']]) writeFileSync(join(dir, k!), `${v}\n`);
    const group = join(root, 'sys/kernel/iommu_groups', String(i));
    mkdirSync(join(group, 'devices'), { recursive: true });
    symlinkSync(dir, join(group, 'devices', sbdf));
    symlinkSync(group, join(dir, 'iommu_group'));
    mkdirSync(join(root, 'sys/bus/pci/devices'), { recursive: true });
    symlinkSync(dir, join(root, 'sys/bus/pci/devices', sbdf));
  }
  return root;
}
