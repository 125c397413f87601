/** The map in each output form; shared by `map` and `build`. */
import { formatDot, writeDot } from './map-dot.js';
import { formatRangesDot } from './map-dot-ranges.js';
import { writeMapJson } from './map-json.js';
import { writeMapText } from './map-text.js';
import { writeTree } from './map-tree.js';
import { joinPieces } from './text-pieces.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';

export const MAP_FORMATS = ['text', 'json', 'tree', 'dot'] as const;
export type MapFormat = (typeof MAP_FORMATS)[number];

export function renderMap(resolved: ResolvedTopology, format: MapFormat): string {
  return joinPieces((write) => writeMap(resolved, format, write));
}

/** renderMap's text, handed to `write` a piece at a time (whole lines each: text-pieces.ts), never held whole. */
export function writeMap(resolved: ResolvedTopology, format: MapFormat, write: (text: string) => void): void {
  switch (format) {
    case 'json':
      return writeMapJson(resolved.map, write);
    case 'tree':
      return writeTree(resolved, undefined, write);
    case 'dot':
      return writeDot(resolved, {}, write);
    case 'text':
      return writeMapText(resolved.map, write);
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
