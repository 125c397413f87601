/**
 * Our IVRS text against a current iasl's (the reference root's, 20250404,
 * which knows every IVRS structure; Debian 12's 2020 iasl is too old): for
 * every corpus IVRS and iasl's own template (`iasl -T IVRS`), each field line
 * iasl prints must have a line of ours at the same offset and width with the
 * same value. Values are compared, not labels (issue 20 is the text form):
 * the number before a `[...]` title, the quoted text of a string.
 *
 * Whole texts are compared line for line in ivrs-iasl-text.test.ts; this
 * test keeps the template's round trips.
 * Skips, saying why, when the reference root or the corpus is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chrootArgv, findReferenceRoot, rootTempDir } from '../../src/judge/reference-root.js';
import { runCli } from '../support/run-cli.js';
import { corpusIvrses } from '../fixtures/ivrs/corpus.js';
import { expectSameBytes } from './bytes.js';
import { parseFieldLines, type FieldLine } from './iasl-oracle.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const lookup = findReferenceRoot();
const root = lookup.root;
if (!root) console.warn(`[iasl oracle, IVRS] skipped: ${lookup.missing}`);
const tally = { tables: 0, lines: 0 };
let work: string | undefined;

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (tally.tables) console.log(`[iasl oracle, IVRS] ${tally.lines} iasl ${root?.iaslVersion ?? ''} field lines matched by value in ${tally.tables} tables`);
});

function workDir(): string {
  if (!work) {
    const tmp = rootTempDir(root!.path);
    mkdirSync(tmp, { recursive: true });
    work = mkdtempSync(join(tmp, 'ridmap-ivrs-iasl-'));
  }
  return work;
}

/** Runs iasl inside the root with `args` (host paths inside the root), in `dir`. */
function iasl(dir: string, args: string[]): void {
  const argv = chrootArgv(root!.path, 'sh', ['-c', `cd ${dir} && iasl ${args.join(' ')} >/dev/null 2>&1; true`]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.error) throw r.error;
}

function inRoot(host: string): string {
  return host.slice(root!.path.length);
}

/** The number before a title, or the quoted text of a string value. */
function valueOf(v: string): string {
  const q = /^"[^"]*"/.exec(v);
  return q ? q[0] : v.split(' ')[0]!;
}

function compare(iaslLines: readonly FieldLine[], ours: readonly FieldLine[], name: string): void {
  const at = new Map<string, FieldLine>();
  for (const l of ours) at.set(`${l.offset}/${l.width}`, l);
  const problems: string[] = [];
  for (const want of iaslLines) {
    const mine = at.get(`${want.offset}/${want.width}`);
    if (!mine || valueOf(mine.value) !== valueOf(want.value)) problems.push(`iasl: ${want.text}\nours: ${mine?.text ?? 'no line at this offset and width'}`);
    else tally.lines++;
  }
  expect(problems, name).toEqual([]);
  expect(iaslLines.length, `${name}: iasl printed field lines`).toBeGreaterThan(20);
  tally.tables++;
}

async function decodeText(file: string): Promise<string> {
  const run = await runCli('decode', file);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

describe.skipIf(!root)('IVRS text against the reference root\'s iasl', () => {
  corpusIvrses().forEach((c, i) => {
    it(c.name, async () => {
      const dir = workDir();
      const file = join(dir, `corpus${i}.dat`);
      writeFileSync(file, c.bytes);
      iasl(inRoot(dir), ['-d', `corpus${i}.dat`]);
      compare(parseFieldLines(readFileSync(join(dir, `corpus${i}.dsl`), 'utf8')), parseFieldLines(await decodeText(file)), c.name);
    });
  });

  it('iasl\'s IVRS template (iasl -T IVRS, compiled) decodes without error, round-trips and agrees with iasl -d', async () => {
    const dir = join(workDir(), 'template');
    mkdirSync(dir);
    iasl(inRoot(dir), ['-T', 'IVRS']);
    iasl(inRoot(dir), ['ivrs.asl']);
    const bytes = readFileSync(join(dir, 'ivrs.aml'));
    const text = await decodeText(join(dir, 'ivrs.aml'));
    // Every kind of entry the template has: 01h-04h, 42h, 43h, 46h, 47h, 48h, F0h, IVMD 20h-22h.
    for (const t of ['01', '02', '03', '04', '42', '43', '46', '47', '48', 'F0', '20', '21', '22']) expect(text).toContain(`Subtable Type : ${t} [`);
    // iasl's own name for padding (type 00) is its unknown/reserved entry name; no other type is unknown.
    expect(text).not.toMatch(/Unknown Subtable Type|Subtable Type : (?!00)[0-9A-F]{2} \[Unknown\/Reserved Device Entry Type\]/);
    expectRoundTrip(bytes);
    expectJsonRoundTrip(bytes);
    const json = await runCli('decode', join(dir, 'ivrs.aml'), '--format', 'json');
    writeFileSync(join(dir, 'ivrs.json'), json.stdout);
    const enc = await runCli('encode', join(dir, 'ivrs.json'), '-o', join(dir, 'back.dat'));
    expect(enc.code, enc.stderr).toBe(0);
    expectSameBytes(readFileSync(join(dir, 'back.dat')), bytes, 'template decode→JSON→encode (CLI)');
    iasl(inRoot(dir), ['-d', 'ivrs.aml']);
    compare(parseFieldLines(readFileSync(join(dir, 'ivrs.dsl'), 'utf8')), parseFieldLines(text), 'template');
  });
});
