/**
 * The properties of QEMU's IOMMU devices that change what the guest's
 * tables or its IOMMU say, by QEMU release: their defaults (which QEMU
 * changes between releases and keeps for older machine types through its
 * hw_compat_* arrays, hence MachineConfig.defaultsVersion) and what each
 * becomes in the topology. Facts checked with `-device X,help` and the
 * units' CAP/ECAP registers (read over qtest) of QEMU 7.2 and 11.1.
 */
import type { MachineConfig } from './machine-config.js';
import { formatQemuVersion, qemuAtLeast, type QemuVersion } from './qemu-version.js';

/** intel-iommu's aw-bits default became 48 in QEMU 9.2 (39 before, and for pc-q35-9.1 and older: hw_compat_9_1). */
export const VTD_AW_BITS_48_SINCE: QemuVersion = [9, 2];

/** intel-iommu's aw-bits default for the machine. */
export function vtdDefaultAwBits(config: MachineConfig): number {
  return qemuAtLeast(config.defaultsVersion, VTD_AW_BITS_48_SINCE) ? 48 : 39;
}

/** Why the imported VT-d unit has the width it has, when aw-bits was not given: for the YAML header. */
export function vtdAwBitsNote(config: MachineConfig, awBits: number): string {
  const since = formatQemuVersion(VTD_AW_BITS_48_SINCE);
  return `hostAddressWidth ${awBits}: QEMU's aw-bits default for QEMU ${formatQemuVersion(config.defaultsVersion)} ` +
    `(39 before ${since}, 48 from ${since} on; give --qemu-version or --qemu for another release).`;
}
