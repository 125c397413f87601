/**
 * The translation map of a side, as `ridmap map` says it: a topology's own
 * map, or what the tables say (resolved against the topology when there is
 * one), in the map JSON contract and the text form; and the picture, as dot:
 * the topology's PCI tree (coloured by what the tables say when there are
 * tables), or without a topology the RID ranges the tables map.
 */
import { repeatFinding, tablesLinuxReads } from '../io/read-tables.js';
import { inFile, type Diagnostic } from '../diagnostic.js';
import { combineMaps } from '../model/combine-maps.js';
import { formatDot } from '../map/map-dot.js';
import { tablesDot } from '../map/render-map.js';
import { mapToJson, type MapJson } from '../map/map-json.js';
import { formatMapText } from '../map/map-text.js';
import { gapDiagnostics, type TranslationMap } from '../model/translation-map.js';
import type { Side } from './load-side.js';

/** Graphviz takes seconds past a few hundred nodes, and such a picture is not read anyway. */
export const MAX_PICTURE_NODES = 600;

export interface MapView {
  json: MapJson;
  text: string;
  /** Graphviz source of the picture; absent when there is nothing (or too much) to draw, and `pictureNote` says which. */
  dot?: string;
  pictureNote?: string;
  /** What resolving said: notes on what needs a topology, findings of the topology itself. */
  findings: Diagnostic[];
}

export function mapView(side: Side): MapView {
  const topology = side.topology;
  const resolved = topology?.resolved;
  const { read, repeats } = tablesLinuxReads(side.inputs.flatMap((i) => i.tables));
  const tables = read.filter((t) => t.resolve);
  let map: TranslationMap;
  let findings: Diagnostic[];
  if (tables.length === 0 && resolved) {
    map = resolved.map;
    findings = inFile(topology.file, resolved.findings);
  } else {
    map = combineMaps(tables.map((t) => ({ map: t.resolve!(resolved), file: t.file })));
    findings = [...repeats.map(repeatFinding), ...map.findings, ...gapDiagnostics(map.gaps)];
  }
  const view: MapView = { json: mapToJson(map), text: formatMapText(map), findings };
  const nodes = resolved ? resolved.functions.length + resolved.platformDevices.length : map.translations.length + map.mmio.length;
  if (nodes === 0) return { ...view, pictureNote: 'nothing to draw: no table here says which IOMMU translates what' };
  if (nodes > MAX_PICTURE_NODES) {
    // Said in what the picture would have drawn (devices of the topology, or the tables' RID ranges and MMIO devices).
    const what = resolved ? 'devices' : 'RID ranges and MMIO devices';
    return { ...view, pictureNote: `not drawn: ${nodes} ${what}, over the picture's limit of ${MAX_PICTURE_NODES} (Graphviz would take seconds, and no one could read it); the Map tab lists them all` };
  }
  const dot = tables.length === 0 ? formatDot(resolved!) : tablesDot(map, resolved, tables.map((t) => `${t.file}: ${t.name}`).join(', '));
  return { ...view, dot };
}
