/**
 * Broken and unusual VIOTs (test/fixtures/viot/*.hex): each raises its
 * precise code at its offset, in decode or in resolve, nothing throws, and
 * the model gives the bytes back exactly, whatever is wrong with them.
 */
import { readFileSync } from 'node:fs';
import { generatedFixtures } from '../support/generated-fixtures.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { decodeViot } from '../../src/acpi/viot/codec.js';
import { encodeViot } from '../../src/acpi/viot/codec.js';
import { resolveViot, resolveViotModel } from '../../src/acpi/viot/resolve.js';
import { viotCases } from '../fixtures/viot/tables.js';
import { expectSameBytes, flavours, plain } from './bytes.js';
import { repoRoot } from './corpus.js';
import { fixtureText, parseFixture } from './invalid-fixtures.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const dir = join(repoRoot, 'test/fixtures/viot');

describe('VIOT negative fixtures (test/fixtures/viot)', () => {
  generatedFixtures(dir, '.hex', viotCases, fixtureText);

  for (const c of viotCases) {
    const file = join(dir, `${c.name}.hex`);
    for (const [flavour, make] of flavours) {
      it(`${c.name} (${flavour}): ${c.expect.severity} [${c.expect.code}]`, () => {
        const bytes = make(parseFixture(readFileSync(file, 'utf8')));
        const { table, diagnostics } = decodeViot(bytes);
        expect(diagnostics.map((d) => d.code)).toEqual(c.codes);
        const map = resolveViot(table);
        expect(map.findings.map((d) => d.code)).toEqual(c.findings);
        const d = [...diagnostics, ...map.findings].find((x) => x.code === c.expect.code)!;
        expect(d.severity).toBe(c.expect.severity);
        if (d.offset !== undefined) expect(d.offset).toBe(c.expect.offset);
        expect(d.path).toMatch(/^VIOT/);

        // Encode takes whatever decode made (dangling references, raw nodes and kept bytes included);
        // where decode found no error, the bytes come back whole, through the model and through JSON.
        const back = encodeViot(table);
        expect(back.diagnostics).toEqual([]);
        expect(printTableText(decodeTable(bytes))).toContain('Node count');
        if (!diagnostics.some((x) => x.severity === 'error')) {
          expectSameBytes(back.bytes!, plain(bytes), `${c.name} decodeViot→encodeViot`);
          expectRoundTrip(bytes);
          expectJsonRoundTrip(bytes);
        }
      });
    }
  }
});
