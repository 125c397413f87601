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
  if (withDevices.length === 1) {
    combined.devices = withDevices[0]!.map.devices!;
    // The devices' MSIs are their own map's (the combined runs may hold another table's beside them).
    if (withDevices[0]!.map.deviceMsi) combined.deviceMsi = withDevices[0]!.map.deviceMsi;
  }
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
 * else the first table's; its MSIs are that table's answer, where it has an
 * MSI side. A machine's devices, not a bench's million: a Map per device is fine.
 */
export function firstTranslating(maps: readonly TranslationMap[]): Pick<TranslationMap, 'devices' | 'deviceMsi'> {
  const byId = new Map<string, { e: DeviceEntry; map: TranslationMap }>();
  for (const map of maps) {
    for (const e of map.devices ?? []) {
      const had = byId.get(e.id);
      if (!had || (had.e.iommu === null && e.iommu !== null)) byId.set(e.id, { e, map });
    }
  }
  const devices = [...byId.values()].map((x) => x.e);
  if (!maps.some((m) => m.deviceMsi)) return { devices };
  const mapOf = new Map([...byId.values()].map((x) => [x.e, x.map]));
  return { devices, deviceMsi: (d) => mapOf.get(d)?.deviceMsi?.(d) };
}
