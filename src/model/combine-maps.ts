/**
 * Several inputs' maps as one: translations side by side (each entry names
 * its source), MMIO masters, findings and gaps (what each leaves out) together. Device entries come from
 * the one input that has them; with several, comparing them device by device
 * is `check`'s job, and the combined map says so.
 */
import { inFile, type Diagnostic } from '../diagnostic.js';
import { normalizeTranslations, type TranslationMap } from './translation-map.js';

export interface SourcedMap {
  map: TranslationMap;
  file: string;
}

export function combineMaps(maps: readonly SourcedMap[]): TranslationMap {
  const findings: Diagnostic[] = maps.flatMap(({ map, file }) => inFile(file, map.findings));
  const combined: TranslationMap = {
    translations: normalizeTranslations(maps.flatMap(({ map }) => map.translations)),
    mmio: maps.flatMap(({ map }) => map.mmio),
    findings,
  };
  const gaps = maps.flatMap(({ map, file }) => (map.gaps ?? []).map((g) => (g.file ? g : { ...g, file })));
  if (gaps.length) combined.gaps = gaps;
  const withDevices = maps.filter(({ map }) => map.devices);
  if (withDevices.length === 1) combined.devices = withDevices[0]!.map.devices!;
  if (withDevices.length > 1) {
    findings.push({
      severity: 'info',
      code: 'map-devices-per-table',
      message: `${withDevices.length} tables map devices; devices are listed per table (map them one at a time), and \`ridmap check\` compares them`,
    });
  }
  return combined;
}
