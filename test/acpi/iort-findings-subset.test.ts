/**
 * `decode` asks the IORT's finding function for the codes it shows only
 * (checks/decode-findings.ts); the function then skips the other searches.
 * What it gives for any set of codes must be what the whole search gives
 * with those codes: held here on every invalid-case table (each finding
 * code once at least) and every distinct corpus IORT, code by code.
 */
import { describe, expect, it } from 'vitest';
import { iortFindings } from '../../src/acpi/iort/findings.js';
import { iortTable, type IortTable } from '../../src/acpi/iort/model.js';
import { IortCode } from '../../src/acpi/iort/codes.js';
import { decodeTable } from '../../src/acpi/table.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { invalidIortCases } from '../fixtures/iort/invalid-cases.js';
import { uniqueIorts } from '../fixtures/iort/corpus.js';
import { corpusPresent } from './corpus.js';

const CODES = Object.values(IortCode);
const only = (ds: readonly Diagnostic[], codes: ReadonlySet<string>) => ds.filter((d) => codes.has(d.code));

function expectSubsetsAgree(name: string, t: IortTable): void {
  const all = iortFindings(t);
  for (const code of CODES) {
    const codes = new Set([code]);
    expect(only(iortFindings(t, codes), codes), `${name}: ${code}`).toEqual(only(all, codes));
  }
  // decode's three codes: the same findings, in the same order.
  const decodes = new Set<string>([IortCode.danglingReference, IortCode.selfReference, IortCode.referenceCycle]);
  expect(only(iortFindings(t, decodes), decodes), name).toEqual(only(all, decodes));
}

const model = (bytes: Uint8Array): IortTable => iortTable(decodeTable(bytes).model);

describe('IORT findings for a set of codes', () => {
  for (const c of invalidIortCases) {
    it(c.name, () => expectSubsetsAgree(c.name, model(c.bytes())));
  }

  it('skips the searches whose codes were not asked for (QEMU 6.2-9.0 overlap, asked for references only)', () => {
    const overlap = invalidIortCases.find((c) => c.name === 'iort-id-mapping-overlap')!;
    const t = model(overlap.bytes());
    expect(iortFindings(t).map((d) => d.code)).toContain(IortCode.idMappingOverlap);
    expect(iortFindings(t, new Set([IortCode.danglingReference]))).toEqual([]);
  });

  it.skipIf(!corpusPresent)('every distinct corpus IORT, code by code', () => {
    const iorts = uniqueIorts();
    expect(iorts.length).toBeGreaterThan(40);
    for (const c of iorts) expectSubsetsAgree(c.name, model(c.bytes));
  });
});
