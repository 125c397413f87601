/** The map in each output form; shared by `map` and `build`. */
import { formatDot } from './map-dot.js';
import { formatRangesDot } from './map-dot-ranges.js';
import { mapToJson } from './map-json.js';
import { formatMapText } from './map-text.js';
import { formatTree } from './map-tree.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';

export const MAP_FORMATS = ['text', 'json', 'tree', 'dot'] as const;
export type MapFormat = (typeof MAP_FORMATS)[number];

export function renderMap(resolved: ResolvedTopology, format: MapFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(mapToJson(resolved.map), null, 2) + '\n';
    case 'tree':
      return formatTree(resolved);
    case 'dot':
      return formatDot(resolved);
    case 'text':
      return formatMapText(resolved.map);
  }
}

/**
 * The picture of what tables say: with a topology, its PCI tree coloured by
 * the tables' answers (devices they place otherwise outlined); without one,
 * the tables' RID ranges by segment and bus. `title` names the tables.
 */
export function tablesDot(map: TranslationMap, resolved: ResolvedTopology | undefined, title: string): string {
  return resolved ? formatDot(resolved, map.devices ? { devices: map.devices } : {}) : formatRangesDot(map, title);
}
