/**
 * Every distinct table of one signature in the shared corpus, whatever form
 * it is kept in there (raw table files, acpidump text, iasl disassemblies
 * with their Raw Table Data). Tests that need the corpus skip, saying why,
 * when it is absent (corpus.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { parseDslRawData } from '../../src/io/iasl-dsl.js';
import { sniff } from '../../src/io/sniff.js';
import { corpusName, corpusRoot } from './corpus.js';

export interface CorpusTable {
  /** The corpus file it came from (the first one, for a table kept in several). */
  name: string;
  bytes: Uint8Array;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every table of every corpus file, with the file's name, read once. */
let all: CorpusTable[] | undefined;

function everyTable(): CorpusTable[] {
  if (all) return all;
  all = [];
  for (const file of walk(corpusRoot)) {
    const data = new Uint8Array(readFileSync(file));
    let kind;
    try {
      kind = sniff(data, file);
    } catch {
      continue;
    }
    const name = corpusName(file);
    if (kind.kind === 'acpi-table') all.push({ name, bytes: data });
    else if (kind.kind === 'acpidump') for (const t of parseAcpidump(kind.text!).tables) all.push({ name, bytes: t.bytes });
    else if (kind.kind === 'dsl') {
      const raw = parseDslRawData(kind.text!);
      if (raw.bytes) all.push({ name, bytes: raw.bytes });
    }
  }
  return all;
}

/** The distinct tables with this signature, in corpus order. */
export function corpusTables(signature: string): CorpusTable[] {
  const seen = new Set<string>();
  return everyTable().filter((t) => {
    if (String.fromCharCode(...t.bytes.subarray(0, 4)) !== signature) return false;
    const h = createHash('sha256').update(t.bytes).digest('hex');
    return !seen.has(h) && seen.add(h);
  });
}
