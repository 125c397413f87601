/**
 * The guests whose `ridmap snapshot` is kept in test/fixtures/sysfs/: each a
 * QEMU 11.1 line (the reference root's), the kernel series booted and the
 * firmware interface. snapshot-fixtures.test.ts boots them (RIDMAP_UPDATE_FIXTURES=1
 * rewrites the fixtures); test/import/sysfs-fixtures.test.ts reads the
 * fixtures without QEMU.
 */
import type { JudgeArch } from '../../src/judge/assets.js';
import type { FirmwareInterface } from '../../src/model/linux-profile.js';

export interface SnapshotGuest {
  name: string;
  arch: JudgeArch;
  /** The reference root's kernel series. */
  series: string;
  /** The machine and its devices (the judge adds memory, CPU, serial ports, firmware). */
  line: readonly string[];
  /** What the guest is for, for the fixtures' README. */
  about: string;
  /** How Linux finds the platform (default ACPI; dt: QEMU's own Device Tree, no firmware). */
  firmware?: FirmwareInterface;
}

/** A root port with an NVMe; a root port with a switch and two devices; a PCIe-to-PCI bridge with two conventional devices; a multi-function device on a root port. */
const Q35_DEVICES = [
  '-device', 'pcie-root-port,id=rp1,chassis=1,bus=pcie.0,addr=02.0',
  '-device', 'nvme,id=nvme0,serial=nvme0,bus=rp1',
  '-device', 'pcie-root-port,id=rp2,chassis=2,bus=pcie.0,addr=03.0',
  '-device', 'x3130-upstream,id=up1,bus=rp2',
  '-device', 'xio3130-downstream,id=dn1,bus=up1,chassis=3,slot=0',
  '-device', 'xio3130-downstream,id=dn2,bus=up1,chassis=4,slot=1',
  '-device', 'virtio-net-pci,id=net1,bus=dn1',
  '-device', 'e1000e,id=nic2,bus=dn2',
  '-device', 'pcie-root-port,id=rp3,chassis=5,bus=pcie.0,addr=04.0',
  '-device', 'pcie-pci-bridge,id=pcipci,bus=rp3',
  '-device', 'e1000,id=nic3,bus=pcipci,addr=01.0',
  '-device', 'rtl8139,id=nic4,bus=pcipci,addr=02.0',
  '-device', 'pcie-root-port,id=rp4,chassis=6,bus=pcie.0,addr=05.0',
  '-device', 'virtio-net-pci,id=mf0,bus=rp4,addr=00.0,multifunction=on',
  '-device', 'virtio-rng-pci,id=mf1,bus=rp4,addr=00.1',
];

export const SNAPSHOT_GUESTS: readonly SnapshotGuest[] = [
  {
    name: 'q35-vtd',
    arch: 'amd64',
    series: '6.12',
    line: ['-M', 'q35,kernel-irqchip=split', '-nodefaults', '-device', 'intel-iommu,id=vtd0,intremap=on,caching-mode=on', ...Q35_DEVICES],
    about: 'q35 with VT-d (interrupt remapping, caching mode): a root port with an NVMe, a switch with two devices, a PCIe-to-PCI bridge with two conventional devices (one alias), a multi-function device',
  },
  {
    name: 'q35-amd-vi',
    arch: 'amd64',
    series: '6.12',
    line: ['-M', 'q35', '-nodefaults', ...Q35_DEVICES, '-device', 'amd-iommu,id=amdvi0,intremap=on'],
    about: 'q35 with AMD-Vi, the same devices',
  },
  {
    name: 'q35-virtio-iommu',
    arch: 'amd64',
    series: '6.12',
    line: ['-M', 'q35', '-nodefaults', '-device', 'virtio-iommu-pci,id=viommu,bus=pcie.0,addr=06.0', ...Q35_DEVICES],
    about: 'q35 with a virtio-iommu-pci (VIOT), the same devices',
  },
  {
    name: 'virt-smmuv3-two',
    arch: 'arm64',
    series: '6.12',
    line: [
      '-M', 'virt,gic-version=3', '-nodefaults',
      '-device', 'pxb-pcie,id=pxb1,bus_nr=0x10,bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=pxb1,id=smmu1',
      '-device', 'pxb-pcie,id=pxb2,bus_nr=0x20,bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=pxb2,id=smmu2',
      '-device', 'pcie-root-port,id=rp1,bus=pxb1,chassis=1', '-device', 'virtio-net-pci,id=net1,bus=rp1',
      '-device', 'pcie-root-port,id=rp2,bus=pxb1,chassis=2', '-device', 'nvme,id=nvme1,serial=nvme1,bus=rp2',
      '-device', 'pcie-root-port,id=rp3,bus=pxb2,chassis=3', '-device', 'virtio-net-pci,id=net2,bus=rp3',
      '-device', 'pcie-root-port,id=rp4,bus=pxb2,chassis=4', '-device', 'e1000e,id=nic2,bus=rp4',
      '-device', 'virtio-net-pci,id=net0,bus=pcie.0',
      '-device', 'pcie-root-port,id=rp0,bus=pcie.0,chassis=5', '-device', 'virtio-rng-pci,id=rng0,bus=rp0',
    ],
    about: 'Arm virt (ACPI, EDK2) with two pxb-pcie each behind its own -device arm-smmuv3 (two devices behind each) and devices on pcie.0, which no SMMU translates',
  },
  {
    name: 'virt-virtio-iommu',
    arch: 'arm64',
    series: '6.12',
    line: [
      '-M', 'virt,gic-version=3', '-nodefaults',
      '-device', 'virtio-iommu-pci,id=viommu',
      '-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'virtio-net-pci,id=net1,bus=rp1',
      '-device', 'pcie-root-port,id=rp2,chassis=2', '-device', 'nvme,id=nvme1,serial=nvme1,bus=rp2',
      '-device', 'virtio-rng-pci,id=rng0',
    ],
    about: 'Arm virt (ACPI, EDK2) with a virtio-iommu-pci (VIOT), two root ports with a device each and a device on pcie.0',
  },
  {
    name: 'virt-smmuv3-dt',
    arch: 'arm64',
    series: '6.12',
    firmware: 'dt',
    line: [
      '-M', 'virt,gic-version=3,iommu=smmuv3', '-nodefaults',
      '-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'virtio-net-pci,id=net1,bus=rp1',
      '-device', 'pcie-root-port,id=rp2,chassis=2', '-device', 'nvme,id=nvme1,serial=nvme1,bus=rp2',
      '-device', 'virtio-rng-pci,id=rng0',
    ],
    about: 'Arm virt booted from QEMU\'s own Device Tree (no firmware, acpi=off) with the machine\'s SMMUv3 (iommu=smmuv3): the snapshot holds /sys/firmware/fdt instead of ACPI tables',
  },
];
