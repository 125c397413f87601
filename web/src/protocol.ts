/**
 * Messages between the page and its workers. The page sends the files of
 * each side; a worker answers part by part (tables first, then the map and
 * its picture, the diff, and the check, which is the slow part), so what is
 * ready shows at once. Every message carries the run it belongs to: replies
 * to a run the page has moved on from are dropped.
 */
import type { Diagnostic, Severity } from '../../src/diagnostic.js';
import type { CheckView, DiffView, MapView, NamedBytes, TableView } from '../../src/report/index.js';

export type SideName = 'A' | 'B';

/** Findings the page is sent and lists. */
export const SHOWN_FINDINGS = 1000;

/** What a worker does for a run: the viewer decodes, maps, draws and diffs; the checker checks. */
export type Role = 'view' | 'check';

export type Request =
  | { type: 'analyse'; run: number; role: Role; sides: Partial<Record<SideName, NamedBytes[]>> }
  /** `for: 'diff'`: the Diff tab shows it beside the other side's, not the Tables tab. */
  | { type: 'text'; run: number; side: SideName; index: number; for?: 'diff' }
  | { type: 'diff'; run: number; hex: boolean }
  | { type: 'export'; run: number; side: SideName; what: 'tables' | 'check' };

/** A table's decoded text (UTF-8) with where each line starts, and the table bytes each line is about (offset -1: none). */
export interface IndexedText {
  bytes: Uint8Array;
  /** Start of each line in `bytes`; the last entry is one past the last line's end (as if before its newline). */
  starts: Uint32Array;
  fieldOffset: Int32Array;
  fieldLength: Int32Array;
}

export type Reply = { run: number } & (
  | { type: 'loaded'; side: SideName; tables: TableView[]; diagnostics: Diagnostic[]; ms: number }
  | { type: 'text'; side: SideName; index: number; indexed: IndexedText; ms: number; for?: 'diff' }
  | { type: 'map'; side: SideName; map: MapView }
  | { type: 'picture'; side: SideName; svg?: string; note?: string; ms?: number }
  /** Findings beyond the first SHOWN_FINDINGS stay in the worker (export check.json for all): a 1 MB table can raise 100,000. */
  | { type: 'check'; side: SideName; check: CheckView; total: Record<Severity, number>; ms: number }
  | { type: 'diff'; diff: DiffView; hex: boolean }
  | { type: 'export'; side: SideName; what: 'tables' | 'check'; json: string }
  /** A bug, not bad input (bad input is diagnostics): shown as an internal error. */
  | { type: 'failed'; role: Role; message: string }
  | { type: 'done'; role: Role }
);
