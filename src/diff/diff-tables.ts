/**
 * The semantic difference of two sets of tables (two files, two acpidumps,
 * two builds): tables matched by format and occurrence (the second SSDT with
 * the second SSDT), each pair compared structure by structure where ridmap
 * models the table and byte by byte where it does not; then the translation
 * maps the two sets say, compared RID by RID.
 */
import { equalBytes } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { normalizeTranslations, type TranslationMap } from '../model/translation-map.js';
import { tablesLinuxReads } from '../io/read-tables.js';
import type { TableSubject } from '../io/subject.js';
import type { BuiltTopology } from '../io/topology-input.js';
import { diffMaps } from './map-diff.js';
import { diffStructures, isEmptyChange, type StructureChange } from './structure-diff.js';
import { structureTree } from './structure-tree.js';

export interface TablePair {
  /** `DMAR`, or `SSDT[2]` when a format occurs more than once. */
  name: string;
  a?: TableSubject;
  b?: TableSubject;
  /** `same`: same bytes; `equivalent`: other bytes, no semantic difference. */
  status: 'same' | 'equivalent' | 'changed' | 'only-a' | 'only-b';
  /** Structural difference (modelled tables). */
  root?: StructureChange;
  /** Differing bytes of a table ridmap does not decode field by field. */
  differingBytes?: number;
}

export interface TablesDiff {
  pairs: TablePair[];
  /** Map-level difference, one sentence per line. */
  map: string[];
  /** Why the map comparison is partial (tables that need a topology to resolve fully). */
  mapNotes: string[];
  equal: boolean;
}

/** One side of a diff: its tables, the topology they are resolved against, or a map given outright (a topology's own). */
export interface DiffSide {
  tables: readonly TableSubject[];
  resolved?: ResolvedTopology;
  map?: TranslationMap;
}

/** A topology as one side of a diff: the tables its build writes, compared under its own numbering and map. */
export function builtDiffSide(built: Pick<BuiltTopology, 'tables' | 'resolved'>): DiffSide {
  return { tables: built.tables, resolved: built.resolved, map: built.resolved.map };
}

export function diffTables(a: DiffSide, b: DiffSide): TablesDiff {
  const pairs = pairTables(a.tables, b.tables).map(comparePair);
  // A topology on one side (a topology input, or --topology) resolves the other side's tables too: the
  // same machine, so a DMAR's paths and bridge scopes are followed through that topology's buses.
  const ma = a.map ?? combinedMap(a.tables, a.resolved ?? b.resolved);
  const mb = b.map ?? combinedMap(b.tables, b.resolved ?? a.resolved);
  // A topology's own map against tables: only the RIDs its devices use can differ in a way that matters.
  const onlyDeviceRids = !!a.map !== !!b.map;
  const map = ma && mb ? diffMaps(ma, mb, b.resolved ?? a.resolved, { onlyDeviceRids }) : [];
  // What each side's map leaves out (scopes that need bus numbers, tables not modelled) limits the comparison.
  const sideGaps = (m: TranslationMap | undefined, side: string) =>
    (m?.gaps ?? []).map((g) => `${side}: ${g.table}: ${g.message}`);
  const gaps = [...sideGaps(ma, 'A'), ...sideGaps(mb, 'B')];
  const mapNotes = gaps.length ? [...gaps, 'so the map comparison covers only what resolves (`ridmap map -v` lists each scope)'] : [];
  const equal = pairs.every((p) => p.status === 'same' || p.status === 'equivalent') && map.length === 0;
  return { pairs, map, mapNotes, equal };
}

function pairTables(a: readonly TableSubject[], b: readonly TableSubject[]): TablePair[] {
  const byFormat = (ts: readonly TableSubject[]) => {
    const m = new Map<string, TableSubject[]>();
    for (const t of ts) m.set(t.format, [...(m.get(t.format) ?? []), t]);
    return m;
  };
  const [fa, fb] = [byFormat(a), byFormat(b)];
  const formats = [...new Set([...fa.keys(), ...fb.keys()])];
  return formats.flatMap((format) => {
    const [xs, ys] = [fa.get(format) ?? [], fb.get(format) ?? []];
    const n = Math.max(xs.length, ys.length);
    return Array.from({ length: n }, (_, i): TablePair => ({
      name: n > 1 ? `${format}[${i}]` : format,
      ...(xs[i] ? { a: xs[i] } : {}),
      ...(ys[i] ? { b: ys[i] } : {}),
      status: 'same',
    }));
  });
}

function comparePair(p: TablePair): TablePair {
  const { a, b } = p;
  if (!a) return { ...p, status: 'only-b' };
  if (!b) return { ...p, status: 'only-a' };
  const sameBytes = equalBytes(a.bytes, b.bytes);
  if (a.modelled && b.modelled && a.spec && a.spec === b.spec) {
    const root = diffStructures(structureTree(a.spec, a.model, a.name), structureTree(b.spec, b.model, b.name));
    if (!isEmptyChange(root)) return { ...p, status: 'changed', root };
    return { ...p, status: sameBytes ? 'same' : 'equivalent' };
  }
  if (sameBytes) return p;
  let differing = Math.abs(a.bytes.length - b.bytes.length);
  for (let i = 0; i < Math.min(a.bytes.length, b.bytes.length); i++) if (a.bytes[i] !== b.bytes[i]) differing++;
  return { ...p, status: 'changed', differingBytes: differing };
}

/** What a set of tables says together: every resolvable table Linux reads, its translations; devices when one table resolves. */
function combinedMap(tables: readonly TableSubject[], resolved?: ResolvedTopology): TranslationMap | undefined {
  const maps = tablesLinuxReads(tables).read.filter((t) => t.resolve).map((t) => t.resolve!(resolved));
  if (maps.length === 0) return undefined;
  const findings: Diagnostic[] = maps.flatMap((m) => m.findings);
  const gaps = maps.flatMap((m) => m.gaps ?? []);
  return {
    translations: normalizeTranslations(maps.flatMap((m) => m.translations)),
    mmio: maps.flatMap((m) => m.mmio),
    findings,
    ...(maps.length === 1 && maps[0]!.devices ? { devices: maps[0]!.devices } : {}),
    ...(gaps.length ? { gaps } : {}),
  };
}
