/**
 * Every table of the real corpus: DMARs decode without an error, and every
 * table (DMAR or not) comes back byte for byte from decode→encode; DMARs also
 * through JSON. Inputs in every form the corpus has: QEMU binaries, linuxhw
 * acpidump text (all tables of each dump) and linux-surface iasl .dsl files.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/io/decode-input.js';
import { decodeTable } from '../../src/acpi/table.js';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { parseDslRawData } from '../../src/io/iasl-dsl.js';
import { flavours } from './bytes.js';
import { corpusName, corpusPresent, linuxhwDumps, qemuDmars, surfaceDmarDsls } from './corpus.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const tally = { tables: 0, dmars: 0, signatures: new Set<string>() };

afterAll(() => {
  if (tally.tables) {
    console.log(`[corpus] ${tally.tables} tables round-tripped byte for byte (${tally.dmars} DMAR), ${tally.signatures.size} signatures`);
  }
});

function expectCleanDmar(bytes: Uint8Array, name: string): void {
  const t = expectRoundTrip(bytes);
  expect(t.signature).toBe('DMAR');
  expect(t.diagnostics.filter((d) => d.severity === 'error'), name).toEqual([]);
  expectJsonRoundTrip(bytes);
}

describe.skipIf(!corpusPresent)('corpus: QEMU DMAR binaries', () => {
  for (const file of qemuDmars()) {
    for (const [flavour, make] of flavours) {
      it(`${corpusName(file)} (${flavour})`, () => {
        const bytes = make(readFileSync(file));
        expectCleanDmar(bytes, file);
        if (flavour === 'Buffer') {
          tally.tables++;
          tally.dmars++;
        }
        const input = decodeInput(bytes, file);
        expect(input.kind).toBe('acpi-table');
        expect(input.tables[0]!.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      });
    }
  }
});

describe.skipIf(!corpusPresent)('corpus: linuxhw acpidump text, every table', () => {
  const files = linuxhwDumps();
  it('has the 57 machines', () => expect(files).toHaveLength(57));
  for (const file of files) {
    it(corpusName(file), () => {
      const text = readFileSync(file, 'latin1');
      const dump = parseAcpidump(text);
      expect(dump.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(dump.tables.length).toBe(text.match(/^\S{4} @ 0x/gm)!.length);
      for (const [flavour, make] of flavours) {
        for (const d of dump.tables) {
          const bytes = make(d.bytes);
          if (d.signature === 'DMAR') expectCleanDmar(bytes, `${file} ${flavour}`);
          else expectRoundTrip(bytes);
          if (flavour === 'Buffer') {
            tally.tables++;
            if (d.signature === 'DMAR') tally.dmars++;
            tally.signatures.add(d.signature);
          }
        }
        // The same through the input-kind dispatch.
        const input = decodeInput(make(readFileSync(file)), file);
        expect(input.kind).toBe('acpidump');
        expect(input.tables.map((t) => t.signature.trimEnd())).toEqual(dump.tables.map((t) => t.signature));
        const dmar = input.tables.filter((t) => t.signature === 'DMAR');
        expect(dmar).toHaveLength(1);
        expect(dmar[0]!.diagnostics.every((x) => x.file === file)).toBe(true);
      }
    });
  }
});

describe.skipIf(!corpusPresent)('corpus: linux-surface iasl .dsl Raw Table Data', () => {
  const files = surfaceDmarDsls();
  it('has the 21 Surface DMARs', () => expect(files).toHaveLength(21));
  for (const file of files) {
    it(corpusName(file), () => {
      const raw = parseDslRawData(readFileSync(file, 'utf8'));
      expect(raw.diagnostics).toEqual([]);
      for (const [, make] of flavours) expectCleanDmar(make(raw.bytes!), file);
      tally.tables++;
      tally.dmars++;
      const input = decodeInput(readFileSync(file), file);
      expect(input.kind).toBe('dsl');
      expect(input.tables[0]!.signature).toBe('DMAR');
      expect(decodeTable(raw.bytes!).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }
});
