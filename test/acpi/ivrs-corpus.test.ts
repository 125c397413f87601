/**
 * Every IVRS of the corpus (README §7), through the CLI as a user meets it:
 * `decode` prints it in iasl's field-line form with no error, and the bytes
 * come back exactly from decode→encode and decode→JSON→encode. The type-51h
 * block of the ThinkPad L14 Gen 3 is kept raw with a warning.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTable } from '../../src/acpi/table.js';
import { runCli } from '../support/run-cli.js';
import { corpusIvrses, HAVE_IVRS_CORPUS } from '../fixtures/ivrs/corpus.js';
import { expectSameBytes } from './bytes.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAVE_IVRS_CORPUS)('corpus IVRSes decode through the CLI and round-trip byte for byte', () => {
  const all = corpusIvrses();
  it('has the 12 IVRSes the README lists', () => {
    expect(all).toHaveLength(12);
  });
  all.forEach((c, i) => {
    it(c.name, async () => {
      const file = join(dir, `ivrs${i}.dat`);
      writeFileSync(file, c.bytes);
      const text = await runCli('decode', file);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/\[000h 0000 004h\] +Signature : "IVRS" +\[I\/O Virtualization Reporting Structure\]/);
      expect(text.stdout).toMatch(/Subtable Type : 10 \[Hardware Definition Block \(IVHD\)\]/);
      expect(text.stdout).toMatch(/Subtable Type : 48 \[Device Entry: Special Device\]/);
      // iasl names padding (type 00) an unknown/reserved entry type; every other entry here is one ridmap decodes.
      expect(text.stdout).not.toMatch(/Subtable Type : (?!00)[0-9A-F]{2} \[Unknown\/Reserved Device Entry Type\]|Raw Data/);

      const json = await runCli('decode', file, '--format', 'json');
      expect(json.code, json.stderr).toBe(0);
      const jsonFile = join(dir, `ivrs${i}.json`);
      writeFileSync(jsonFile, json.stdout);
      const out = join(dir, `ivrs${i}.out.dat`);
      const enc = await runCli('encode', jsonFile, '-o', out);
      expect(enc.code, enc.stderr).toBe(0);
      expectSameBytes(readFileSync(out), c.bytes, `${c.name} decode→JSON→encode (CLI)`);

      expectRoundTrip(c.bytes);
      expectJsonRoundTrip(c.bytes);
      const unknown = decodeTable(c.bytes).diagnostics.filter((d) => d.code !== 'bin-unknown-type');
      expect(unknown.filter((d) => d.severity === 'error')).toEqual([]);
    });
  });
  it('the type-51h block (ThinkPad L14 Gen 3) is kept raw, with a warning naming it, and noted in the text as iasl notes it', async () => {
    const c = all.find((x) => x.name.includes('L14 Gen 3'))!;
    const file = join(dir, 'l14.dat');
    writeFileSync(file, c.bytes);
    const run = await runCli('decode', file);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Block type 0x51 is not known; kept as 32 raw bytes/);
    expect(run.stdout).toContain('\n\n**** Unknown IVRS subtable type 0x51\n');
    expect(run.stdout).toMatch(/Subtable Type : 21 \[Memory Definition Block \(IVMD\)\]/);
    const d = decodeTable(c.bytes);
    expect(d.diagnostics.map((x) => [x.code, x.severity, x.path])).toContainEqual(['bin-unknown-type', 'warning', 'IVRS/Block[0]']);
  });
});

describe.skipIf(!HAVE_IVRS_CORPUS)('a damaged IVRS through the CLI', () => {
  it('an F0h entry whose UID Length runs past its IVHD: an error naming the entry and its offset, exit 2, no stack trace', async () => {
    const c = corpusIvrses().find((x) => x.name.includes('Jupiter'))!;
    const bytes = Uint8Array.from(c.bytes);
    // The last F0h entry starts at 0x185; its UID Length (offset 21) says 9, the IVHD ends right after the UID.
    expect(bytes[0x185]).toBe(0xf0);
    bytes[0x185 + 21] = 0x20;
    const file = join(dir, 'jupiter-damaged.dat');
    writeFileSync(file, bytes);
    const run = await runCli('decode', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/IVRS\/IVHD40\[0\]\/AcpiHid\[3\]@0x185: error \[bin-length-overrun\]: AcpiHid length 54 runs 23 byte\(s\) past the end of its parent at 0x1a4/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toContain('Subtable Type : F0 [Device Entry: ACPI HID Named Device]');
  });
});
