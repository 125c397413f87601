/**
 * Crash inputs on disk: each crash is saved as
 * test/fixtures/hostile/crashes/<target>-<hash>.bin, where a test replays
 * it (so a fixed crash stays fixed) and the fuzzer starts from it again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hexDumpLines } from '../codec/hexdump.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Crash } from './engine.js';
import { CRASH_DIR, crashFiles, REPO_ROOT } from './seeds.js';
import { appendAll } from '../append.js';

export function crashFileName(crash: Pick<Crash, 'target' | 'input'>): string {
  return `${crash.target}-${createHash('sha256').update(crash.input).digest('hex').slice(0, 12)}.bin`;
}

/** Saves the input (once: the name is its hash); returns the path relative to the repository. */
export function saveCrash(crash: Crash): string {
  const path = join(CRASH_DIR, crashFileName(crash));
  if (!existsSync(path)) writeFileAtomic(path, crash.input);
  return relative(REPO_ROOT, path);
}

/** The saved crash inputs of a target, to run first. */
export function crashInputs(target: string): Uint8Array[] {
  return crashFiles(target).map((f) => new Uint8Array(readFileSync(f)));
}

/** The crash for a human: what, where in our code, and the input (as text when it is text). */
export function formatCrash(crash: Crash, savedAs?: string): string {
  const frames = (crash.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 6);
  const lines = [`CRASH [${crash.target}] ${crash.kind}: ${crash.message}`, ...frames];
  lines.push(`  input: ${crash.input.length} bytes${savedAs ? `, saved as ${savedAs}` : ''}`);
  const preview = crash.input.subarray(0, 512);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(preview);
  const printable = !/[\x00-\x08\x0e-\x1f\ufffd]/.test(text);
  appendAll(lines, (printable ? text.split('\n').slice(0, 24).map((l) => `  | ${l}`) : hexDumpLines(preview, 0, '  ')));
  if (crash.input.length > preview.length) lines.push(`  ... ${crash.input.length - preview.length} more bytes`);
  return lines.join('\n');
}
