/**
 * The command lines of the QEMU interop suite: each is captured (the
 * tables QEMU really generates), imported (ridmap's topology of the same
 * command line) and compared. `known` lists disagreements that are QEMU's
 * documented behaviour, reported as findings rather than failures.
 */
import type { Arch } from './qemu-env.js';

/**
 * A documented QEMU behaviour that makes a table (or the DT) say something
 * other than the topology: device disagreements it explains, or a finding
 * code ridmap raises for it.
 */
export interface KnownBehaviour {
  /** Table signature, or DT. */
  source: string;
  /** Devices whose IOMMU or output IDs differ because of it. */
  devices?: string[];
  /** A finding ridmap's resolver reports for it. */
  finding?: string;
  /** The QEMU version that fixed it: expected only before. */
  fixedIn?: [number, number];
  why: string;
}

export interface Scenario {
  name: string;
  arch: Arch;
  argv: string[];
  /** Table signatures the capture must contain. */
  tables: string[];
  known?: KnownBehaviour[];
}

const IORT_COUNT_OFF_BY_ONE: KnownBehaviour = {
  source: 'IORT',
  finding: 'iort-id-mapping-overlap',
  fixedIn: [9, 1],
  why: 'QEMU wrote ID counts where IORT wants count-1 (fixed June 2024, QEMU 9.1): each SMMU range ends on the first ID of the bypass range after it',
};


export const SCENARIOS: Scenario[] = [
  {
    // amd-iommu first: its own function takes the first slot free then (03.0, after VGA and the default NIC); IVRS joins the
    // table comparison once src/acpi/resolvers.ts registers its resolver (test/interop/ivrs-qemu-oracle.test.ts compares it meanwhile).
    name: 'amd-iommu-pci-bridge',
    arch: 'x86',
    argv: [
      '-M', 'q35', '-device', 'amd-iommu,intremap=off', '-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'e1000e,bus=rp1',
      '-device', 'pci-bridge,id=pb,bus=pcie.0,chassis_nr=2', '-device', 'e1000,bus=pb,addr=1',
    ],
    tables: ['IVRS'],
  },
  {
    name: 'vtd-root-port-pci-bridge',
    arch: 'x86',
    argv: [
      '-M', 'q35,kernel-irqchip=split', '-nic', 'none', '-device', 'intel-iommu,intremap=on,aw-bits=48',
      '-device', 'pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,multifunction=on,bus-reserve=2,chassis=1',
      '-device', 'nvme,id=nvme0,bus=rp1,serial=1',
      '-device', 'pcie-root-port,id=rp2,bus=pcie.0,addr=02.1,chassis=2',
      '-device', 'pcie-pci-bridge,id=pcipci,bus=rp2',
      '-device', 'e1000,id=nic0,bus=pcipci,addr=01.0', '-device', 'rtl8139,id=nic1,bus=pcipci,addr=02.0',
    ],
    tables: ['DMAR'],
  },
  {
    name: 'vtd-expanders-bypass',
    arch: 'x86',
    argv: [
      '-M', 'q35', '-device', 'intel-iommu',
      '-device', 'pxb-pcie,id=pxb1,bus_nr=0x10',
      '-device', 'pcie-root-port,id=pxb1rp,bus=pxb1,chassis=1', '-device', 'virtio-net-pci,id=net1,bus=pxb1rp',
      '-device', 'pxb-pcie,id=pxb2,bus=pcie.0,bus_nr=0x20,bypass_iommu=on',
      '-device', 'pcie-root-port,id=pxb2rp,bus=pxb2,chassis=2', '-device', 'e1000e,id=nic2,bus=pxb2rp',
      '-device', 'pcie-root-port,id=pxb2rp2,bus=pxb2,chassis=3', '-device', 'virtio-rng-pci,id=rng2,bus=pxb2rp2',
      '-device', 'virtio-net-pci,id=net0,bus=pcie.0',
    ],
    tables: ['DMAR'],
  },
  {
    name: 'vtd-device-iotlb',
    arch: 'x86',
    argv: [
      '-M', 'q35', '-nodefaults', '-device', 'intel-iommu,device-iotlb=on,caching-mode=on',
      '-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp1,ats=on',
      '-device', 'pcie-root-port,id=rp2,chassis=2', '-device', 'nvme,id=nvme0,bus=rp2,serial=2',
    ],
    tables: ['DMAR'],
  },
  {
    name: 'vtd-x3130-switch',
    arch: 'x86',
    argv: [
      '-M', 'q35', '-vga', 'none', '-device', 'intel-iommu',
      '-device', 'pcie-root-port,id=rp1,chassis=1,bus-reserve=4',
      '-device', 'x3130-upstream,id=up,bus=rp1',
      '-device', 'xio3130-downstream,id=dn0,bus=up,chassis=2,slot=0',
      '-device', 'xio3130-downstream,id=dn1,bus=up,chassis=2,slot=1',
      '-device', 'e1000e,id=nic0,bus=dn0', '-device', 'nvme,id=nvme1,bus=dn1,serial=3',
      '-device', 'pcie-root-port,id=rp2,chassis=3', '-device', 'virtio-net-pci,id=net2,bus=rp2',
    ],
    tables: ['DMAR'],
  },
  {
    name: 'vtd-auto-placement-multifunction',
    arch: 'x86',
    argv: [
      '-M', 'q35', '-usb', '-device', 'intel-iommu',
      '-device', 'virtio-net-pci,id=a',
      '-device', 'e1000,id=b,addr=5.0,multifunction=on', '-device', 'e1000,id=c,addr=05.1', '-device', 'rtl8139,id=d,addr=0x5.0x3',
      '-device', 'pci-bridge,id=br,chassis_nr=1',
      '-device', 'e1000,id=e,bus=br', '-device', 'rtl8139,id=f,bus=br,addr=3',
      '-device', 'virtio-rng-pci,id=g',
    ],
    tables: ['DMAR'],
  },
  {
    name: 'virtio-iommu-q35',
    arch: 'x86',
    argv: [
      '-M', 'q35', '-nodefaults', '-device', 'virtio-iommu-pci,id=viommu',
      '-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp1',
      '-device', 'pcie-pci-bridge,id=br,addr=4', '-device', 'e1000,id=nic1,bus=br,addr=1',
    ],
    tables: ['VIOT'],
  },
  {
    // pc (i440FX), QEMU's x86 default machine: a conventional root bus with PIIX3 at 01.x, the default VGA and NIC, a PCIe
    // device on pci.0 (QEMU allows it) and a PCI-to-PCI bridge whose functions alias to it.
    name: 'virtio-iommu-pc',
    arch: 'x86',
    argv: [
      '-M', 'pc', '-device', 'virtio-iommu-pci,id=viommu', '-device', 'nvme,id=nvme0,serial=1',
      '-device', 'pci-bridge,id=br,chassis_nr=1', '-device', 'e1000,id=nic1,bus=br,addr=1', '-device', 'rtl8139,id=nic2,bus=br,addr=2',
    ],
    tables: ['VIOT'],
  },
  {
    name: 'virtio-iommu-q35-default-bypass',
    arch: 'x86',
    argv: [
      '-M', 'q35,default_bus_bypass_iommu=on', '-nodefaults',
      '-device', 'virtio-iommu-pci,id=viommu,addr=02.0',
      '-device', 'pxb-pcie,id=pxb1,bus_nr=0x10,addr=03.0',
      '-device', 'pcie-root-port,id=pxb1rp,bus=pxb1,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=pxb1rp',
      '-device', 'pxb-pcie,id=pxb2,bus=pcie.0,bus_nr=0x30,addr=04.0',
      '-device', 'pcie-root-port,id=pxb2rp,bus=pxb2,chassis=2', '-device', 'virtio-rng-pci,id=rng0,bus=pxb2rp',
      '-device', 'virtio-net-pci,id=net9,bus=pcie.0',
    ],
    tables: ['VIOT'],
  },
  {
    name: 'smmuv3-its',
    arch: 'arm',
    argv: [
      '-M', 'virt,iommu=smmuv3,gic-version=3',
      '-device', 'pcie-root-port,id=rp0,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp0',
      '-device', 'pcie-root-port,id=rp1,chassis=2,bus-reserve=3', '-device', 'nvme,id=nvme1,bus=rp1,serial=4',
      '-device', 'pcie-root-port,id=rp2,chassis=3', '-device', 'pcie-pci-bridge,id=br,bus=rp2',
      '-device', 'e1000,id=nic2,bus=br,addr=1',
    ],
    tables: ['IORT'],
    known: [IORT_COUNT_OFF_BY_ONE],
  },
  {
    name: 'smmuv3-pxb-bypass',
    arch: 'arm',
    argv: [
      '-M', 'virt,iommu=smmuv3,gic-version=3', '-nodefaults',
      '-device', 'pcie-root-port,id=rp0,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp0',
      '-device', 'pxb-pcie,id=pxb1,bus_nr=0x80,bypass_iommu=on',
      '-device', 'pcie-root-port,id=pxb1rp,bus=pxb1,chassis=2', '-device', 'e1000e,id=nic1,bus=pxb1rp',
    ],
    tables: ['IORT'],
    known: [
      IORT_COUNT_OFF_BY_ONE,
      {
        source: 'DT',
        devices: ['pxb1rp', 'nic1'],
        why: "QEMU's DT iommu-map maps every RID to the SMMU; it ignores bypass_iommu, which the IORT honours",
      },
    ],
  },
  {
    name: 'smmuv3-default-bypass-pxb',
    arch: 'arm',
    argv: [
      '-M', 'virt,iommu=smmuv3,gic-version=3,default_bus_bypass_iommu=on', '-nodefaults',
      '-device', 'virtio-net-pci,id=net0',
      '-device', 'pxb-pcie,id=pxb1,bus_nr=0x40',
      '-device', 'pcie-root-port,id=pxb1rp,bus=pxb1,chassis=1', '-device', 'virtio-rng-pci,id=rng1,bus=pxb1rp',
    ],
    tables: ['IORT'],
    known: [
      IORT_COUNT_OFF_BY_ONE,
      {
        source: 'DT',
        devices: ['pxb1rp', 'rng1'],
        why: "with default_bus_bypass_iommu=on QEMU's DT has no iommu-map at all, so the expander's devices, which the IORT sends to the SMMU, look untranslated",
      },
    ],
  },
  {
    // GICv2 has no ITS, yet QEMU 7.2's IORT still has an ITS group and sends the bypass range to it.
    name: 'smmuv3-gicv2',
    arch: 'arm',
    argv: [
      '-M', 'virt,iommu=smmuv3', '-nodefaults',
      '-device', 'pcie-root-port,id=rp0,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp0',
    ],
    tables: ['IORT'],
    known: [IORT_COUNT_OFF_BY_ONE],
  },
  {
    name: 'virtio-iommu-virt',
    arch: 'arm',
    argv: [
      '-M', 'virt,gic-version=3', '-nodefaults', '-device', 'virtio-iommu-pci,id=viommu',
      '-device', 'pcie-root-port,id=rp0,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp0',
      '-device', 'virtio-rng-pci,id=rng0',
    ],
    tables: ['VIOT'],
  },
];
