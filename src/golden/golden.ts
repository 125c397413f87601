/**
 * `ridmap golden check|update DIR` without the CLI: each case regenerated and
 * compared with what is stored, or rewritten (all cases as one set of files,
 * io/file-set.ts: staged before any file is replaced, rolled back on failure).
 */
import { join } from 'node:path';
import { findCases, type GoldenCase } from './case-file.js';
import { compareCase, type FileVerdict } from './compare.js';
import { caseOutputs, type CaseOutputs } from './outputs.js';
import type { stageFile } from '../io/atomic-write.js';
import { replaceFileSet, type FileWrite } from '../io/file-set.js';
import type { Diagnostic } from '../diagnostic.js';
import { appendAll } from '../append.js';

export interface CaseReport {
  case: GoldenCase;
  files: FileVerdict[];
  /** What building the topology reported (a table it could not build, model findings). */
  diagnostics: Diagnostic[];
}

export async function checkGolden(dir: string): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  for (const c of findCases(dir)) reports.push(await report(c, caseOutputs(c)));
  return reports;
}

/** Rewrites what differs; returns what it found before writing. */
export async function updateGolden(dir: string, stage?: typeof stageFile): Promise<CaseReport[]> {
  const runs = findCases(dir).map((c) => ({ c, out: caseOutputs(c) }));
  const reports: CaseReport[] = [];
  for (const { c, out } of runs) reports.push(await report(c, out));
  const writes: FileWrite[] = [];
  const removals: string[] = [];
  reports.forEach((r, i) => {
    const byName = new Map(runs[i]!.out.files.map((f) => [f.name, f.text]));
    for (const f of r.files) {
      if (f.status === 'changed' || f.status === 'missing') writes.push({ path: join(r.case.dir, f.name), data: byName.get(f.name)! });
      if (f.status === 'stale') removals.push(join(r.case.dir, f.name));
    }
  });
  // All cases as one set: every file staged before any is replaced, and put back when a rename fails.
  replaceFileSet(writes, removals, stage);
  return reports;
}

async function report(c: GoldenCase, out: CaseOutputs): Promise<CaseReport> {
  const diagnostics = [...out.built.resolved.findings, ...out.built.build.diagnostics].map((d) => ({ ...d, file: d.file ?? c.topology }));
  return { case: c, files: await compareCase(c, out), diagnostics };
}

export function caseChanged(r: CaseReport): boolean {
  return r.files.some((f) => f.status !== 'same');
}

/** The report as text: one line per case, the changed files with their explanation below. */
export function formatGoldenReport(reports: readonly CaseReport[], updated: boolean): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    const changed = r.files.filter((f) => f.status !== 'same');
    if (changed.length === 0) {
      lines.push(`ok       ${r.case.name} (${r.files.length} files)`);
      continue;
    }
    lines.push(`${updated ? 'updated ' : 'CHANGED '} ${r.case.name}: ${changed.length} of ${r.files.length} files`);
    for (const f of changed) {
      lines.push(`  ${f.name}: ${f.status}`);
      appendAll(lines, f.details.map((d) => `    ${d}`));
    }
  }
  return lines;
}
