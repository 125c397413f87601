/**
 * The translation map that a set of decoded ACPI tables says, each table
 * resolved by its signature's resolver (with the topology when one is given,
 * so that paths and bus ranges resolve and devices are listed), combined.
 */
import { combineMaps, type SourcedMap } from '../model/combine-maps.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';
import { tableResolver } from './resolvers.js';
import type { DecodedTable } from './table.js';

export interface SourcedTable {
  table: DecodedTable;
  file: string;
}

/** One map per table that has a resolver; tables without one say nothing about IOMMUs. */
export function acpiTableMaps(tables: readonly SourcedTable[], resolved?: ResolvedTopology): SourcedMap[] {
  const maps: SourcedMap[] = [];
  for (const { table, file } of tables) {
    const resolve = tableResolver(table.signature);
    if (resolve) maps.push({ map: resolve(table.model, resolved), file });
  }
  return maps;
}

export function mapAcpiTables(tables: readonly SourcedTable[], resolved?: ResolvedTopology): TranslationMap {
  return combineMaps(acpiTableMaps(tables, resolved));
}
