/**
 * The plan's QEMU command line: `export qemu`'s line for the guest
 * topology, whose stand-in for each assigned function (export writes
 * pci-testdev for vfio-pci, which needs a host device) becomes
 * `vfio-pci,host=SSSS:BB:DD.F` at the same bus and address, plus what each
 * vIOMMU needs before QEMU lets a host device behind it:
 *
 * - intel-iommu: caching-mode=on. QEMU refuses vfio-pci behind an
 *   intel-iommu without it ("We need to set caching-mode=on for
 *   intel-iommu to enable device assignment with IOMMU protection").
 * - arm-smmuv3: accel=on, with an iommufd backend for each vfio-pci and
 *   KVM. The emulated SMMUv3 has no MAP notifier ("device ... requires iommu
 *   MAP notifier which is not currently supported"); accel=on (listed by
 *   QEMU 11.1's -device arm-smmuv3,help) nests it on the host SMMUv3 through
 *   iommufd and needs KVM with kernel-irqchip. The tables are the same.
 * - virtio-iommu and amd-iommu take vfio-pci as they are.
 */
import type { ViommuModel } from './guest-line.js';

export const IOMMUFD_ID = 'iommufd0';

/** The line with host devices: `hostOf` gives the host sbdf of each assigned guest id. */
export function vfioLine(standIn: readonly string[], model: ViommuModel, hostOf: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < standIn.length; i++) {
    const word = standIn[i]!;
    const value = standIn[i + 1];
    if (word === '-nodefaults' && model === 'arm-smmuv3') {
      out.push(word, '-accel', 'kvm', '-object', `iommufd,id=${IOMMUFD_ID}`);
      continue;
    }
    if (word !== '-device' || value === undefined) {
      out.push(word);
      continue;
    }
    i++;
    const [driver, ...props] = value.split(',');
    const id = props.find((p) => p.startsWith('id='))?.slice(3);
    const host = id !== undefined ? hostOf.get(id) : undefined;
    if (host !== undefined) {
      const backend = model === 'arm-smmuv3' ? [`iommufd=${IOMMUFD_ID}`] : [];
      out.push(word, ['vfio-pci', `host=${host}`, ...backend, ...props].join(','));
    } else if (driver === 'intel-iommu') out.push(word, `${value},caching-mode=on`);
    else if (driver === 'arm-smmuv3') out.push(word, `${value},accel=on`);
    else out.push(word, value);
  }
  return out;
}
