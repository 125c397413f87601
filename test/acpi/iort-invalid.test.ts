/**
 * IORT negative fixtures (test/fixtures/iort/*.hex): each broken table
 * raises its precise code — at its offset when decoding finds it, at its
 * structure path when resolving does — decode never throws, text output
 * never throws, and what decodes without an error round-trips.
 */
import { readFileSync } from 'node:fs';
import { generatedFixtures } from '../support/generated-fixtures.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIort, encodeIort, printIortText } from '../../src/acpi/iort/index.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { decodeTable } from '../../src/acpi/table.js';
import { invalidIortCases } from '../fixtures/iort/invalid-cases.js';
import { expectSameBytes, flavours } from './bytes.js';
import { repoRoot } from './corpus.js';
import { fixtureText, parseFixture } from './invalid-fixtures.js';
import { expectedBytes, expectRoundTrip } from './roundtrip.js';

const dir = join(repoRoot, 'test/fixtures/iort');

describe('IORT negative fixtures (test/fixtures/iort)', () => {
  generatedFixtures(dir, '.hex', invalidIortCases, fixtureText);
  it('one fixture per code, named after it', () => {
    expect(new Set(invalidIortCases.map((c) => c.name)).size).toBe(invalidIortCases.length);
    for (const c of invalidIortCases) expect(c.name.startsWith(c.expect.code)).toBe(true);
  });
  for (const c of invalidIortCases) {
    const file = join(dir, `${c.name}.hex`);
    for (const [flavour, make] of flavours) {
      it(`${c.name} (${flavour}): ${c.stage} gives ${c.expect.severity} [${c.expect.code}]`, () => {
        const bytes = make(parseFixture(readFileSync(file, 'utf8')));
        const decoded = decodeIort(bytes);
        expect(printIortText(bytes)).toContain('[000h 0000 004h]');
        if (c.stage === 'decode') {
          expect(decoded.diagnostics.map((d) => d.code)).toEqual(c.codes);
          const d = decoded.diagnostics.find((x) => x.code === c.expect.code)!;
          expect([d.severity, d.offset]).toEqual([c.expect.severity, c.expect.offset]);
          expect(d.path).toMatch(/^IORT/);
        } else {
          expect(decoded.diagnostics).toEqual([]);
          const findings = resolveIort(decoded.table).findings;
          expect(findings.map((d) => d.code)).toEqual(c.codes);
          expect(findings[0]!.severity).toBe(c.expect.severity);
          expect(findings[0]!.path).toMatch(/^IORT\/\w+\[\d+\]/);
        }
        if (!decoded.diagnostics.some((d) => d.severity === 'error')) {
          expectSameBytes(encodeIort(decoded.table).bytes!, expectedBytes(bytes, decodeTable(bytes)), c.name);
          expectRoundTrip(bytes);
        }
      });
    }
  }
});
