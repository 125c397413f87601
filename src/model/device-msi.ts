/**
 * The MSI side of a map, per device: Linux sends a PCI device's MSIs with
 * one requester ID (pci_msi_domain_get_msi_rid, drivers/pci/msi/irqdomain.c)
 * and maps that one through the firmware (iort_msi_map_id, of_msi_map_id) to
 * an ITS DeviceID. Of the device's DMA aliases it takes only those that move
 * to another bus (get_msi_id_cb: a bridge's alias, or an alias on another
 * bus), the last one seen winning: quirk aliases on the device's own bus
 * (phantom functions, dma-alias devfns) are ignored, as those devices still
 * send MSIs from their real function number.
 */
import { forEachBridgeAlias } from './aliasing.js';
import type { PciFunction } from './resolved.js';
import { RidTable } from './rid-table.js';
import { ridBus, type Rid } from './rid.js';
import { once } from '../once.js';
import { ridLookup, type DeviceMsiOf, type EntryRuns, type MsiTranslation } from './translation-map.js';

/** get_msi_id_cb over pci_for_each_dma_alias: the RID a device's MSIs carry. */
export function msiRequesterId(f: PciFunction): Rid {
  // No alias at all (most devices): nothing can move it, and no steps need listing.
  if (f.aliases.length === 1) return f.rid;
  // The own RID and quirk aliases come first and sit on the device's own bus, where the RID still is:
  // they never move it, so only the bridges' steps are walked (no quirk lookup, no list per device).
  let r = f.rid;
  forEachBridgeAlias(f, (alias, bridge) => {
    const bus = ridBus(r);
    if (bridge.bus !== bus || ridBus(alias) !== bus) r = alias;
  });
  return r;
}

/**
 * Where each device's MSIs go, answered when asked: the map keeps its MSI
 * runs and the functions its entries were made from, and only what prints
 * the MSI side (map's forms, which) asks, device by device. `check` never
 * does, so at a million endpoints no map, of the topology or of a table,
 * makes an object per device for it. A device no function stands behind
 * sends with its own RID; a RID no MSI run covers reaches no ITS (null).
 */
export function deviceMsiOf(functions: ReadonlyMap<string, PciFunction>, msi: readonly MsiTranslation[]): DeviceMsiOf {
  // The runs' index is made on the first question, not here: only what prints the MSI side pays for it.
  const lookup = once(() => ridLookup(msi.map((m) => ({ segment: m.segment, first: m.first, last: m.last, iommu: m.its, outputBase: m.deviceIdBase, source: m.source }))));
  const functionOf = inOrder(functions);
  return (d) => {
    const f = functionOf(d.id);
    const rid = f ? msiRequesterId(f) : d.rid;
    const hit = lookup()(d.segment, rid);
    return hit ? { its: hit.iommu, deviceId: hit.outputId, rid } : null;
  };
}

/**
 * `functions.get`, for keys asked in the map's own order, pass after pass
 * (what prints a map asks its devices in order, and a map's devices are made
 * from its functions in order): the next key is tried first, the map only on
 * a miss. At a million functions each get was a cache miss, ~2 µs a device
 * (issue 21).
 */
function inOrder<V>(map: ReadonlyMap<string, V>): (key: string) => V | undefined {
  const lists = once(() => ({ keys: [...map.keys()], values: [...map.values()] }));
  let next = 0;
  return (key) => {
    const { keys, values } = lists();
    // A new pass starts at the first key.
    if (keys[next] !== key && keys[0] === key) next = 0;
    if (keys[next] === key) return values[next++];
    return map.get(key);
  };
}

/** A RidTable painted with ITS identities and DeviceIDs, read back as MSI runs and the entries that decide them. */
export function msiRuns(table: RidTable, source: string): { msi: MsiTranslation[]; msiEntries: EntryRuns } {
  const msi = table.translations(source).map((t) => ({ segment: t.segment, first: t.first, last: t.last, its: t.iommu, deviceIdBase: t.outputBase, source: t.source }));
  return { msi, msiEntries: table.entries() };
}
