/**
 * What the importer knows about QEMU device models: which are PCI functions
 * and what role each plays (port, bridge, expander, IOMMU, endpoint), which
 * endpoints are PCIe-only or conventional-only (that decides where they may
 * sit), and PCI IDs for the record. Facts from QEMU's device models and
 * `info pci` (every PCI ID here was checked against QEMU 7.2; igb is from
 * 8.0); anything not listed is an unknown device (a generic endpoint)
 * unless its name says it is not a PCI function at all.
 */

export type DeviceRole =
  | 'root-port'
  | 'switch-upstream'
  | 'switch-downstream'
  | 'pcie-pci-bridge'
  | 'pci-bridge'
  | 'expander'
  | 'endpoint'
  | 'vtd'
  | 'amd-vi'
  | 'virtio-iommu'
  | 'riscv-iommu'
  | 'smmuv3'
  | 'not-pci'
  | 'unsupported';

/** Which PCI buses an endpoint model can be plugged into (QEMU's INTERFACE_* declarations). */
export type Interface = 'pcie' | 'conventional' | 'hybrid';

export interface DeviceModel {
  role: DeviceRole;
  /** Endpoints and the virtio-iommu; bridges' interfaces follow from their role. */
  interface?: Interface;
  vendorId?: number;
  deviceId?: number;
  /** For pxb: the root bus it creates is conventional PCI or PCIe. */
  expanderKind?: 'pci' | 'pcie';
  /** A display device: any of these on the command line stops the default VGA. */
  vga?: boolean;
  /** Why the importer cannot describe it. */
  unsupported?: string;
  /** Built into a machine: QEMU refuses it on -device ("expects a pluggable device type"). */
  builtinOnly?: boolean;
  /** What QEMU needs besides the device to create it (a drive, a host device...): export cannot give it. */
  backend?: string;
  /** Properties QEMU requires on -device; `{id}` stands for the device's id. */
  requiredProps?: Record<string, string>;
}

const ep = (iface: Interface, vendorId?: number, deviceId?: number, extra: Partial<DeviceModel> = {}): DeviceModel => ({
  role: 'endpoint',
  interface: iface,
  ...(vendorId !== undefined ? { vendorId } : {}),
  ...(deviceId !== undefined ? { deviceId } : {}),
  ...extra,
});

const MODELS: Record<string, DeviceModel> = {
  // Ports, switches, bridges, expanders.
  'pcie-root-port': { role: 'root-port', vendorId: 0x1b36, deviceId: 0x000c },
  ioh3420: { role: 'root-port', vendorId: 0x8086, deviceId: 0x3420 },
  'x3130-upstream': { role: 'switch-upstream', vendorId: 0x104c, deviceId: 0x8232 },
  'xio3130-downstream': { role: 'switch-downstream', vendorId: 0x104c, deviceId: 0x8233 },
  'pcie-pci-bridge': { role: 'pcie-pci-bridge', vendorId: 0x1b36, deviceId: 0x000e },
  'pci-bridge': { role: 'pci-bridge', vendorId: 0x1b36, deviceId: 0x0001 },
  'pci-bridge-seat': { role: 'pci-bridge', vendorId: 0x1b36, deviceId: 0x000a },
  'pxb-pcie': { role: 'expander', expanderKind: 'pcie', vendorId: 0x1b36, deviceId: 0x000b },
  pxb: { role: 'expander', expanderKind: 'pci', vendorId: 0x1b36, deviceId: 0x0009 },
  // IOMMUs.
  'intel-iommu': { role: 'vtd' },
  'virtio-iommu-pci': { role: 'virtio-iommu', interface: 'hybrid', vendorId: 0x1af4, deviceId: 0x1057 },
  'amd-iommu': { role: 'amd-vi' },
  // amd-iommu's own PCI function (QEMU creates it with the IOMMU; vendor AMD).
  'AMDVI-PCI': ep('conventional', 0x1022, undefined, { builtinOnly: true }),
  // A platform device on Arm virt (QEMU 10.1+), translating its primary-bus (smmuv3-devices.ts).
  'arm-smmuv3': { role: 'smmuv3' },
  'virtio-iommu-device': { role: 'unsupported', unsupported: 'virtio-iommu on virtio-mmio is not imported; use virtio-iommu-pci' },
  'pxb-cxl': { role: 'unsupported', unsupported: 'CXL host bridges are not modelled by ridmap' },
  // The RISC-V IOMMU on PCIe (RISC-V virt): QEMU's RIMT names it by its B/D/F.
  'riscv-iommu-pci': { role: 'riscv-iommu', interface: 'pcie', vendorId: 0x1b36, deviceId: 0x0014 },
  // Built into the machines.
  mch: ep('conventional', 0x8086, 0x29c0, { builtinOnly: true }),
  'ICH9-LPC': ep('conventional', 0x8086, 0x2918, { builtinOnly: true }),
  'ich9-ahci': ep('hybrid', 0x8086, 0x2922),
  'ICH9-SMB': ep('conventional', 0x8086, 0x2930, { builtinOnly: true }),
  'ich9-usb-uhci1': ep('conventional', 0x8086, 0x2934),
  'ich9-usb-uhci2': ep('conventional', 0x8086, 0x2935),
  'ich9-usb-uhci3': ep('conventional', 0x8086, 0x2936),
  'ich9-usb-ehci1': ep('conventional', 0x8086, 0x293a),
  'gpex-root': ep('conventional', 0x1b36, 0x0008, { builtinOnly: true }),
  i440FX: ep('conventional', 0x8086, 0x1237, { builtinOnly: true }),
  PIIX3: ep('conventional', 0x8086, 0x7000, { builtinOnly: true }),
  PIIX4_PM: ep('conventional', 0x8086, 0x7113, { builtinOnly: true }),
  // Displays.
  VGA: ep('conventional', 0x1234, 0x1111, { vga: true }),
  'secondary-vga': ep('conventional', 0x1234, 0x1111),
  'bochs-display': ep('hybrid', 0x1234, 0x1111),
  'cirrus-vga': ep('conventional', 0x1013, 0x00b8, { vga: true }),
  'vmware-svga': ep('conventional', 0x15ad, 0x0405, { vga: true }),
  'qxl-vga': ep('conventional', 0x1b36, 0x0100, { vga: true }),
  qxl: ep('conventional', 0x1b36, 0x0100),
  'ati-vga': ep('conventional', 0x1002, 0x5046, { vga: true }),
  'virtio-vga': ep('hybrid', 0x1af4, 0x1050, { vga: true }),
  'virtio-vga-gl': ep('hybrid', 0x1af4, 0x1050, { vga: true, backend: 'an OpenGL display' }),
  'vhost-user-vga': ep('hybrid', 0x1af4, 0x1050, { vga: true, backend: 'a vhost-user chardev' }),
  'virtio-gpu-pci': ep('hybrid', 0x1af4, 0x1050),
  'virtio-gpu-gl-pci': ep('hybrid', 0x1af4, 0x1050, { backend: 'an OpenGL display' }),
  // Network.
  e1000: ep('conventional', 0x8086, 0x100e),
  'e1000-82544gc': ep('conventional', 0x8086, 0x100c),
  'e1000-82545em': ep('conventional', 0x8086, 0x100f),
  e1000e: ep('pcie', 0x8086, 0x10d3),
  igb: ep('pcie', 0x8086, 0x10c9),
  rtl8139: ep('conventional', 0x10ec, 0x8139),
  ne2k_pci: ep('conventional', 0x10ec, 0x8029),
  pcnet: ep('conventional', 0x1022, 0x2000),
  vmxnet3: ep('hybrid', 0x15ad, 0x07b0),
  i82559er: ep('conventional', 0x8086, 0x1209),
  'virtio-net-pci': ep('hybrid', 0x1af4),
  // Storage.
  nvme: ep('pcie', 0x1b36, 0x0010, { requiredProps: { serial: '{id}' } }),
  'virtio-blk-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a drive' }),
  'virtio-scsi-pci': ep('hybrid', 0x1af4),
  'vhost-scsi-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a vhost-scsi target' }),
  'vhost-user-blk-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a vhost-user chardev' }),
  lsi53c895a: ep('conventional', 0x1000, 0x0012),
  lsi53c810: ep('conventional', 0x1000, 0x0001),
  am53c974: ep('conventional', 0x1022, 0x2020),
  megasas: ep('hybrid', 0x1000, 0x0060),
  'megasas-gen2': ep('hybrid', 0x1000, 0x0079),
  'mptsas1068': ep('conventional', 0x1000, 0x0054),
  'pvscsi': ep('hybrid', 0x15ad, 0x07c0),
  'ahci': ep('hybrid', 0x8086, 0x2922),
  'piix3-ide': ep('conventional', 0x8086, 0x7010),
  'piix4-ide': ep('conventional', 0x8086, 0x7111),
  // USB, sound, misc.
  'qemu-xhci': ep('hybrid', 0x1b36, 0x000d),
  'nec-usb-xhci': ep('hybrid', 0x1033, 0x0194),
  'usb-ehci': ep('conventional', 0x8086, 0x24cd),
  'ich9-usb-ehci2': ep('conventional', 0x8086, 0x293c),
  'piix3-usb-uhci': ep('conventional', 0x8086, 0x7020),
  'pci-ohci': ep('conventional', 0x106b, 0x003f),
  'intel-hda': ep('hybrid', 0x8086, 0x2668),
  'ich9-intel-hda': ep('hybrid', 0x8086, 0x293e),
  AC97: ep('conventional', 0x8086, 0x2415),
  ES1370: ep('conventional', 0x1274, 0x5000),
  'virtio-balloon-pci': ep('hybrid', 0x1af4),
  'virtio-rng-pci': ep('hybrid', 0x1af4),
  'virtio-serial-pci': ep('hybrid', 0x1af4),
  'virtio-9p-pci': ep('hybrid', 0x1af4, undefined, { backend: 'an fsdev' }),
  'virtio-keyboard-pci': ep('hybrid', 0x1af4),
  'virtio-mouse-pci': ep('hybrid', 0x1af4),
  'virtio-tablet-pci': ep('hybrid', 0x1af4),
  'virtio-mem-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a memory backend' }),
  'virtio-pmem-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a memory backend' }),
  'vhost-vsock-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a host vhost-vsock device and guest-cid' }),
  'vhost-user-fs-pci': ep('hybrid', 0x1af4, undefined, { backend: 'a vhost-user chardev' }),
  'vfio-pci': ep('hybrid', undefined, undefined, { backend: 'a host device (host=)' }),
  'pvpanic-pci': ep('hybrid', 0x1b36, 0x0011),
  'pci-testdev': ep('hybrid', 0x1b36, 0x0005),
  edu: ep('hybrid', 0x1234, 0x11e8),
  'ivshmem-plain': ep('hybrid', 0x1af4, 0x1110, { backend: 'a memory backend' }),
  'ivshmem-doorbell': ep('hybrid', 0x1af4, 0x1110, { backend: 'an ivshmem server chardev' }),
  'i6300esb': ep('conventional', 0x8086, 0x25ab),
};

/**
 * Device models that are never PCI functions: they plug into USB, SCSI,
 * IDE, ISA, virtio, I2C buses, or are memory, CPUs, TPMs and the like.
 */
const NOT_PCI = /^(usb-|ide-|scsi-|isa-|i2c-|smbus-|hda-|tpm-|nvme-(ns|subsys)$|virtserialport$|virtconsole$|virtio-.*-device$|vhost-user-.*-device$|pc-dimm$|nvdimm$|virtio-(mem|pmem)$|.*-cpu$|loader$|guest-loader$|pvpanic$|sga$|vmcoreinfo$|floppy$|sd-card$|ccid-card-|vmgenid$|hyperv-|ramfb$|ipmi-bmc-|usb-redir$|u2f-|ps2-|i8042$|port92$|isa-debugcon$|isa-serial$|virtio-serial-bus$)/;

export interface Lookup {
  model: DeviceModel;
  /** The catalog does not list the driver: it is taken for a generic endpoint. */
  unknown: boolean;
}

export function lookupDevice(driver: string): Lookup {
  const model = MODELS[driver];
  if (model) return { model, unknown: false };
  if (NOT_PCI.test(driver)) return { model: { role: 'not-pci' }, unknown: false };
  return { model: { role: 'endpoint', interface: 'hybrid' }, unknown: true };
}

/** QEMU's short NIC model names (`-nic user,model=virtio`). */
export const NIC_MODEL_ALIASES: Record<string, string> = { virtio: 'virtio-net-pci' };

/**
 * The endpoint model export gives a device whose topology model QEMU cannot
 * create on its own: hybrid (it sits on PCIe and conventional buses alike),
 * needs no backend, and keeps quiet without a guest driver.
 */
export const GENERIC_ENDPOINT = 'pci-testdev';

export type EndpointChoice = { driver: string; props: [string, string][]; replaced?: string };

/**
 * The QEMU model for a topology endpoint: its own `model` when the catalog
 * has it as a creatable endpoint, else GENERIC_ENDPOINT (with why).
 */
export function endpointForExport(model: string | undefined, id: string, conventionalBus: boolean): EndpointChoice {
  const generic = (why?: string): EndpointChoice => ({ driver: GENERIC_ENDPOINT, props: [], ...(why ? { replaced: why } : {}) });
  if (model === undefined) return generic();
  const m = MODELS[model];
  if (!m || m.role !== 'endpoint') return generic(`${model} is not a QEMU endpoint model in ridmap's catalog`);
  if (m.builtinOnly) return generic(`QEMU's ${model} is built into a machine, not created with -device`);
  if (m.backend) return generic(`QEMU's ${model} needs ${m.backend}`);
  if (conventionalBus && m.interface === 'pcie') return generic(`QEMU's ${model} is PCIe-only and this is a conventional PCI bus`);
  const props = Object.entries(m.requiredProps ?? {}).map(([k, v]): [string, string] => [k, v.replace('{id}', id)]);
  return { driver: model, props };
}
