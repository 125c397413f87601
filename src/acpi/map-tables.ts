/**
 * The translation map that a set of decoded ACPI tables says, each table
 * resolved by its signature's resolver (with the topology when one is given,
 * so that paths and bus ranges resolve and devices are listed).
 *
 * Several tables combine into one map: their translations side by side (each
 * entry names its source table), their findings together. Device entries
 * come from the one resolvable table; with several, comparing them device by
 * device is `check`'s job, and the map says so.
 */
import { inFile, type Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { normalizeTranslations, type TranslationMap } from '../model/translation-map.js';
import { tableResolver } from './resolvers.js';
import type { DecodedTable } from './table.js';

export interface SourcedTable {
  table: DecodedTable;
  file: string;
}

export function mapAcpiTables(tables: readonly SourcedTable[], resolved?: ResolvedTopology): TranslationMap {
  const maps: TranslationMap[] = [];
  const findings: Diagnostic[] = [];
  for (const { table, file } of tables) {
    const resolve = tableResolver(table.signature);
    if (!resolve) continue;
    const map = resolve(table.model, resolved);
    maps.push(map);
    findings.push(...inFile(file, map.findings));
  }
  const combined: TranslationMap = {
    translations: normalizeTranslations(maps.flatMap((m) => m.translations)),
    mmio: maps.flatMap((m) => m.mmio),
    findings,
  };
  if (maps.length === 1 && maps[0]!.devices) combined.devices = maps[0]!.devices;
  if (maps.length > 1 && resolved) {
    findings.push({
      severity: 'info',
      code: 'map-devices-per-table',
      message: `${maps.length} tables map RIDs; devices are listed per table (map them one at a time), and \`ridmap check\` compares them`,
    });
  }
  return combined;
}
