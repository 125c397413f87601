/**
 * A current iasl as the oracle of whole text outputs (issue 20): `iasl -d`
 * and ridmap's `decode` must print the same lines, apart from the header
 * comment's lines where each names itself and its input.
 *
 * The iasl is the reference root's (ACPICA 20250404, pinned by
 * scripts/reference-root.sh), run with chroot so that the host's release does
 * not matter. RIDMAP_IASL=/path/to/iasl runs another build instead (a newer
 * ACPICA built by hand, to measure against it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { IaslFormName } from '../../src/codec/index.js';
import { bookwormRoot, chrootArgv, findReferenceRoot, rootTempDir } from '../../src/judge/reference-root.js';

export interface IaslRunner {
  /** What `iasl -v` says of itself (`20250404`). */
  version: string;
  /** Runs iasl with `args` in a fresh directory holding `files`; returns every file there afterwards. */
  run(args: readonly string[], files: Record<string, Uint8Array | string>): { files: Map<string, Uint8Array>; output: string };
}

function runnerFor(prefix: (dir: string, args: readonly string[]) => string[], tempBase: string): Omit<IaslRunner, 'version'> {
  return {
    run(args, files) {
      mkdirSync(tempBase, { recursive: true });
      const dir = mkdtempSync(join(tempBase, 'ridmap-iasl-'));
      try {
        for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
        const argv = prefix(dir, args);
        // Bounded: iasl 20260408 loops for ever on some sources it cannot read (an older release's labels).
        const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'latin1', timeout: 120_000 });
        if (r.error) throw r.error;
        const out = new Map<string, Uint8Array>();
        for (const f of readdirSync(dir)) out.set(f, readFileSync(join(dir, f)));
        return { files: out, output: r.stdout + r.stderr };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function versionOf(r: Omit<IaslRunner, 'version'>): string {
  return /version (\d{8})/.exec(r.run(['-v'], {}).output)?.[1] ?? 'unknown';
}

/**
 * The pinned iasl of a form, or why there is none: the reference root's for
 * the current form, its nested Debian 12 root's (20200925) for the 2020 form.
 */
export function pinnedIasl(form: IaslFormName = 'current'): { iasl?: IaslRunner; missing?: string } {
  const own = form === 'current' ? process.env['RIDMAP_IASL'] : undefined;
  if (own) {
    const r = runnerFor((dir, args) => ['sh', '-c', `cd '${dir}' && '${own}' ${args.join(' ')}`], tmpdir());
    return { iasl: { ...r, version: versionOf(r) } };
  }
  const lookup = findReferenceRoot();
  if (lookup.missing) return { missing: lookup.missing };
  const rootLookup = form === 'current' ? lookup : bookwormRoot(lookup.root!);
  if (rootLookup.missing) return { missing: rootLookup.missing };
  if (process.getuid?.() !== 0) return { missing: "running the reference root's iasl needs chroot, so root" };
  const root = rootLookup.root!.path;
  const r = runnerFor((dir, args) => chrootArgv(root, '/bin/sh', ['-c', `cd '${dir}' && iasl ${args.join(' ')}`]), rootTempDir(root));
  return { iasl: { ...r, version: versionOf(r) } };
}

/** The pinned current iasl (20250404 from the reference root, or RIDMAP_IASL). */
export function currentIasl(): { iasl?: IaslRunner; missing?: string } {
  return pinnedIasl('current');
}

/** `iasl -d` of one table: the .dsl text. */
export function iaslDisassembleWith(iasl: IaslRunner, bytes: Uint8Array, name = 'table'): string {
  const r = iasl.run(['-d', `${name}.dat`], { [`${name}.dat`]: bytes });
  const dsl = r.files.get(`${name}.dsl`);
  if (!dsl) throw new Error(`iasl -d wrote no ${name}.dsl:\n${r.output}`);
  return Buffer.from(dsl).toString('latin1');
}

/** iasl's own template of a table (`iasl -T SIG`), compiled by iasl: the bytes. */
export function iaslTemplate(iasl: IaslRunner, signature: string): Uint8Array {
  const name = signature.toLowerCase();
  const t = iasl.run(['-T', signature], {});
  const asl = t.files.get(`${name}.asl`);
  if (!asl) throw new Error(`iasl -T ${signature} wrote no ${name}.asl:\n${t.output}`);
  const c = iasl.run([`${name}.asl`], { [`${name}.asl`]: asl });
  const aml = c.files.get(`${name}.aml`);
  if (!aml) throw new Error(`iasl wrote no ${name}.aml:\n${c.output}`);
  return aml;
}

/**
 * Lines of the header comment where iasl and ridmap each name themselves and
 * the input (lines 2-4 and 6 of the file: banner, version, copyright, the
 * "Disassembly of" line); everything else must be the same.
 */
const OWN_NAME_LINES = new Set([1, 2, 3, 5]);

/**
 * A line where ridmap prints otherwise than iasl on purpose, and why: with
 * both patterns one line replaces another; with one, only that side has the line.
 */
export interface KnownDifference {
  iasl?: RegExp;
  ours?: RegExp;
  why: string;
}

export interface TextComparison {
  /** Lines compared (iasl's, without the own-name lines). */
  lines: number;
  /** Lines that differ for a documented reason, by reason. */
  documented: Map<string, number>;
  /** Differences no reason explains: `line N: iasl … / ours …`. */
  problems: string[];
}

function matches(k: KnownDifference, a: string | undefined, b: string | undefined): boolean {
  return (!k.iasl || (a !== undefined && k.iasl.test(a))) && (!k.ours || (b !== undefined && k.ours.test(b)));
}

/** Line by line, after the own-name lines; a documented difference may replace, add or drop a line. */
export function compareText(iaslText: string, ourText: string, known: readonly KnownDifference[] = []): TextComparison {
  const a = iaslText.split('\n').filter((_, i) => !OWN_NAME_LINES.has(i));
  const b = ourText.split('\n').filter((_, i) => !OWN_NAME_LINES.has(i));
  const result: TextComparison = { lines: a.length, documented: new Map(), problems: [] };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    const reason = known.find((k) => matches(k, a[i], b[j]));
    if (reason) {
      result.documented.set(reason.why, (result.documented.get(reason.why) ?? 0) + 1);
      if (reason.iasl) i++;
      if (reason.ours) j++;
      continue;
    }
    result.problems.push(`line ${i + 1}:\n  iasl: ${a[i] ?? '(end)'}\n  ours: ${b[j] ?? '(end)'}`);
    if (result.problems.length >= 10) break;
    i++;
    j++;
  }
  return result;
}
