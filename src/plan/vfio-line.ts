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
 * - amd-iommu: dma-remap=on. Without it QEMU refuses vfio-pci behind it
 *   ("device ... requires dma-remap=1"); QEMU 7.2's amd-iommu has no such
 *   property and refuses vfio-pci outright ("requires iommu notifier which
 *   is not currently supported").
 * - virtio-iommu takes vfio-pci as it is.
 *
 * accel= and dma-remap= are in QEMU 11.1 (its -device ...,help lists them)
 * and not in 7.2; the releases between are not checked, so a line for one
 * of them leaves the property out and says so.
 */
import type { Diagnostic } from '../diagnostic.js';
import { formatQemuVersion, parseQemuVersion, qemuAtLeast, type QemuVersion } from '../import/qemu/qemu-version.js';
import type { ViommuModel } from './guest-line.js';

export const IOMMUFD_ID = 'iommufd0';

/** The first release ridmap has seen with arm-smmuv3 accel= and amd-iommu dma-remap= (11.1; 7.2 has neither). */
export const VFIO_VIOMMU_PROPS_CHECKED: QemuVersion = [11, 1];

/** Releases before this are 7.x, which ridmap checked (7.2): without accel= and dma-remap=. */
const WITHOUT_VFIO_PROPS_UNTIL: QemuVersion = [8, 0];

/** The property each vIOMMU needs before QEMU lets vfio-pci behind it, and whether the release is known to have it. */
const VFIO_PROPERTY: Partial<Record<ViommuModel, { driver: string; prop: string; checked: boolean }>> = {
  'intel-iommu': { driver: 'intel-iommu', prop: 'caching-mode=on', checked: false },
  'amd-iommu': { driver: 'amd-iommu', prop: 'dma-remap=on', checked: true },
  'arm-smmuv3': { driver: 'arm-smmuv3', prop: 'accel=on', checked: true },
};

/**
 * The line with host devices: `hostOf` gives the host sbdf of each assigned
 * guest id; an error for a release known to refuse vfio-pci behind the
 * vIOMMU, a warning for one whose property is not checked.
 */
export function vfioLine(standIn: readonly string[], model: ViommuModel, hostOf: ReadonlyMap<string, string>, qemuVersion: string): { argv: string[]; warnings: Diagnostic[] } {
  const need = VFIO_PROPERTY[model];
  const version = parseQemuVersion(qemuVersion);
  const known = !need?.checked || qemuAtLeast(version, VFIO_VIOMMU_PROPS_CHECKED);
  const warnings: Diagnostic[] = [];
  if (need && !known && !qemuAtLeast(version, WITHOUT_VFIO_PROPS_UNTIL)) {
    // Checked: 7.2 has not got it, so this QEMU cannot hand the devices over behind this vIOMMU at all.
    warnings.push({
      severity: 'error',
      code: 'plan-viommu-vfio',
      path: '--qemu-version',
      message: `QEMU ${formatQemuVersion(version)}'s ${model} has no ${need.prop.split('=')[0]} and refuses vfio-pci behind it: plan for a newer QEMU (${formatQemuVersion(VFIO_VIOMMU_PROPS_CHECKED)} has it) or with another --viommu`,
    });
  } else if (need && !known) {
    warnings.push({
      severity: 'warning',
      code: 'plan-viommu-vfio',
      path: '--qemu-version',
      message: `QEMU ${formatQemuVersion(version)}: ${model} takes vfio-pci only with ${need.prop}, which QEMU ${formatQemuVersion(VFIO_VIOMMU_PROPS_CHECKED)} has and 7.2 has not; ` +
        `ridmap has not checked this release, so qemu.sh leaves ${need.prop} out: add it if this QEMU's \`-device ${need.driver},help\` lists it, else this QEMU cannot hand the devices over behind ${model}`,
    });
  }
  const out: string[] = [];
  for (let i = 0; i < standIn.length; i++) {
    const word = standIn[i]!;
    const value = standIn[i + 1];
    if (word === '-nodefaults' && model === 'arm-smmuv3' && known) {
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
      const backend = model === 'arm-smmuv3' && known ? [`iommufd=${IOMMUFD_ID}`] : [];
      out.push(word, ['vfio-pci', `host=${host}`, ...backend, ...props].join(','));
    } else if (need && known && driver === need.driver) out.push(word, `${value},${need.prop}`);
    else out.push(word, value);
  }
  return { argv: out, warnings };
}
