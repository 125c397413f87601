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
import { dmaAliasSteps } from './aliasing.js';
import type { PciFunction } from './resolved.js';
import { RidTable } from './rid-table.js';
import { ridBus, type Rid } from './rid.js';
import { ridLookup, type DeviceEntry, type EntryRun, type MsiTranslation } from './translation-map.js';

/** get_msi_id_cb over pci_for_each_dma_alias: the RID a device's MSIs carry. */
export function msiRequesterId(f: PciFunction): Rid {
  // No alias at all (most devices): nothing can move it, and no steps need listing.
  if (f.aliases.length === 1) return f.rid;
  let r = f.rid;
  for (const step of dmaAliasSteps(f)) {
    const bus = ridBus(r);
    if (step.device.bus !== bus || ridBus(step.rid) !== bus) r = step.rid;
  }
  return r;
}

/**
 * Each device entry with where its MSIs go (entries and functions in the
 * same order, as deviceEntries makes them); a RID no MSI run covers reaches
 * no ITS (null). The entries are the map's own, fresh from deviceEntries:
 * set in place, as a copy of each would cost a second object per device.
 */
export function withDeviceMsi(entries: DeviceEntry[], functions: readonly PciFunction[], msi: readonly MsiTranslation[]): DeviceEntry[] {
  const lookup = ridLookup(msi.map((m) => ({ segment: m.segment, first: m.first, last: m.last, iommu: m.its, outputBase: m.deviceIdBase, source: m.source })));
  entries.forEach((e, i) => {
    const f = functions[i];
    if (!f || f.id !== e.id) return;
    const rid = msiRequesterId(f);
    const hit = lookup(f.segment, rid);
    e.msi = hit ? { its: hit.iommu, deviceId: hit.outputId, rid } : null;
  });
  return entries;
}

/** A RidTable painted with ITS identities and DeviceIDs, read back as MSI runs and the entries that decide them. */
export function msiRuns(table: RidTable, source: string): { msi: MsiTranslation[]; msiEntries: EntryRun[] } {
  const msi = table.translations(source).map((t) => ({ segment: t.segment, first: t.first, last: t.last, its: t.iommu, deviceIdBase: t.outputBase, source: t.source }));
  return { msi, msiEntries: table.entries() };
}
