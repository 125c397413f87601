/**
 * `decode` asks the VIOT's finding function for the codes it shows only
 * (checks/decode-findings.ts): those are liveEndpoints' (which endpoints
 * count), found without painting the RID planes the map needs. For any set
 * of codes the answer must hold what the whole resolve gives with those
 * codes: on every VIOT case (each finding code of the resolve) and every
 * distinct corpus VIOT.
 */
import { describe, expect, it } from 'vitest';
import { viotFindings, resolveViotModel } from '../../src/acpi/viot/resolve.js';
import { LIVE_ENDPOINT_CODES } from '../../src/acpi/viot/live-endpoints.js';
import { decodeTable } from '../../src/acpi/table.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import type { Model } from '../../src/codec/index.js';
import { viotCases } from '../fixtures/viot/tables.js';
import { corpusTables } from './corpus-tables.js';
import { corpusPresent } from './corpus.js';

const only = (ds: readonly Diagnostic[], codes: ReadonlySet<string>) => ds.filter((d) => codes.has(d.code));

function expectSubsetsAgree(name: string, model: Model): void {
  const all = resolveViotModel(model).findings;
  // Without codes: the map's findings, as check gets them.
  expect(viotFindings(model), name).toEqual(all);
  for (const code of new Set([...LIVE_ENDPOINT_CODES, ...all.map((d) => d.code)])) {
    // With another table's code beside it, as decode asks (its set holds every format's codes).
    const codes = new Set([code, 'iort-dangling-reference']);
    expect(only(viotFindings(model, codes), codes), `${name}: ${code}`).toEqual(only(all, codes));
  }
}

describe('VIOT findings for a set of codes', () => {
  it('every finding the resolve gives starts viot- (what viotFindings tells its own codes by)', () => {
    for (const c of viotCases) for (const d of resolveViotModel(decodeTable(c.bytes()).model).findings) expect(d.code, c.name).toMatch(/^viot-/);
  });

  for (const c of viotCases) {
    it(c.name, () => expectSubsetsAgree(c.name, decodeTable(c.bytes()).model));
  }

  it('asked for liveEndpoints\' codes only, it gives none of the map\'s (the RID planes are not painted)', () => {
    const c = viotCases.find((x) => x.findings.includes('viot-endpoint-convention'))!;
    const model = decodeTable(c.bytes()).model;
    expect(resolveViotModel(model).findings.map((d) => d.code)).toContain('viot-endpoint-convention');
    expect(viotFindings(model, new Set(['viot-output-not-iommu'])).map((d) => d.code)).not.toContain('viot-endpoint-convention');
  });

  it.skipIf(!corpusPresent)('every distinct corpus VIOT, code by code', () => {
    const viots = corpusTables('VIOT');
    expect(viots.length).toBeGreaterThan(0);
    for (const c of viots) expectSubsetsAgree(c.name, decodeTable(c.bytes).model);
  });
});
