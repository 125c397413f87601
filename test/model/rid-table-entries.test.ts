/**
 * The table entry behind each RID run (for `ridmap which`): a RidTable keeps
 * it as an index per paint and the settled runs as numbers (EntryRuns), and
 * answers a RID's entry by bisection, the later paint winning as it does for
 * the translations themselves.
 */
import { describe, expect, it } from 'vitest';
import { RidTable } from '../../src/model/rid-table.js';

describe('RidTable entries', () => {
  const unit = { path: 'DMAR/DRHD[0]' };
  const scope = { path: 'DMAR/DRHD[1]/DeviceScope[0]', offset: 0x40 };
  const table = new RidTable();
  table.setRange(0, 0, 0xffff, 'vtd@0xfed90000', undefined, 1, unit);
  table.setRange(0, 0x100, 0x1ff, 'vtd@0xfed91000', undefined, 1, scope);
  table.set(0, 0x180, 'vtd@0xfed91000', 0x180, scope);
  table.set(0, 0x1a0, null);
  table.setRange(1, 0, 0xff, 'vtd@0xfed92000');
  const translations = table.translations('DMAR');
  const entries = table.entries();

  it('names the entry whose paint decides each RID, later paints first', () => {
    expect(entries.at(0, 0x000)).toBe(unit);
    expect(entries.at(0, 0x180)).toBe(scope);
    expect(entries.at(0, 0x1ff)).toBe(scope);
    expect(entries.at(0, 0x200)).toBe(unit);
    // Untranslated (painted null), a paint without an entry, and a segment nothing paints: no entry.
    expect(entries.at(0, 0x1a0)).toBeUndefined();
    expect(entries.at(1, 0x10)).toBeUndefined();
    expect(entries.at(2, 0x10)).toBeUndefined();
  });

  it('lists runs in segment and RID order, each with its entry, beside the translations they decide', () => {
    expect(entries.list().map((r) => [r.first, r.last, r.entry.path])).toEqual([
      [0x000, 0x0ff, unit.path],
      [0x100, 0x17f, scope.path],
      [0x180, 0x180, scope.path],
      [0x181, 0x19f, scope.path],
      [0x1a1, 0x1ff, scope.path],
      [0x200, 0xffff, unit.path],
    ]);
    // The translations merge runs that continue each other; the entries keep each paint's run.
    expect(translations.filter((t) => t.segment === 0).map((t) => [t.first, t.last, t.iommu])).toEqual([
      [0x000, 0x0ff, 'vtd@0xfed90000'],
      [0x100, 0x19f, 'vtd@0xfed91000'],
      [0x1a1, 0x1ff, 'vtd@0xfed91000'],
      [0x200, 0xffff, 'vtd@0xfed90000'],
    ]);
  });
});
