/**
 * iommu-map / msi-map resolved by runs of IDs (issue 14, item 20): a map of
 * 65,536 rows was tried row by row for each of 65,536 RIDs (`map` 20 s,
 * `check` over 2 minutes). mapIdRange must give exactly what of_map_id gives
 * ID by ID; the CLI must read a 65,536-row map and give the right answer.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapIdRange, ofMapId, type IdMap, type IdMapRow } from '../../src/dt/id-map.js';
import { encodeDtb } from '../../src/dt/index.js';
import { cells, createNode, emptyTree, prop, strings, type DtNode } from '../../src/dt/tree.js';
import { runCli } from '../support/run-cli.js';

const targets: DtNode[] = [createNode('iommu@0'), createNode('iommu@1')];

const rowArb = fc.record({
  idBase: fc.oneof(fc.integer({ min: 0, max: 0x3ff }), fc.constantFrom(0xffffff00, 0xfffffff0)),
  length: fc.oneof(fc.integer({ min: 0, max: 0x200 }), fc.constant(0x200)),
  outBase: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xfffffe00, max: 0xffffffff })),
  target: fc.constantFrom<number | undefined>(0, 1, undefined),
});

const mapArb = fc.record({
  rows: fc.array(rowArb, { maxLength: 12 }),
  mask: fc.oneof(fc.constant(0xffffffff), fc.constantFrom(0x3ff, 0x1ff, 0xff0, 0x7, 0x300), fc.integer({ min: 0, max: 0xffffffff })),
});

function idMap(spec: { rows: { idBase: number; length: number; outBase: number; target: number | undefined }[]; mask: number }): IdMap {
  const rows: IdMapRow[] = spec.rows.map((r, index) => ({
    index, idBase: r.idBase, phandle: r.target ?? 0x99, outBase: r.outBase, length: r.length,
    ...(r.target !== undefined ? { target: targets[r.target]! } : {}),
  }));
  return { name: 'iommu-map', path: '/pcie/iommu-map', byteLength: rows.length * 16, mask: spec.mask >>> 0, rows, unresolved: false };
}

/** Per-ID answers of a list of runs: ID → [target index, output ID]. */
function perId(runs: ReturnType<typeof mapIdRange>): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const run of runs) for (let id = run.first; id <= run.last; id++) out.set(id, [targets.indexOf(run.target), (run.id + (id - run.first)) >>> 0]);
  return out;
}

describe('mapIdRange is of_map_id over a range', () => {
  it('gives, for every ID of a range, what ofMapId gives for that ID (random maps, masks and ranges)', () => {
    fc.assert(
      fc.property(mapArb, fc.integer({ min: 0, max: 0x3ff }), fc.integer({ min: 0, max: 0x3ff }), (spec, a, b) => {
        const map = idMap(spec);
        const [first, last] = a <= b ? [a, b] : [b, a];
        const expected = new Map<number, [number, number]>();
        for (let id = first; id <= last; id++) {
          const found = ofMapId(map, id);
          if (found.kind === 'mapped') expected.set(id, [targets.indexOf(found.target), found.id]);
        }
        const runs = mapIdRange(map, first, last);
        expect(perId(runs)).toEqual(expected);
        // Runs are in order, disjoint, inside the range.
        runs.forEach((r, i) => {
          expect(r.first).toBeGreaterThanOrEqual(i === 0 ? first : runs[i - 1]!.last + 1);
          expect(r.last).toBeLessThanOrEqual(last);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a 65,536-row map through the CLI', () => {
  it('map and check read it and give the answer each row gives (every RID to its own StreamID)', async () => {
    // Built as a tree and written as a DTB: 2 MB of DTS text would cost the test its time in parsing.
    const tree = emptyTree();
    tree.root.properties.push(prop('#address-cells', cells(2)), prop('#size-cells', cells(2)));
    const smmu = createNode('iommu@9050000', ['smmu']);
    smmu.properties.push(prop('compatible', ...strings('arm,smmu-v3')), prop('reg', cells(0, 0x9050000, 0, 0x20000)), prop('#iommu-cells', cells(1)));
    const host = createNode('pcie@4010000000');
    // Rows in reverse RID order, so that a row-by-row lookup walks most of the map for most RIDs.
    const rows = Array.from({ length: 0x10000 }, (_, k) => cells(0xffff - k, { kind: 'label', label: 'smmu' }, 0xffff - k, 1));
    host.properties.push(
      prop('compatible', ...strings('pci-host-ecam-generic')),
      prop('device_type', ...strings('pci')),
      prop('#address-cells', cells(3)),
      prop('#size-cells', cells(2)),
      prop('bus-range', cells(0, 0xff)),
      prop('reg', cells(0x40, 0x10000000, 0, 0x10000000)),
      prop('ranges', cells(0x3000000, 0x80, 0, 0x80, 0, 0x10, 0)),
      prop('iommu-map', ...rows),
      prop('msi-map', ...rows),
    );
    tree.root.children.push(smmu, host);
    const file = join(mkdtempSync(join(tmpdir(), 'ridmap-rows-')), 'rows.dtb');
    writeFileSync(file, encodeDtb(tree));

    const map = await runCli('map', file, '--format', 'json');
    expect(map.stderr).toBe('');
    expect(JSON.parse(map.stdout).translations).toEqual([{ segment: 0, first: '00:00.0', last: 'ff:1f.7', iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'DT' }]);
    const check = await runCli('check', file, '--format', 'json');
    expect(JSON.parse(check.stdout).findings.filter((d: { severity: string }) => d.severity !== 'info')).toEqual([]);
    expect(check.code).toBe(0);
  });
});
