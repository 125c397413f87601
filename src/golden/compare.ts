/**
 * A case's stored files against its regenerated outputs. A changed table
 * dump is explained by the semantic diff (structures, then RIDs and devices,
 * resolved with the case's topology), a changed map.json by the map diff;
 * the other text files (decoded text, map text, tree, dot) follow from those
 * and only say where they start to differ.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtTables } from '../checks/load-input.js';
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

export function compareCase(c: GoldenCase, out: CaseOutputs): FileVerdict[] {
  const verdicts = out.files.map((f): FileVerdict => {
    const path = join(c.dir, f.name);
    if (!existsSync(path)) return { name: f.name, status: 'missing', details: ['not stored yet'] };
    const stored = readFileSync(path, 'utf8');
    if (stored === f.text) return { name: f.name, status: 'same', details: [] };
    return { name: f.name, status: 'changed', details: explain(f, stored, out.built.resolved) };
  });
  const produced = new Set(out.files.map((f) => f.name));
  const stale = readdirSync(c.dir).filter((n) => isOutputName(n) && !produced.has(n)).sort();
  return [...verdicts, ...stale.map((name): FileVerdict => ({ name, status: 'stale', details: ['the topology no longer produces it'] }))];
}

function explain(f: CaseFile, stored: string, resolved: ResolvedTopology): string[] {
  if (f.bytes) {
    const old = parseHexFile(stored);
    if (!old) return ['the stored file is not a hex dump ridmap can read'];
    const d = diffTables({ tables: builtTables(`${f.name} (stored)`, old), resolved }, { tables: builtTables(f.name, f.bytes), resolved });
    return d.equal ? ['the bytes changed with no semantic difference'] : formatDiff(d).filter((l) => !l.startsWith('identical:'));
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

function firstDifference(a: string, b: string): string {
  const [x, y] = [a.split('\n'), b.split('\n')];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return `text differs from line ${i + 1}: stored ${JSON.stringify(x[i] ?? '(end)')}, now ${JSON.stringify(y[i] ?? '(end)')}`;
}
