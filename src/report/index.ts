/**
 * Everything ridmap says about a set of inputs, without the CLI: what the
 * browser page shows (its worker calls these one by one, to show each part
 * as soon as it is ready) and what a Node program can ask for in one call.
 * Pure: named bytes in, plain data out (structured-cloneable; text, JSON
 * and dot source as strings).
 */
import { checkSide, type CheckView } from './check.js';
import { diffSides, type DiffView } from './diff.js';
import { loadSide, type NamedBytes } from './load-side.js';
import { mapView, type MapView } from './map.js';
import { tableText, tableViews, type TableView } from './tables.js';
import type { Diagnostic } from '../diagnostic.js';

export { checkSide, type CheckView } from './check.js';
export { diffSides, type DiffView } from './diff.js';
export { caught, loadSide, sideTables, type NamedBytes, type Side } from './load-side.js';
export { mapView, MAX_PICTURE_NODES, type MapView } from './map.js';
export { decodedJson, tableText, tableViews, type TableView } from './tables.js';

export interface Report {
  /** Files that could not be read, and why. */
  diagnostics: Diagnostic[];
  tables: (TableView & { text: string })[];
  map: MapView;
  check: CheckView;
}

export async function buildReport(files: readonly NamedBytes[]): Promise<Report> {
  const side = await loadSide(files);
  return {
    diagnostics: side.diagnostics,
    tables: tableViews(side).map((v) => ({ ...v, text: tableText(side, v.index) })),
    map: mapView(side),
    check: checkSide(side),
  };
}

/** The semantic diff of two sets of files, as `ridmap diff A B` prints it. */
export async function buildDiff(a: readonly NamedBytes[], b: readonly NamedBytes[], opts: { hex?: boolean } = {}): Promise<DiffView & { diagnostics: Diagnostic[] }> {
  const [sa, sb] = await Promise.all([loadSide(a), loadSide(b)]);
  const label = (files: readonly NamedBytes[]) => files.map((f) => f.name).join(', ');
  return { ...diffSides(sa, sb, { a: label(a), b: label(b) }, opts), diagnostics: [...sa.diagnostics, ...sb.diagnostics] };
}
