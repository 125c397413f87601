/**
 * Several inputs' maps as one: translations side by side (each entry names
 * its source), MMIO masters, findings and gaps (what each leaves out) together. Device entries come from
 * the one input that has them; with several, comparing them device by device
 * is `check`'s job, and the combined map says so.
 */
import { inFile, type Diagnostic } from '../diagnostic.js';
import { normalizeTranslations, type DeviceEntry, type TranslationMap } from './translation-map.js';

export interface SourcedMap {
  map: TranslationMap;
  file: string;
}

/** The note that several tables each map the devices (listed per table). */
export const MAP_DEVICES_PER_TABLE = 'map-devices-per-table';

export function combineMaps(maps: readonly SourcedMap[]): TranslationMap {
  const findings: Diagnostic[] = maps.flatMap(({ map, file }) => inFile(file, map.findings));
  const combined: TranslationMap = {
    translations: normalizeTranslations(maps.flatMap(({ map }) => map.translations)),
    mmio: maps.flatMap(({ map }) => map.mmio),
    findings,
  };
  // The MSI side of every map that has one, side by side as translations are (each run names its source).
  if (maps.some(({ map }) => map.msi)) {
    combined.msi = maps.flatMap(({ map }) => map.msi ?? []).sort((a, b) => a.segment - b.segment || a.first - b.first || a.source.localeCompare(b.source));
  }
  const gaps = maps.flatMap(({ map, file }) => (map.gaps ?? []).map((g) => (g.file ? g : { ...g, file })));
  if (gaps.length) combined.gaps = gaps;
  const withDevices = maps.filter(({ map }) => map.devices);
  if (withDevices.length === 1) combined.devices = withDevices[0]!.map.devices!;
  if (withDevices.length > 1) {
    findings.push({
      severity: 'info',
      code: MAP_DEVICES_PER_TABLE,
      message: `${withDevices.length} tables map devices; devices are listed per table (map them one at a time), and \`ridmap check\` compares them`,
    });
  }
  return combined;
}

/**
 * Several IOMMU tables on one machine (a VIOT beside a DMAR, an IORT beside
 * a VIOT): each device is Linux's first driver's that takes it, so its
 * entry is the first table's that translates it (in the snapshot's order),
 * else the first table's.
 */
export function firstTranslating(perTable: readonly (readonly DeviceEntry[])[]): DeviceEntry[] {
  const byId = new Map<string, DeviceEntry>();
  for (const entries of perTable) {
    for (const e of entries) {
      const had = byId.get(e.id);
      if (!had || (had.iommu === null && e.iommu !== null)) byId.set(e.id, e);
    }
  }
  return [...byId.values()];
}
