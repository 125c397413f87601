/**
 * The MADT through the CLI against a current iasl's text (the reference
 * root's, 20250404, which knows every structure type of ACPI 6.6): for every
 * corpus MADT and iasl's own template (`iasl -T APIC`: one structure of each
 * type 00h-1Bh, MADT revision 7), every line iasl prints (field lines with
 * offset, width, label and value; flag-bit lines with label and value) is
 * ours too, in the same order; and the bytes come back exactly from
 * decode→encode and decode→JSON→encode.
 *
 * Documented differences:
 *  - flags that are all zero: iasl prints a 0 line for every bit, we print
 *    none (the codec's rule for every table).
 *  - a reserved type (the corpus's X299 UD4 has 28 of type 7Fh): iasl prints
 *    "**** Unknown MADT subtable type" and nothing of the body, we print its
 *    bytes as Raw Data (and warn).
 * Skips, saying why, when the reference root or the corpus is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chrootArgv, findReferenceRoot, rootTempDir } from '../../src/judge/reference-root.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { runCli } from '../support/run-cli.js';
import { corpusMadts, HAVE_MADT_CORPUS } from '../fixtures/madt/corpus.js';
import { expectSameBytes } from './bytes.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const lookup = findReferenceRoot();
const root = lookup.root;
if (!root) console.warn(`[iasl oracle, MADT] skipped: ${lookup.missing}`);
const tally = { tables: 0, lines: 0 };
let work: string | undefined;

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (tally.tables) console.log(`[iasl oracle, MADT] ${tally.lines} iasl ${root?.iaslVersion ?? ''} lines matched in ${tally.tables} tables`);
});

function workDir(): string {
  if (!work) {
    const tmp = rootTempDir(root!.path);
    mkdirSync(tmp, { recursive: true });
    work = mkdtempSync(join(tmp, 'ridmap-madt-iasl-'));
  }
  return work;
}

function iasl(dir: string, args: string[]): void {
  const argv = chrootArgv(root!.path, 'sh', ['-c', `cd ${dir} && iasl ${args.join(' ')} >/dev/null 2>&1; true`]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.error) throw r.error;
}

const inRoot = (host: string) => host.slice(root!.path.length);

/** iasl 2020 writes the width in decimal (`  4]`), iasl 2023+ in hex (`004h]`). */
const FIELD = /^\[([0-9A-F]+)h (\d+)\s+(\d+|[0-9A-F]{3}h)\]\s+(.*?) : (.*)$/;

/**
 * Field lines as `offset/width label : value`, bit lines as `label : value`,
 * without comments, blank lines and iasl's Raw Table Data dump.
 */
function lines(text: string, from: 'iasl' | 'ours'): string[] {
  const out: string[] = [];
  let zeroFlags = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (from === 'iasl' && line.startsWith('Raw Table Data')) break;
    if (!line.trim() || /^\s*(\/\*|\*)/.test(line) || line.startsWith('****')) continue;
    const m = FIELD.exec(line);
    if (m) {
      const w = m[3]!;
      const width = w.endsWith('h') ? parseInt(w, 16) : Number(w);
      const label = m[4]!.trim();
      const value = m[5]!.trim();
      zeroFlags = label === 'Flags (decoded below)' && /^0+$/.test(value);
      out.push(`${parseInt(m[1]!, 16).toString(16)}/${width} ${label} : ${value}`);
      continue;
    }
    // A bit line under all-zero flags: iasl's, not ours (see above).
    if (from === 'iasl' && zeroFlags) continue;
    out.push(line.trim().replace(/\s+/g, ' '));
  }
  return out;
}

/** Our lines without the raw bytes of reserved types (iasl prints none). */
function withoutRaw(ours: string[]): string[] {
  return ours.filter((l) => !/^[0-9A-F]{8}: /.test(l) && !/ Raw Data : /.test(l));
}

async function check(file: string, bytes: Uint8Array, dir: string, name: string): Promise<string> {
  const text = await runCli('decode', file);
  expect(text.code, text.stderr).toBe(0);
  const base = file.slice(0, -'.dat'.length);
  iasl(inRoot(dir), ['-d', `${base.slice(dir.length + 1)}.dat`]);
  const want = lines(readFileSync(`${base}.dsl`, 'utf8'), 'iasl');
  const ours = withoutRaw(lines(text.stdout, 'ours'));
  expect(ours, name).toEqual(want);
  tally.lines += want.length;
  tally.tables++;

  const json = await runCli('decode', file, '--format', 'json');
  expect(json.code, json.stderr).toBe(0);
  writeFileSync(`${base}.json`, json.stdout);
  const enc = await runCli('encode', `${base}.json`, '-o', `${base}.out`);
  expect(enc.code, enc.stderr).toBe(0);
  expectSameBytes(readFileSync(`${base}.out`), bytes, `${name} decode→JSON→encode (CLI)`);
  expectRoundTrip(bytes);
  expectJsonRoundTrip(bytes);
  return text.stdout;
}

describe.skipIf(!root || !HAVE_MADT_CORPUS)('corpus MADTs: iasl 20250404\'s text, line for line, and byte-exact round trips', () => {
  const all = corpusMadts();
  it('has the 69 MADTs of the acpidump texts', () => expect(all).toHaveLength(69));
  all.forEach((c, i) => {
    it(c.name, async () => {
      const dir = workDir();
      const file = join(dir, `madt${i}.dat`);
      writeFileSync(file, c.bytes);
      await check(file, c.bytes, dir, c.name);
    });
  });
  it('a reserved structure type (X299 UD4\'s 7Fh) is kept as its bytes, with a note (info) naming it', async () => {
    const c = all.find((x) => x.name.includes('X299 UD4'))!;
    const file = join(workDir(), 'x299.dat');
    writeFileSync(file, c.bytes);
    const run = await runCli('decode', file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Subtable Type : 7F [Unknown Subtable Type]');
    const check = await runCli('check', file, '--format', 'json');
    expect(check.code, check.stderr).toBe(0);
    const found = (JSON.parse(check.stdout) as { findings: Diagnostic[] }).findings.filter((d) => d.code === 'unknown-type');
    expect(found).toHaveLength(28);
    expect([found[0]!.severity, found[0]!.path, found[0]!.offset]).toEqual(['info', 'APIC/Structure[0]', 0x228]);
    expect(found[0]!.message).toMatch(/^Structure type 0x7f is not known; kept as 12 raw bytes/);
  });
});

describe.skipIf(!root)('iasl\'s MADT template (every structure type, revision 7)', () => {
  it('decodes with every type named, agrees with iasl -d line for line, and round-trips', async () => {
    const dir = join(workDir(), 'template');
    mkdirSync(dir);
    iasl(inRoot(dir), ['-T', 'APIC']);
    iasl(inRoot(dir), ['apic.asl']);
    const bytes = readFileSync(join(dir, 'apic.aml'));
    writeFileSync(join(dir, 'tmpl.dat'), bytes);
    const text = await check(join(dir, 'tmpl.dat'), bytes, dir, 'template');
    for (let t = 0; t <= 0x1b; t++) expect(text).toContain(`Subtable Type : ${t.toString(16).toUpperCase().padStart(2, '0')} [`);
    expect(text).not.toMatch(/Unknown Subtable Type|Raw Data/);
  });
});
