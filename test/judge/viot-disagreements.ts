/**
 * The x86 VIOT scenarios of the interop suite where Linux and ridmap's map
 * differ: findings, not failures to hide. They stay out of the agreeing tests
 * (boot-viot-interop.test.ts) and are booted by boot-viot-disagreements.test.ts,
 * which expects agreement and skips every scenario still listed in
 * LINUX_DISAGREES_TODAY. When the map models a behaviour, remove its scenario
 * from that list (and only then).
 */

export interface ViotDisagreement {
  /** Where it was seen. */
  kernel: string;
  qemu: string;
  /** Each device that differs: ridmap's answer, Linux's. */
  devices: string[];
  /** What Linux and QEMU do, and the dmesg lines that show it. */
  why: string;
}

/** Every scenario that disagreed when first booted, with what was seen (the record stays when the list below empties). */
export const VIOT_DISAGREEMENTS: ReadonlyMap<string, ViotDisagreement> = new Map([
  ['virtio-iommu-q35', {
    kernel: 'Debian 6.12.118+deb13-amd64',
    qemu: 'QEMU 7.2 (Debian 12)',
    devices: ['nic1 0000:02:01.0 (e1000 behind the pcie-pci-bridge br 0000:00:04.0): ridmap virtio-iommu-pci@0000:00:01.0 group g4 (with br), Linux no IOMMU and no group'],
    why: 'on ridmap\'s VIOT and on QEMU\'s alike. Linux\'s VIOT code (drivers/acpi/viot.c) gives the device an endpoint ID per '
      + 'DMA alias: its own RID 0x0208 first, then 0x0200 (02:00.0, the ID the PCIe-to-PCI bridge puts on the bus), both in '
      + 'ridmap\'s map as outputIds [520, 512]; virtio-iommu probes the first. QEMU (-trace virtio_iommu_*) makes IOMMU regions at '
      + 'devfn 0 three times (00:00.0, 01:00.0 and, behind the bridge, the alias 02:00.0) and none at devfn 8 (02:01.0); it attaches endpoints 0, 16, 32, 248, 250, 251 and 256 and never '
      + '0x0208 nor 0x0200. dmesg has "pcieport 0000:00:04.0: Adding to iommu group 1" for the bridge and, for the device, only '
      + '"pci-stub 0000:02:01.0: claimed by stub": no "Adding to iommu group" line and no error line.',
  }],
]);

/** Scenarios whose disagreement the map does not model yet: the lead empties this list as it does. */
export const LINUX_DISAGREES_TODAY: ReadonlySet<string> = new Set<string>([]);
