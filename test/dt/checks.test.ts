/**
 * The named DT checks: each id has a negative fixture,
 * test/fixtures/checks/<id>.dts, or <id>.dtb for what DTS cannot spell (beside every other check's fixture), that raises exactly that check (and parses
 * cleanly, so the check is what finds the problem); the fixtures and the
 * check table name the same ids. The findings carry the property path.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, inFile } from '../../src/diagnostic.js';
import { checkDt, decodeDtb, DT_CHECKS, encodeDtb, parseDts, resolveDt } from '../../src/dt/index.js';
import { layoutTree } from '../../src/dt/layout.js';
import { encodeDtb as encodeLaidOut } from '../../src/dt/dtb-write.js';
import { REPO_ROOT } from '../support/paths.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/checks');
const fixtureIds = readdirSync(FIXTURES)
  .filter((f) => /^dt-.*\.dt[sb]$/.test(f))
  .map((f) => f.replace(/\.dt[sb]$/, ''))
  .sort();

const parseFixture = async (id: string) =>
  existsSync(join(FIXTURES, `${id}.dtb`))
    ? decodeDtb(readFileSync(join(FIXTURES, `${id}.dtb`)), `${id}.dtb`)
    : parseDts(readFileSync(join(FIXTURES, `${id}.dts`), 'utf8'), `${id}.dts`);

describe('DT checks', () => {
  it('every check has a negative fixture and every fixture names a check', () => {
    expect(fixtureIds).toEqual(DT_CHECKS.map((c) => c.id).sort());
  });

  it('check ids are kebab-case and unique', () => {
    const ids = DT_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^dt-[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const check of DT_CHECKS) {
    it(`${check.id}: its fixture raises exactly it`, async () => {
      const { tree, diagnostics } = await parseFixture(check.id);
      expect(diagnostics).toEqual([]);
      const found = checkDt(tree);
      expect(found.length).toBeGreaterThan(0);
      expect([...new Set(found.map((d) => d.code))]).toEqual([check.id]);
      expect(found.every((d) => d.severity === check.severity && d.path?.startsWith('/'))).toBe(true);
    });
  }

  it('findings print in the house form, naming the property', async () => {
    const { tree } = await parseFixture('dt-iommu-map-overlap');
    expect(inFile('board.dts', checkDt(tree)).map(formatDiagnostic)).toEqual([
      'board.dts:/pcie@4010000000/iommu-map: warning [dt-iommu-map-overlap]: rows 0 and 1 both cover IDs 0x80-0xff; the first match wins, so row 1 is never used for them',
    ]);
  });

  it('a DTB with the same problem raises the same check (phandles numeric, no labels)', async () => {
    for (const id of ['dt-iommu-map-overlap', 'dt-iommu-map-zero-length', 'dt-iommu-map-mask-ignores-base', 'dt-iommu-map-row-width', 'dt-msi-map-coverage', 'dt-bad-length']) {
      const { tree } = await parseFixture(id);
      expect([...new Set(checkDt(decodeDtb(encodeDtb(tree)).tree).map((d) => d.code))], id).toEqual([id]);
    }
  });

  it('what the checks find changes the map the way Linux behaves', async () => {
    // A rejected map translates nothing; a row after a mask error is never reached.
    const bad = await parseFixture('dt-bad-length');
    expect(resolveDt(bad.tree).translations).toEqual([]);
    const masked = await parseFixture('dt-iommu-map-mask-ignores-base');
    const map = resolveDt(masked.tree);
    expect(map.findings.map((f) => f.code)).toEqual(['dt-iommu-map-mask-ignores-base']);
    // Bus 0's RIDs mask to 0 and hit row 0 (all to StreamID 0); the rest meet row 1 and fail (-EFAULT): untranslated.
    expect(map.translations.map((t) => [t.first, t.last, t.outputBase])).toEqual(Array.from({ length: 0x100 }, (_, r) => [r, r, 0]));
  });

  it('a tree with dangling references is refused by the encoder too (a tree built by a program, not read), with every problem listed', async () => {
    const { tree, diagnostics } = await parseDts('/dts-v1/;\n/ { a { x = <&nosuch>; y = <&{/nowhere}>; }; };\n', 'x.dts');
    expect(diagnostics.map((d) => [d.code, d.path, d.line, d.column])).toEqual([
      ['dts-dangling-reference', '/a/x', 2, 14],
      ['dts-dangling-reference', '/a/y', 2, 29],
    ]);
    expect(() => encodeLaidOut(layoutTree(tree))).toThrow(/dt-dangling-phandle.*&nosuch[^]*&\{\/nowhere\}/);
  });
});
