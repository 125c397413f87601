/**
 * A case's stored files against its regenerated outputs. A changed table
 * dump or board DTS is explained by the semantic diff (structures, then RIDs
 * and devices, resolved with the case's topology), a changed map.json by the
 * map diff; the other text files (decoded text, map text, tree, dot) follow
 * from those and only say where they start to differ.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInput } from '../io/load-input.js';
import { builtTables } from '../io/topology-input.js';
import type { TableSubject } from '../io/subject.js';
import { InputError } from '../diagnostic.js';
import { diffTables } from '../diff/diff-tables.js';
import { formatDiff } from '../diff/format-diff.js';
import { diffMaps } from '../diff/map-diff.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { GoldenCase } from './case-file.js';
import { parseHexFile } from './hex-file.js';
import { mapFromJson } from './map-json-read.js';
import { isOutputName, type CaseFile, type CaseOutputs } from './outputs.js';

export interface FileVerdict {
  name: string;
  status: 'same' | 'changed' | 'missing' | 'stale';
  /** Why, in sentences (the semantic diff for tables and maps). */
  details: string[];
}

export async function compareCase(c: GoldenCase, out: CaseOutputs): Promise<FileVerdict[]> {
  const verdicts: FileVerdict[] = [];
  for (const f of out.files) {
    const path = join(c.dir, f.name);
    const stored = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (stored === undefined) verdicts.push({ name: f.name, status: 'missing', details: ['not stored yet'] });
    else if (stored === f.text) verdicts.push({ name: f.name, status: 'same', details: [] });
    else verdicts.push({ name: f.name, status: 'changed', details: await explain(f, stored, out.built.resolved) });
  }
  const produced = new Set(out.files.map((f) => f.name));
  const stale = readdirSync(c.dir, { withFileTypes: true })
    .filter((e) => e.isFile() && isOutputName(e.name) && !produced.has(e.name))
    .map((e) => e.name)
    .sort();
  return [...verdicts, ...stale.map((name): FileVerdict => ({ name, status: 'stale', details: ['the topology no longer produces it'] }))];
}

async function explain(f: CaseFile, stored: string, resolved: ResolvedTopology): Promise<string[]> {
  if (f.bytes) {
    const old = parseHexFile(stored);
    if (!old) return ['the stored file is not a hex dump ridmap can read'];
    return semanticDiff(builtTables(`${f.name} (stored)`, old), builtTables(f.name, f.bytes), resolved, 'bytes');
  }
  if (f.name.endsWith('.dts')) {
    const [before, after] = [await dtsTables(`${f.name} (stored)`, stored), await dtsTables(f.name, f.text)];
    if (!before || !after) return ['the stored file is not a DTS ridmap can read'];
    return semanticDiff(before, after, resolved, 'text');
  }
  if (f.name.endsWith('.json')) {
    const [before, after] = [mapFromJson(stored), mapFromJson(f.text)];
    if (before && after) {
      const lines = diffMaps(before, after, resolved);
      if (lines.length) return lines;
    }
  }
  return [firstDifference(stored, f.text)];
}

function semanticDiff(before: TableSubject[], after: TableSubject[], resolved: ResolvedTopology, what: 'bytes' | 'text'): string[] {
  const d = diffTables({ tables: before, resolved }, { tables: after, resolved });
  return d.equal ? [`the ${what} changed with no semantic difference`] : formatDiff(d).filter((l) => !l.startsWith('identical:'));
}

/** A DTS as every DTS input is read; none for text that is no DTS. Builds write no `/include/`, so none is read. */
async function dtsTables(name: string, text: string): Promise<TableSubject[] | undefined> {
  try {
    const input = await loadInput(name, new TextEncoder().encode(text));
    return input.kind === 'dts' ? input.tables : undefined;
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

function firstDifference(a: string, b: string): string {
  const [x, y] = [a.split('\n'), b.split('\n')];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return `text differs from line ${i + 1}: stored ${JSON.stringify(x[i] ?? '(end)')}, now ${JSON.stringify(y[i] ?? '(end)')}`;
}
