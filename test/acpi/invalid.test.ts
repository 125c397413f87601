/**
 * Negative fixtures: each broken table raises its precise code at its
 * offset, decode never throws, and what can be kept round-trips.
 */
import { readFileSync } from 'node:fs';
import { generatedFixtures } from '../support/generated-fixtures.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTable } from '../../src/acpi/table.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { flavours } from './bytes.js';
import { repoRoot } from './corpus.js';
import { fixtureText, invalidCases, parseFixture } from './invalid-fixtures.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const dir = join(repoRoot, 'test/fixtures/acpi-invalid');

describe('negative fixtures (test/fixtures/acpi-invalid)', () => {
  generatedFixtures(dir, '.hex', invalidCases, fixtureText);

  for (const c of invalidCases) {
    const file = join(dir, `${c.name}.hex`);
    for (const [flavour, make] of flavours) {
      it(`${c.name} (${flavour}): ${c.expect.severity} [${c.expect.code}] at 0x${c.expect.offset.toString(16)}`, () => {
        const bytes = make(parseFixture(readFileSync(file, 'utf8')));
        const t = decodeTable(bytes);
        expect(t.diagnostics.map((d) => d.code)).toEqual(c.codes);
        const d = t.diagnostics.find((x) => x.code === c.expect.code)!;
        expect(d.severity).toBe(c.expect.severity);
        expect(d.offset).toBe(c.expect.offset);
        expect(d.path).toMatch(/^DMAR/);
        // Text output never throws either, whatever the model lacks.
        expect(printTableText(t)).toContain('[000h 0000 004h]');
        // What decodes without an error is kept whole: unknown types, non-zero
        // reserved bytes, odd bytes and trailing bytes come back byte for byte.
        if (c.expect.severity !== 'error') {
          expectRoundTrip(bytes);
          expectJsonRoundTrip(bytes);
        }
      });
    }
  }
});
