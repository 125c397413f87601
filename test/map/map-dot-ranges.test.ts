/** The picture of a map without a topology: segment, bus, RID ranges, coloured by IOMMU. */
import { describe, expect, it } from 'vitest';
import { formatRangesDot } from '../../src/map/map-dot-ranges.js';
import { rid } from '../../src/model/rid.js';
import type { TranslationMap } from '../../src/model/translation-map.js';

const map: TranslationMap = {
  translations: [
    { segment: 0, first: rid(0, 0x10), last: rid(0, 0x10), iommu: 'vtd@0xfed90000', outputBase: 0x10, source: 'DMAR' },
    { segment: 0, first: rid(1, 0), last: rid(1, 0xff), iommu: 'vtd@0xfed91000', outputBase: 0x100, source: 'DMAR' },
    { segment: 0, first: rid(2, 0), last: rid(0x7f, 0xff), iommu: 'vtd@0xfed90000', outputBase: 0x200, source: 'DMAR' },
  ],
  mmio: [{ id: 'eth', base: 0x9000000n, iommu: 'smmuv3@0x9050000', outputIds: [0x10000], source: 'IORT' }],
  findings: [],
};
const dot = formatRangesDot(map, 'two units');
const line = (start: string) => dot.split('\n').find((l) => l.trimStart().startsWith(start))!;
const fill = (start: string) => /fillcolor="(#[0-9a-f]{6})"/.exec(line(start))![1];

describe('formatRangesDot', () => {
  it('hangs ranges on one bus under that bus, ranges across buses under the segment', () => {
    expect(dot).toContain('"seg:0" -> "bus:0:0";');
    expect(dot).toContain('"bus:0:0" -> "range:0";');
    expect(dot).toContain('"bus:0:1" -> "range:1";');
    expect(dot).toContain('"seg:0" -> "range:2";');
    expect(line('"range:1"')).toContain('label="bus 01\\nvtd@0xfed91000 +0x100\\n(DMAR)"');
    expect(line('"range:2"')).toContain('label="02:00.0-7f:1f.7\\nvtd@0xfed90000 +0x200\\n(DMAR)"');
    expect(line('"mmio:0"')).toContain('label="eth (platform)\\n0x9000000\\nsmmuv3@0x9050000 [0x10000]\\n(IORT)"');
  });

  it('fills each range with its IOMMU\'s legend colour, and has no untranslated swatch', () => {
    expect(fill('"range:0"')).toBe(fill('"iommu:vtd@0xfed90000"'));
    expect(fill('"range:2"')).toBe(fill('"iommu:vtd@0xfed90000"'));
    expect(fill('"range:1"')).toBe(fill('"iommu:vtd@0xfed91000"'));
    expect(fill('"range:1"')).not.toBe(fill('"range:0"'));
    expect(dot).not.toContain('iommu:none');
    expect(dot.split('{').length).toBe(dot.split('}').length);
  });
});
