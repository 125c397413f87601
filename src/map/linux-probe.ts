/**
 * What Linux's IOMMU drivers do with the device entries the tables give:
 * a device they refuse to probe has no IOMMU in Linux, whatever the tables
 * say. The entries come in PCI enumeration order (depth first, ascending
 * device and function numbers), which is the order Linux probes them in: at
 * device addition since 6.15, at driver binding before (the judge binds
 * every driverless device in sysfs order, the same order).
 */
import { formatBdf } from '../model/rid.js';
import type { LinuxProfile } from '../model/linux-profile.js';
import type { DeviceEntry } from '../model/translation-map.js';

/** The check id of arm-smmu-v3's refusal of a StreamID another device holds. */
export const SMMUV3_STREAM_SHARED = 'smmuv3-stream-shared';

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * arm-smmu-v3 (linux-profile.ts smmuv3StreamOwner): each StreamID of an SMMU
 * has one owner; a device any of whose StreamIDs is owned by a device probed
 * before it is refused ("stream N already in tree from dev ...") and owns
 * nothing. Returns the entries with refused devices made untranslated.
 */
export function applyLinuxProbe(entries: readonly DeviceEntry[], profile: LinuxProfile): DeviceEntry[] {
  if (!profile.smmuv3StreamOwner) return [...entries];
  const owner = new Map<string, DeviceEntry>();
  return entries.map((d) => {
    if (d.iommu === null || !d.iommu.startsWith('smmuv3@')) return d;
    const key = (id: number) => `${d.iommu}\u0000${id}`;
    const ids = [...new Set(d.outputIds)];
    const taken = ids.find((id) => owner.has(key(id)) && owner.get(key(id)) !== d);
    if (taken === undefined) {
      for (const id of ids) owner.set(key(id), d);
      return d;
    }
    const holder = owner.get(key(taken))!;
    return {
      ...d,
      iommu: null,
      outputIds: [],
      refused: {
        iommu: d.iommu,
        outputIds: [...d.outputIds],
        code: SMMUV3_STREAM_SHARED,
        reason:
          `StreamID ${hex(taken)} on ${d.iommu} already belongs to ${holder.id} (${formatBdf(holder.rid)}), probed first; ` +
          `Linux's arm-smmu-v3 refuses ${d.id} ("stream ${taken} already in tree"), so it gets no IOMMU and its DMA, ` +
          `which the SMMU sees as ${hex(taken)}, lands in ${holder.id}'s domain`,
      },
    };
  });
}
