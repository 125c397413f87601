/**
 * What the whole-text tests of MADT, MCFG and RIMT share: the corpus's
 * distinct tables of one signature (linuxhw's acpidump texts and the
 * niyas-sait dumps), and one table through the CLI (`decode` of a file)
 * compared with the pinned iasl's `-d` text (iasl-text.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { runCli } from '../support/run-cli.js';
import { CORPUS_DIR } from '../support/paths.js';
import { dumpTables, type CorpusTable } from '../fixtures/corpus-dumps.js';
import type { IaslFormName } from '../../src/codec/index.js';
import { compareText, iaslDisassembleWith, type IaslRunner, type KnownDifference, type TextComparison } from './iasl-text.js';

const DUMP_DIRS = ['real/linuxhw-ACPI', 'real/linuxhw-ACPI-amd'].map((d) => join(CORPUS_DIR, d));
/** Whole-machine acpidump texts with other names. */
const DUMP_FILES = ['ampere_ava_1/ava_acpidump.log', 'honeycomb/honeycomb.acpidump.txt', 'surface-pro-x/acpidump.out']
  .map((d) => join(CORPUS_DIR, 'real/niyas-sait-acpi', d));

export const HAVE_DUMP_CORPUS = DUMP_DIRS.every((d) => existsSync(d));

/** One of each distinct table of `signature` in the corpus's acpidump texts, in name order. */
export function distinctCorpusTables(signature: string): CorpusTable[] {
  if (!HAVE_DUMP_CORPUS) return [];
  const all = [
    ...dumpTables(DUMP_DIRS, signature, CORPUS_DIR),
    ...DUMP_FILES.filter(existsSync).flatMap((f) => parseAcpidump(readFileSync(f, 'latin1')).tables
      .filter((t) => t.signature === signature)
      .map((t) => ({ name: f.slice(CORPUS_DIR.length + 1), bytes: t.bytes }))),
  ];
  const seen = new Set<string>();
  return all.filter((t) => {
    const sha = createHash('sha256').update(t.bytes).digest('hex');
    if (seen.has(sha)) return false;
    seen.add(sha);
    return true;
  });
}

export interface IaslTextOptions {
  /** `--iasl-format` (the pinned iasl must be that form's). */
  form?: IaslFormName;
  /** Our text as the comparison should see it (cut where an older iasl stops). */
  ours?: (text: string) => string;
  /** Any exit code but a crash's (a table with errors still prints); by default 0. */
  anyExit?: boolean;
}

/** `ridmap decode file` (through the CLI) against `iasl -d` of the same bytes; fails on any difference no reason explains. */
export async function expectIaslText(iasl: IaslRunner, dir: string, name: string, bytes: Uint8Array,
  known: readonly KnownDifference[] = [], opts: IaslTextOptions = {}): Promise<TextComparison & { ours: string; iaslText: string }> {
  const file = join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-80)}.dat`);
  writeFileSync(file, bytes);
  const r = await runCli('decode', file, ...(opts.form ? ['--iasl-format', opts.form] : []));
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (opts.anyExit) expect(r.code, r.stderr).not.toBe(3);
  else expect(r.code, r.stderr).toBe(0);
  const iaslText = iaslDisassembleWith(iasl, bytes, 'table');
  const c = compareText(iaslText, opts.ours ? opts.ours(r.stdout) : r.stdout, known);
  expect(c.problems, `${name} against iasl ${iasl.version}`).toEqual([]);
  return { ...c, ours: r.stdout, iaslText };
}
