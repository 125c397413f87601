/**
 * The two machines the importer describes, as QEMU 7.2+ builds them: what
 * is built in on the root bus, the default display and NIC, and where the
 * IOMMUs and the ITS are. Facts checked against `info pci` / `info qtree`
 * of qemu-system-x86_64 and qemu-system-aarch64 7.2 (test/interop).
 */

/** `pc` is the i440FX one; `virt` is Arm's; `riscv-virt` is the RISC-V virt machine (`-M virt` of qemu-system-riscv64). */
export type MachineKind = 'q35' | 'pc' | 'virt' | 'riscv-virt';

export interface BuiltinFunction {
  driver: string;
  slot: number;
  fn: number;
  multifunction?: boolean;
}

export interface MachineDef {
  kind: MachineKind;
  /** The machine type -M names (RISC-V's virt is `virt` of its own binary). */
  type: string;
  /** The name of the root bus, as bus= names it. */
  rootBus: string;
  /** pc's root bus is conventional PCI; the others' PCIe. */
  rootBusKind: 'pcie' | 'pci';
  /** NIC model for -nic/-net nic without model=, and for the default NIC; none: that NIC is not a PCI function (RISC-V virt's is virtio-mmio). */
  defaultNic?: string;
  /** Whether the machine has a default display (q35: VGA at the first free slot; virt: none). */
  defaultVga: boolean;
  /** The QEMU system emulator that has the machine. */
  binary: string;
}

export const MACHINES: Record<MachineKind, MachineDef> = {
  q35: { kind: 'q35', type: 'q35', rootBus: 'pcie.0', rootBusKind: 'pcie', defaultNic: 'e1000e', defaultVga: true, binary: 'qemu-system-x86_64' },
  // QEMU's x86 default machine (no -M): i440FX with PIIX3, whose root bus pci.0 is conventional PCI.
  pc: { kind: 'pc', type: 'pc', rootBus: 'pci.0', rootBusKind: 'pci', defaultNic: 'e1000', defaultVga: true, binary: 'qemu-system-x86_64' },
  virt: { kind: 'virt', type: 'virt', rootBus: 'pcie.0', rootBusKind: 'pcie', defaultNic: 'virtio-net-pci', defaultVga: false, binary: 'qemu-system-aarch64' },
  'riscv-virt': { kind: 'riscv-virt', type: 'virt', rootBus: 'pcie.0', rootBusKind: 'pcie', defaultVga: false, binary: 'qemu-system-riscv64' },
};

/**
 * RISC-V virt (hw/riscv/virt.c, QEMU 11.1): its ECAM (VIRT_PCIE_ECAM, 256
 * buses) and, with -M virt,iommu-sys=on, the platform RISC-V IOMMU
 * (VIRT_IOMMU_SYS). Checked against QEMU 11.1's RIMT (test/fixtures/rimt).
 */
export const RISCV_VIRT_LAYOUT = {
  ecam: 0x30000000,
  iommuSys: 0x3010000,
};

/** Machine type names: `q35`, `pc-q35-7.2`; `pc`, `pc-i440fx-7.2`; `virt`, `virt-7.2` (RISC-V's when the binary is qemu-system-riscv64). */
export function machineKind(type: string, binary?: string): MachineKind | undefined {
  if (type === 'q35' || /^pc-q35-\d/.test(type)) return 'q35';
  if (type === 'pc' || /^pc-i440fx-\d/.test(type)) return 'pc';
  if (type === 'virt' || /^virt-\d/.test(type)) return binary !== undefined && /riscv64$/.test(binary) ? 'riscv-virt' : 'virt';
  return undefined;
}

/** q35's fixed functions: MCH, LPC, and (unless switched off) AHCI, SMBus and with usb=on the ICH9 USB set. */
export function q35Builtins(opts: { sata: boolean; smbus: boolean; usb: boolean }): BuiltinFunction[] {
  return [
    { driver: 'mch', slot: 0x00, fn: 0 },
    { driver: 'ICH9-LPC', slot: 0x1f, fn: 0, multifunction: true },
    ...(opts.sata ? [{ driver: 'ich9-ahci', slot: 0x1f, fn: 2 }] : []),
    ...(opts.smbus ? [{ driver: 'ICH9-SMB', slot: 0x1f, fn: 3 }] : []),
    ...(opts.usb
      ? [
          { driver: 'ich9-usb-uhci1', slot: 0x1d, fn: 0, multifunction: true },
          { driver: 'ich9-usb-uhci2', slot: 0x1d, fn: 1 },
          { driver: 'ich9-usb-uhci3', slot: 0x1d, fn: 2 },
          { driver: 'ich9-usb-ehci1', slot: 0x1d, fn: 7 },
        ]
      : []),
  ];
}

/**
 * pc's fixed functions (hw/i386/pc_piix.c), as `info pci` of QEMU 7.2 and
 * 11.1 shows them: the i440FX host bridge 00.0, the PIIX3 ISA bridge 01.0
 * with its IDE 01.1 and (with -usb or usb=on) UHCI 01.2, and the PIIX4 power
 * management function 01.3.
 */
export function pcBuiltins(opts: { usb: boolean }): BuiltinFunction[] {
  return [
    { driver: 'i440FX', slot: 0x00, fn: 0 },
    { driver: 'PIIX3', slot: 0x01, fn: 0, multifunction: true },
    { driver: 'piix3-ide', slot: 0x01, fn: 1 },
    ...(opts.usb ? [{ driver: 'piix3-usb-uhci', slot: 0x01, fn: 2 }] : []),
    { driver: 'PIIX4_PM', slot: 0x01, fn: 3 },
  ];
}

/** virt's host bridge function (gpex-root) at 00.0. */
export const VIRT_BUILTINS: BuiltinFunction[] = [{ driver: 'gpex-root', slot: 0, fn: 0 }];

/** -vga TYPE to the device QEMU creates for it (none: no display). */
export const VGA_TYPES: Record<string, string | null> = {
  std: 'VGA',
  cirrus: 'cirrus-vga',
  vmware: 'vmware-svga',
  qxl: 'qxl-vga',
  virtio: 'virtio-vga',
  none: null,
};

/** q35: the VT-d unit's register base (Q35_HOST_BRIDGE_IOMMU_ADDR) and the I/O APIC QEMU's DMAR scopes. */
export const Q35_VTD = {
  base: 0xfed90000,
  /** VT-d address widths QEMU accepts (its default: iommu-props.ts vtdDefaultAwBits). */
  awBits: [39, 48],
  ioapic: { ioapicId: 0, sourceId: 'ff:00.0' },
};

/**
 * q35 with amd-iommu (hw/i386/amd_iommu.c, acpi-build.c build_amd_iommu):
 * the register base, the IVHD fields QEMU writes, and the I/O APIC its IVHD
 * names by the southbridge's 00:14.0 (only with interrupt remapping). The
 * EFR image is what QEMU 11.1 puts in its IVHD 11h; QEMU 7.2 writes the 10h
 * alone and IVinfo without EFRSup. xtsup=on (QEMU 9.1+) sets XTSup in both
 * the 10h Feature Reporting (bit 0) and the EFR (bit 2).
 */
export const Q35_AMDVI = {
  base: 0xfed80000,
  capabilityOffset: 0x40,
  ivhdFlags: 0xd1,
  featureReporting: 0x44,
  efr: 0x29d3,
  xtsup: { featureReporting: 0x1, efr: 0x4 },
  ioapic: { ioapicId: 0, sourceId: '00:14.0' },
};

/** virt's memory map and interrupts (hw/arm/virt.c): SMMUv3, GICv3 ITS, PCIe ECAM. */
export const VIRT_LAYOUT = {
  smmuv3: { base: 0x09050000, firstSpi: 74 },
  /** GIC SPIs are GSIVs from 32. */
  spiBase: 32,
  its: { base: 0x08080000, id: 0 },
  /** High ECAM (256 buses) unless highmem=off, then the low one with 16 buses. */
  ecamHigh: 0x4010000000,
  ecamLow: 0x3f000000,
  lowEcamBuses: 16,
};
