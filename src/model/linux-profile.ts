/**
 * What ridmap predicts Linux does differs between kernel versions and between
 * firmware interfaces. A Linux profile names one kernel series and the facts
 * of its behaviour that the map depends on; `--os linux-X.Y` picks one, and
 * the default is the newest series a boot has checked (`ridmap boot`, the
 * judge tests). Facts come from the kernel sources and are confirmed by
 * booting Debian's builds of each series under QEMU.
 */

/** How the platform describes its IOMMUs to Linux: ACPI tables or a Device Tree. */
export type FirmwareInterface = 'acpi' | 'dt';

export const FIRMWARE_INTERFACES: readonly FirmwareInterface[] = ['acpi', 'dt'];

export interface LinuxProfile {
  /** `linux-6.12`: the value `--os` takes. */
  id: string;
  /**
   * arm-smmu-v3 keeps one owner per StreamID (its stream tree, since 5.13):
   * a device whose StreamID another device already holds fails its IOMMU
   * probe ("stream N already in tree"), so only the first device probed
   * behind a PCIe-to-PCI bridge gets the SMMU. Duplicates within one
   * device's own IDs are accepted since upstream b00d24997a11 (6.15, and
   * the 6.1/6.6/6.12 stable series in May 2025).
   */
  smmuv3StreamOwner: boolean;
  /**
   * With a Device Tree, Linux asks for ACS only when the first device is
   * configured for its IOMMU (of_iommu_configure), after PCI enumeration
   * has already initialised every port: no port has ACS enabled, so each
   * root port shares a group with everything below it. Under ACPI the
   * IOMMU table parser asks before enumeration and ports isolate. Booted:
   * Debian's 6.1.192 and 6.12.118 do this (the 2026 fix that enables ACS
   * when the IOMMU is configured was taken into the stable series and
   * reverted there), 7.3.4 enables ACS in time.
   */
  dtAcsLate: boolean;
  /**
   * Has the RISC-V IOMMU driver (drivers/iommu/riscv, 6.13, Device Tree)
   * and reads the RIMT (drivers/acpi/riscv/rimt.c, 6.17): no profile's
   * series lies between the two. Without it a device behind a RISC-V IOMMU
   * gets none, whatever the firmware says.
   */
  riscvIommu: boolean;
}

/** The series checked by booting (Debian's 6.1.192, 6.12.118 and 7.3.4 under QEMU 7.2 and 11.1), oldest first; the last is the default. */
export const LINUX_PROFILES: readonly LinuxProfile[] = [
  { id: 'linux-6.1', smmuv3StreamOwner: true, dtAcsLate: true, riscvIommu: false },
  { id: 'linux-6.12', smmuv3StreamOwner: true, dtAcsLate: true, riscvIommu: false },
  { id: 'linux-7.3', smmuv3StreamOwner: true, dtAcsLate: false, riscvIommu: true },
];

export const DEFAULT_LINUX_PROFILE: LinuxProfile = LINUX_PROFILES[LINUX_PROFILES.length - 1]!;

/** The profile `--os` names, or undefined. */
export function linuxProfile(id: string): LinuxProfile | undefined {
  return LINUX_PROFILES.find((p) => p.id === id);
}

/**
 * The profile of a kernel release as `uname -r` (or Debian's package) names
 * it, `6.12.118+deb13-arm64` or `6.1.0-57-amd64`: its major.minor series.
 * Undefined for a series no profile describes.
 */
export function profileForRelease(release: string): LinuxProfile | undefined {
  const m = /^(\d+)\.(\d+)[.-]/.exec(release);
  return m ? linuxProfile(`linux-${Number(m[1])}.${Number(m[2])}`) : undefined;
}

/** What the map predicts for: one kernel series booted through one firmware interface. */
export interface LinuxTarget {
  profile: LinuxProfile;
  firmware: FirmwareInterface;
}

export const DEFAULT_LINUX_TARGET: LinuxTarget = { profile: DEFAULT_LINUX_PROFILE, firmware: 'acpi' };
