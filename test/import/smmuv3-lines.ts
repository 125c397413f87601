/** Command lines with -device arm-smmuv3 that the import, export and boot tests share. */

/** Issue 18's line: two pxb-pcie with an SMMUv3 each, pcie.0 without one, a root port and virtio-net below each. */
export const ISSUE_LINE = [
  '-M', 'virt,gic-version=3', '-nodefaults',
  '-device', 'pxb-pcie,id=pxb1,bus_nr=0x10,bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=pxb1,id=smmu1',
  '-device', 'pxb-pcie,id=pxb2,bus_nr=0x20,bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=pxb2,id=smmu2',
  '-device', 'pcie-root-port,id=rp1,bus=pxb1,chassis=1', '-device', 'virtio-net-pci,id=net1,bus=rp1',
  '-device', 'pcie-root-port,id=rp2,bus=pxb2,chassis=2', '-device', 'virtio-net-pci,id=net2,bus=rp2',
  '-device', 'virtio-net-pci,id=net0,bus=pcie.0',
];
