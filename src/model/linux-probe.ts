/**
 * What Linux's IOMMU drivers do with the device entries the tables give:
 * a device they refuse to probe has no IOMMU in Linux, whatever the tables
 * say. The entries come in PCI enumeration order (depth first, ascending
 * device and function numbers), which is the order Linux probes them in: at
 * device addition since 6.15, at driver binding before (the judge binds
 * every driverless device in sysfs order, the same order).
 */
import type { Severity } from '../diagnostic.js';
import { formatBdf } from './rid.js';
import type { LinuxProfile } from './linux-profile.js';
import type { DeviceEntry } from './translation-map.js';
import { jsonHex as hex } from '../codec/index.js';

/** The check id of arm-smmu-v3's refusal of a StreamID another device holds. */
export const SMMUV3_STREAM_SHARED = 'smmuv3-stream-shared';

/** The check id of a virtio-iommu endpoint the VMM knows only by an alias. */
export const VIRTIO_IOMMU_ALIAS_PROBE = 'virtio-iommu-alias-probe';

/** The check id of a device behind a RISC-V IOMMU under a kernel without the driver (linux-profile.ts riscvIommu). */
export const RISCV_IOMMU_LINUX_VERSION = 'riscv-iommu-linux-version';

/**
 * How bad each refusal is: arm-smmu-v3's leaves a device whose DMA lands in
 * another device's domain (an error); the virtio-iommu one leaves the device
 * untranslated, a VMM limit the tables cannot fix (a warning).
 */
export const REFUSAL_SEVERITY: Readonly<Record<string, Severity>> = {
  [SMMUV3_STREAM_SHARED]: 'error',
  [VIRTIO_IOMMU_ALIAS_PROBE]: 'warning',
  [RISCV_IOMMU_LINUX_VERSION]: 'warning',
};

/**
 * The refusals, in probe order; returns the entries with refused devices
 * made untranslated. arm-smmu-v3 (linux-profile.ts smmuv3StreamOwner): each
 * StreamID of an SMMU has one owner; a device any of whose StreamIDs a device
 * probed before it owns is refused ("stream N already in tree from dev ...")
 * and owns nothing. virtio-iommu: see virtioProbe.
 */
export function applyLinuxProbe(entries: readonly DeviceEntry[], profile: LinuxProfile): DeviceEntry[] {
  // Each SMMU's StreamIDs and their owners, by number: no key string per StreamID and device (a million of them).
  const owners = new Map<string, Map<number, DeviceEntry>>();
  return entries.map((d) => {
    if (d.iommu === null) return d;
    if (d.iommu.startsWith('virtio-iommu')) return virtioProbe(d);
    if (d.iommu.startsWith('riscv-iommu') && !profile.riscvIommu) {
      return refuse(d, d.iommu, RISCV_IOMMU_LINUX_VERSION,
        `${profile.id} has no RISC-V IOMMU driver (drivers/iommu/riscv came in 6.13, RIMT parsing in 6.17), so ${d.id} is not translated`);
    }
    if (!profile.smmuv3StreamOwner || !d.iommu.startsWith('smmuv3@')) return d;
    let owner = owners.get(d.iommu);
    if (!owner) owners.set(d.iommu, (owner = new Map()));
    const taken = firstOwned(d.outputIds, owner);
    if (taken === undefined) {
      for (const id of d.outputIds) owner.set(id, d);
      return d;
    }
    const holder = owner.get(taken)!;
    return refuse(d, d.iommu, SMMUV3_STREAM_SHARED,
      `StreamID ${hex(taken)} on ${d.iommu} already belongs to ${holder.id} (${formatBdf(holder.rid)}), probed first; ` +
      `Linux's arm-smmu-v3 refuses ${d.id} ("stream ${taken} already in tree"), so it gets no IOMMU and its DMA, ` +
      `which the SMMU sees as ${hex(taken)}, lands in ${holder.id}'s domain`);
  });
}

/** The first of `ids` that `owner` holds (a loop: a closure per device and map before). */
function firstOwned(ids: readonly number[], owner: ReadonlyMap<number, DeviceEntry>): number | undefined {
  for (const id of ids) if (owner.has(id)) return id;
  return undefined;
}

/**
 * virtio-iommu: Linux's driver sends its PROBE request for the device's
 * first ID, its own RID; the VMM (QEMU: pci_device_iommu_address_space)
 * keeps one endpoint per requester the IOMMU sees, so a device whose DMA
 * reaches the IOMMU under an alias (behind a PCIe-to-PCI or conventional
 * bridge) is unknown by its own RID: the VMM answers NOENT and Linux gives
 * the device no IOMMU. The device at the alias itself is found.
 */
function virtioProbe(d: DeviceEntry): DeviceEntry {
  const seen = d.aliases[d.aliases.length - 1]!;
  if (seen === d.rid) return d;
  return refuse(d, d.iommu!, VIRTIO_IOMMU_ALIAS_PROBE,
    `the IOMMU sees ${d.id}'s DMA as ${formatBdf(seen)}, and the VMM (QEMU) has an endpoint for that alias only; ` +
    `Linux's virtio-iommu driver probes ${d.id}'s own RID ${formatBdf(d.rid)}, the VMM answers that no such endpoint ` +
    `exists, and ${d.id} gets no IOMMU (its DMA is not translated for it)`);
}

function refuse(d: DeviceEntry, iommu: string, code: string, reason: string): DeviceEntry {
  return { ...d, iommu: null, outputIds: [], refused: { iommu, outputIds: [...d.outputIds], code, reason } };
}
