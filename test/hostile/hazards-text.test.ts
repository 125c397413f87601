/**
 * Named hazards of text inputs and of size: YAML alias bombs and nesting,
 * `__proto__`/`constructor`/`prototype` keys in topologies and in decoded
 * JSON (nothing may reach Object.prototype), acpidump and .dsl text with a
 * million junk lines, and inputs at the limits of src/limits.ts: each is
 * refused or handled in bounded time, with a clear diagnostic.
 * (The YAML cases moved here from test/model/parse-topology.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/io/decode-input.js';
import { encodeJsonDocument, tablesFromJson } from '../../src/acpi/table.js';
import { InputError, type Diagnostic } from '../../src/diagnostic.js';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { parseDslRawData } from '../../src/io/iasl-dsl.js';
import { readInputBytes } from '../../src/io/read-input.js';
import {
  MAX_INPUT_BYTES,
  MAX_REPEATED_DIAGNOSTICS,
  MAX_TOPOLOGY_CHARS,
  MAX_YAML_ALIAS_COUNT,
  MAX_YAML_NESTING_PARSED,
} from '../../src/limits.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

/** The built CLI (npm run build), for what only a separate process can be given: its stdin. */
const BIN = join(REPO_ROOT, 'dist/bin/ridmap.js');

/** For a million lines or nesting levels: generous for a loaded CI machine, and still hours short of quadratic. */
const BOUND_MS = 10_000;
const fixtures = new URL('../fixtures/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');

/** Runs `f` and checks it returned within the bound. */
function bounded<T>(f: () => T, ms = BOUND_MS): T {
  const started = performance.now();
  const out = f();
  expect(performance.now() - started).toBeLessThan(ms);
  return out;
}

/** The diagnostics parseTopology refuses `text` with (none if it accepts it; anything but InputError fails the test). */
function refusal(text: string): Diagnostic[] {
  try {
    parseTopology(text, 'hostile.yaml');
    return [];
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics;
    throw e;
  }
}

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);
const prototypesClean = () => Object.keys(Object.prototype).length === 0 && ({} as Record<string, unknown>)['polluted'] === undefined;

describe('YAML', () => {
  it('never lets __proto__, constructor or prototype reach an object', () => {
    const ds = refusal('{"name": "x", "__proto__": {"polluted": true}, "acpi": {"constructor": {"prototype": 1}}}');
    expect(ds.map((d) => [d.code, d.path])).toEqual([
      ['forbidden-key', '__proto__'],
      ['forbidden-key', 'acpi.constructor'],
    ]);
    expect(prototypesClean()).toBe(true);
  });

  it('refuses a billion-laughs alias bomb quickly', () => {
    expect(codes(bounded(() => refusal(read('topology-invalid/yaml-alias-limit.yaml')), 1000))).toEqual(['yaml-alias-limit']);
  });

  it(`refuses one alias to a huge anchor, and more than ${MAX_YAML_ALIAS_COUNT} aliases`, () => {
    const huge = `name: x\nd: &big [${Array.from({ length: 20_000 }, (_, i) => i).join(', ')}]\ne: *big\n`;
    expect(codes(bounded(() => refusal(huge)))).toEqual(['yaml-alias-limit']);
    const many = `name: x\na: &a 1\nd: [${Array.from({ length: MAX_YAML_ALIAS_COUNT + 1 }, () => '*a').join(', ')}]\n`;
    expect(codes(bounded(() => refusal(many)))).toEqual(['yaml-alias-limit']);
  });

  it('accepts a few plain aliases', () => {
    const text = 'name: x\nplatformDevices:\n  - id: a\n    base: &b 0x1000\n  - id: c\n    base: *b\n';
    expect(parseTopology(text, 'x.yaml').platformDevices?.map((d) => d.base)).toEqual([0x1000, 0x1000]);
  });

  it('refuses recursive and dangling aliases without hanging', () => {
    expect(codes(refusal('name: x\niommus: &a [*a]\n'))).toEqual(['yaml-non-json']);
    expect(codes(refusal('name: x\ndescription: *nowhere\n'))).toEqual(['yaml-syntax']);
  });

  it('refuses a tag on a mapping key, instead of accepting the document unvalidated (a fuzz find)', () => {
    expect(codes(refusal('{"devices": [{"id": "a", !!timestamp "aliases": [1]}]}'))).toEqual(['yaml-non-json']);
  });

  it('refuses binary, sets, .nan and complex keys', () => {
    expect(codes(refusal('name: !!binary aGVsbG8=\n'))).toEqual(['yaml-non-json']);
    expect(codes(refusal('name: x\ndescription: !!set {a, b}\n'))).toEqual(['yaml-non-json']);
    expect(codes(refusal('name: x\nhostBridges:\n  - id: a\n    rootBus: .nan\n'))).toEqual(['yaml-non-json']);
    expect(codes(refusal('name: x\n? [a, b]\n: 1\n'))).toEqual(['yaml-non-json']);
  });

  it.each([
    ['YAML flow sequences', (n: number) => `name: x\nd: ${'['.repeat(n)}${']'.repeat(n)}\n`],
    ['YAML flow mappings', (n: number) => `name: x\nd: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
    ['JSON arrays', (n: number) => `{"name": "x", "d": ${'['.repeat(n)}${']'.repeat(n)}}`],
  ])('refuses %s nested 200,000 deep, without parsing them', (_what, nest) => {
    const ds = bounded(() => refusal(nest(200_000)), 2000);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'yaml-too-deep', line: expect.any(Number), column: expect.any(Number) });
    expect(ds[0]!.message).toContain(String(MAX_YAML_NESTING_PARSED));
  });

  it('refuses block collections nested a thousand deep', () => {
    const text = 'name: x\nd:\n' + Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n') + '1\n';
    expect(codes(bounded(() => refusal(text)))).toContain('yaml-too-deep');
  });

  it(`refuses a topology over MAX_TOPOLOGY_CHARS (${MAX_TOPOLOGY_CHARS}) before parsing it`, () => {
    const text = `name: x\ndescription: "${'x'.repeat(MAX_TOPOLOGY_CHARS)}"\n`;
    const ds = bounded(() => refusal(text), 100);
    expect(ds).toEqual([expect.objectContaining({ code: 'topology-too-large', file: 'hostile.yaml' })]);
    expect(ds[0]!.message).toContain(String(MAX_TOPOLOGY_CHARS));
  });
});

describe('decoded-table JSON (the encode path)', () => {
  const table = '{"signature": "DMAR", "revision": 1, "oemId": "RIDMAP", "oemTableId": "X", "oemRevision": 1, "creatorId": "RDMP", ' +
    '"creatorRevision": 1, "hostAddressWidth": 38, "flags": 1, "remappingStructures": [' +
    '{"type": "DRHD", "flags": 1, "size": 0, "segmentNumber": 0, "registerBaseAddress": "0xfed90000", "deviceScopes": []}]}';

  it.each([
    ['the document', `{"tables": [${table}], "__proto__": {"polluted": 1}}`],
    ['a table', `{"tables": [${table.replace('{"signature"', '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "signature"')}]}`],
    ['a structure', `{"tables": [${table.replace('"flags": 1, "size"', '"__proto__": {"polluted": 1}, "flags": 1, "size"')}]}`],
    ['a list item', `[${table.replace('"deviceScopes": []', '"deviceScopes": [{"__proto__": {"polluted": 1}}]')}]`],
  ])('__proto__ and constructor keys in %s are unknown keys, and pollute nothing', (_where, text) => {
    const parsed = tablesFromJson(text);
    expect(codes(parsed.diagnostics)).toContain('json-unknown-key');
    expect(encodeJsonDocument(text).tables).toEqual([]);
    try {
      decodeInput(text, 'hostile.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
    }
    expect(prototypesClean()).toBe(true);
  });

  it('signatures and variant names that are Object.prototype members are just unknown names', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => tablesFromJson(`{"signature": "${name}", "data": ""}`)).not.toThrow();
      const variant = tablesFromJson(`[${table.replace('"type": "DRHD"', `"type": "${name}"`)}]`);
      expect(codes(variant.diagnostics)).toContain('json-unknown-variant');
    }
    expect(prototypesClean()).toBe(true);
  });
});

describe('a million junk lines', () => {
  const table = 'DMAR @ 0x0000000000000000\n  0000: 44 4D 41 52 30 00 00 00 01 00 00 00 00 00 00 00  DMAR0...........\n';
  const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');

  it.each([
    ['junk lines', 'acpidump-junk-line', () => table + lines(1_000_000, (i) => `kernel: junk ${i}`)],
    ['table headers without dump lines', 'acpidump-empty-table', () => table + lines(1_000_000, () => 'SSDT @ 0x0000000000000000')],
    ['dump lines out of order', 'acpidump-offset-gap', () => table + lines(1_000_000, (i) => `  ${(0xffff - (i % 0x1000)).toString(16)}: 00 01`)],
  ])('acpidump text with a million %s: bounded time, listed %s warnings bounded', (_what, code, text) => {
    const input = text();
    const parsed = bounded(() => parseAcpidump(input));
    const listed = parsed.diagnostics.filter((d) => d.code === code);
    expect(listed).toHaveLength(MAX_REPEATED_DIAGNOSTICS + 1);
    expect(listed.at(-1)!.message).toContain('more like this are not listed');
    bounded(() => decodeInput(input, 'dump.txt'));
  });

  it('a million blank lines are read in linear time (sniffing included)', () => {
    const input = table + '\n'.repeat(1_000_000) + table;
    expect(bounded(() => decodeInput(input, 'dump.txt')).tables).toHaveLength(2);
  });

  it('an iasl .dsl whose raw data has a million lines out of order', () => {
    const text = 'Raw Table Data: Length 16 (0x10)\n' + lines(1_000_000, () => '    0000: 00 01 02 03');
    const parsed = bounded(() => parseDslRawData(text));
    expect(parsed.diagnostics.filter((d) => d.code === 'dsl-offset-gap')).toHaveLength(MAX_REPEATED_DIAGNOSTICS + 1);
  });
});

describe(`inputs at MAX_INPUT_BYTES (${MAX_INPUT_BYTES})`, () => {
  it('one byte more is refused before it is read, saying why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-big-'));
    const file = join(dir, 'huge.dat');
    writeFileSync(file, '');
    truncateSync(file, MAX_INPUT_BYTES + 1); // sparse: no disk used
    try {
      const e = bounded(() => {
        try {
          readInputBytes(file);
        } catch (err) {
          return err;
        }
      }, 100);
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).diagnostics[0]).toMatchObject({ code: 'unreadable-input', file });
      expect((e as InputError).message).toContain(`limited to ${MAX_INPUT_BYTES} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a device that never ends (/dev/zero) is read up to one byte past it, then refused: exit 2, fast', async () => {
    const started = performance.now();
    const run = await runCli('decode', '/dev/zero');
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`/dev/zero: error [unreadable-input]: cannot read /dev/zero: gave more than ${MAX_INPUT_BYTES} bytes; inputs are limited to ${MAX_INPUT_BYTES} bytes\n`);
  });

  it.skipIf(!existsSync(BIN))('a pipe is read the same way: an endless one is refused (exit 2), a table through one is decoded', () => {
    const started = performance.now();
    const endless = spawnSync('sh', ['-c', `cat /dev/zero | "${process.execPath}" "${BIN}" decode /dev/stdin`], { encoding: 'utf8', timeout: 60_000 });
    expect(performance.now() - started).toBeLessThan(BOUND_MS * 2);
    expect(endless.status).toBe(2);
    expect(endless.stderr).toContain(`[unreadable-input]: cannot read /dev/stdin: gave more than ${MAX_INPUT_BYTES} bytes`);

    const dmar = join(REPO_ROOT, 'golden/q35-vtd-pci-bridge/DMAR.hex');
    const table = spawnSync('sh', ['-c', `cat "${dmar}" | "${process.execPath}" "${BIN}" decode /dev/stdin`], { encoding: 'utf8', timeout: 60_000 });
    expect(table.stderr).toBe('');
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('[000h 0000 004h]                   Signature : "DMAR"');
  }, 60_000);

  it('a valid acpidump just under it is read and decoded in bounded time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-big-'));
    const file = join(dir, 'dump.txt');
    writeFileSync(file, acpidumpOfSize(MAX_INPUT_BYTES - 4096));
    try {
      const input = bounded(() => decodeInput(readInputBytes(file), file), 30_000);
      expect(input.tables).toHaveLength(1);
      expect(input.tables[0]!.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** acpidump text of about `chars` characters: one SSDT whose Length and checksum are right. */
function acpidumpOfSize(chars: number): string {
  const header = 'SSDT @ 0x0000000000000000\n';
  const lineChars = '  00000000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n'.length;
  const bytes = new Uint8Array(Math.floor((chars - header.length) / lineChars) * 16);
  for (let i = 36; i < bytes.length; i++) bytes[i] = i & 0xff;
  bytes.set(Buffer.from('SSDT'));
  new DataView(bytes.buffer).setUint32(4, bytes.length, true);
  bytes[9] = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  const hex = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));
  const lines = [header];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => hex[b]).join(' ');
    lines.push(`  ${at.toString(16).toUpperCase().padStart(8, '0')}: ${row}  ................\n`);
  }
  return lines.join('');
}
