/**
 * Device entries of a map: what a set of translations means for each PCI
 * function, looked up the way Linux does it: the device's own RID decides its
 * IOMMU, and every DMA alias is mapped through the same translations, each
 * adding an output ID to the device (VIOT, IORT and OF all do this).
 *
 * Used for the topology's own map and equally for tables resolved with a
 * topology, so the two are comparable entry by entry.
 */
import { DEFAULT_LINUX_PROFILE, type LinuxProfile } from './linux-profile.js';
import type { Rid } from './rid.js';
import { ridLookup, type DeviceEntry, type RidLookup, type Translation } from './translation-map.js';
import { applyLinuxProbe } from './linux-probe.js';

export interface DeviceRids {
  id: string;
  segment: number;
  rid: Rid;
  aliases: Rid[];
  group: string;
}

/**
 * An alias that no translation covers keeps its RID as output ID: that is
 * what Linux's iort_node_map_id and of_map_id return when nothing matches.
 * Such an alias (or one that another IOMMU translates) is a misconfiguration
 * that the alias-collision and group-split-iommu findings report.
 */
export function deviceEntry(device: DeviceRids, translations: readonly Translation[] | RidLookup): DeviceEntry {
  const lookup = typeof translations === 'function' ? translations : ridLookup(translations);
  const { id, segment, rid, aliases, group } = device;
  const own = lookup(segment, rid);
  const outputIds = own ? outputIdsOf(aliases, segment, lookup) : NO_OUTPUT_IDS;
  // The device's own alias list, shared and never changed: a copy per device and per map was a million arrays per map at 1M endpoints.
  return { id, segment, rid, aliases, iommu: own?.iommu ?? null, outputIds, group };
}

/** An untranslated device's output IDs: one empty list for all of them, frozen, as nothing changes an entry's lists. */
const NO_OUTPUT_IDS = Object.freeze([]) as unknown as number[];

/**
 * Each alias's output ID; where every one is the alias itself (an output ID
 * that is the RID: VT-d, AMD-Vi, an SMMU whose stream IDs are the RIDs),
 * the alias list itself, shared like it, so a map at a million endpoints
 * makes no second list per device.
 */
function outputIdsOf(aliases: Rid[], segment: number, lookup: RidLookup): number[] {
  let out: number[] | undefined;
  for (let i = 0; i < aliases.length; i++) {
    const id = lookup(segment, aliases[i]!)?.outputId ?? aliases[i]!;
    if (out) out.push(id);
    else if (id !== aliases[i]) {
      out = aliases.slice(0, i);
      out.push(id);
    }
  }
  return out ?? aliases;
}

/** Every device's entry as Linux will see it: the tables' answer, less what `profile`'s drivers refuse (linux-probe.ts). */
export function deviceEntries(
  devices: readonly DeviceRids[],
  translations: readonly Translation[],
  profile: LinuxProfile = DEFAULT_LINUX_PROFILE,
): DeviceEntry[] {
  const lookup = ridLookup(translations);
  return applyLinuxProbe(devices.map((d) => deviceEntry(d, lookup)), profile);
}
