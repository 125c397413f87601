/** The map in each output form; shared by `map` and `build`. */
import { formatDot } from './map-dot.js';
import { mapToJson } from './map-json.js';
import { formatMapText } from './map-text.js';
import { formatTree } from './map-tree.js';
import type { ResolvedTopology } from '../model/resolved.js';

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
