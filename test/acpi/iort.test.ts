/**
 * The IORT codec and resolver on hand-built tables: every node type and
 * revision form, layouts encode would not choose (kept byte for byte),
 * Linux's mapping walk (inclusive ends, the tentative last ID, single
 * mappings, skipped DeviceID mappings, bounded cycles), strict encode and
 * JSON with paths, and the registry row. Bytes go in as Uint8Array and Buffer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIort, encodeIort, iortFromJson, iortToJson, printIortText } from '../../src/acpi/iort/index.js';
import type { IortNode, IortPmcg, IortRmr, IortRootComplex, IortSmmuV3, IortTable } from '../../src/acpi/iort/model.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { IOMMU_NODES, MAX_WALK_STEPS, mapId, mapIdRange, MSI_NODES } from '../../src/acpi/iort/walk.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { encode, everyNodeIort, header, map, qemuOffByOneIort, rootComplex, smallIort, smmuV3 } from '../fixtures/iort/iort-tables.js';
import { expectSameBytes, flavours } from './bytes.js';
import { patch } from './dmar-fixtures.js';

const its = (): IortNode => ({ type: 'ItsGroup', revision: 1, identifier: 0, itsIdentifiers: [0], idMappings: [] });
const table = (revision: number, nodes: IortTable['nodes']): IortTable => ({ ...header(revision), nodes });

/** encode → decode gives the model back, and decode → encode the bytes, for both byte flavours. */
function expectExact(t: IortTable, codes: string[] = []): Uint8Array {
  const bytes = encode(t);
  for (const [flavour, make] of flavours) {
    const d = decodeIort(make(bytes));
    expect(d.diagnostics.filter((x) => x.severity !== 'info').map((x) => x.code), flavour).toEqual(codes);
    expect(d.table, flavour).toEqual(t);
    expectSameBytes(encode(d.table), bytes, flavour);
    const j = iortFromJson(JSON.parse(JSON.stringify(iortToJson(d.table))));
    expect(j.diagnostics).toEqual([]);
    expect(j.table).toEqual(t);
  }
  return bytes;
}

describe('every node type, every revision form', () => {
  it('every node type at its newest revision (table revision 6)', () => {
    expectExact(everyNodeIort());
  });
  it('root complex: 32 bytes (node revision 0), 36 (1-3: address limit), 40 (4: PASID capabilities, Flags), read up to the mappings', () => {
    const rc = (revision: number, extra: Partial<IortRootComplex>): IortRootComplex => {
      const r = rootComplex(0, [map(0, 0xffff, 0, 0)], { revision, ...extra });
      for (const k of ['memoryAddressSizeLimit', 'pasidCapabilities', 'flags'] as const) if (!(k in extra)) delete r[k];
      return r;
    };
    const lengths = [rc(0, {}), rc(1, { memoryAddressSizeLimit: 48, pasidCapabilities: 0 }), rc(4, { memoryAddressSizeLimit: 48, pasidCapabilities: 20, flags: 0 })].map((r) => {
      const bytes = expectExact(table(0, [its(), r]));
      return bytes[72 + 12]!; // Mapping Offset of the root complex
    });
    expect(lengths).toEqual([32, 36, 40]);
  });
  it('SMMUv3: 60 bytes (issues A/B) or 68 (C on: proximity domain, DeviceID mapping index)', () => {
    const old = smmuV3(0x9050000n, [map(0, 0xffff, 0, 0)], { revision: 0 });
    delete old.proximityDomain;
    delete old.deviceIdMappingIndex;
    expect(expectExact(table(0, [its(), old]))[72 + 12]).toBe(60);
    expect(expectExact(table(0, [its(), smmuV3(0x9050000n, [map(0, 0xffff, 0, 0)], { revision: 2 })]))[72 + 12]).toBe(68);
  });
  it('PMCG: 32 bytes (issue C) or 40 (D on: page 1 base)', () => {
    const pmcg = (revision: number, page1?: bigint): IortPmcg => ({
      type: 'Pmcg', revision, identifier: 0, page0BaseAddress: 0x9060000n, overflowInterruptGsiv: 0x20, nodeReference: { node: 0 },
      ...(page1 === undefined ? {} : { page1BaseAddress: page1 }), idMappings: [],
    });
    expectExact(table(0, [smmuV3(0x9050000n, []), pmcg(0)]));
    expectExact(table(0, [smmuV3(0x9050000n, []), pmcg(1, 0x9070000n)]));
    expect(encode(table(0, [smmuV3(0x9050000n, []), pmcg(0)])).length).toBe(48 + 68 + 32);
  });
  it('RMR node revision 0 (issue E, no Flags) in a table of revision 1: decoded, with the unsupported-revision warning', () => {
    const rmr: IortRmr = { type: 'Rmr', revision: 0, identifier: 1, memoryRanges: [{ baseAddress: 0x80000000n, length: 0x10000n }], idMappings: [map(0, 0, 7, 0, 1)] };
    const bytes = encode(table(1, [smmuV3(0x9050000n, []), rmr]));
    const d = decodeIort(bytes);
    expect(d.diagnostics.map((x) => x.code)).toEqual(['iort-unsupported-revision']);
    expect(d.table.nodes[1]).toEqual(rmr);
    expect(bytes.length).toBe(48 + 68 + 24 + 20 + 20);
  });
  it('table revisions 1, 2 and 4 decode with a warning; 0, 3, 5 and 6 without', () => {
    for (const revision of [0, 1, 2, 3, 4, 5, 6]) {
      const codes = decodeIort(encode({ ...smallIort(), revision })).diagnostics.map((x) => x.code);
      expect(codes, `revision ${revision}`).toEqual([1, 2, 4].includes(revision) ? ['iort-unsupported-revision'] : []);
    }
  });
  it('node header bytes 4-7 read "Reserved" in table revision 0 and "Identifier" from revision 3', () => {
    expect(printIortText(encode({ ...smallIort(), revision: 0 }))).toMatch(/\[034h 0052 004h\] +Reserved : 00000000/);
    expect(printIortText(encode(smallIort()))).toMatch(/\[04Ch 0076 004h\] +Identifier : 00000001/);
  });
});

describe('layouts encode would not choose are kept', () => {
  it('RMR descriptors before the mappings, a gap before the mappings, an empty array with an offset, optional padding before the nodes', () => {
    const rmr: IortRmr = {
      type: 'Rmr', revision: 3, identifier: 1, flags: 0, memoryRanges: [{ baseAddress: 0x80000000n, length: 0x10000n }],
      idMappings: [map(0, 0, 7, 0, 1)], layout: { order: ['memoryRanges', 'idMappings'], gaps: { idMappings: Uint8Array.of(0xaa, 0xbb) } },
    };
    const smmu = smmuV3(0x9050000n, [], { layout: { emptyOffsets: { idMappings: 68 } } });
    const t: IortTable = { ...table(5, [smmu, rmr]), padding: new Uint8Array(4), trailing: Uint8Array.of(1, 2, 3) };
    // Bytes after the counted nodes are kept, with a warning: Linux never reads them.
    const bytes = expectExact(t, ['iort-bytes-after-nodes']);
    expect(bytes[40]).toBe(52); // Node Offset after the padding
    expect(printIortText(bytes)).toContain('Optional Padding : 00 00 00 00');
  });
  it('unused room inside a node (HoneyComb\'s 32 mapping slots) stays, as an info', () => {
    const rc = rootComplex(0, [map(0, 0, 0x1800, 0)], { trailing: new Uint8Array(40) });
    const bytes = encode(table(0, [its(), rc]));
    expect(decodeIort(bytes).diagnostics.map((d) => [d.code, d.severity])).toEqual([['iort-node-unused-bytes', 'info']]);
    expectExact(table(0, [its(), rc]));
  });
  it('a reference into the middle of a node is kept as its offset, with an error from the table\'s check, and written back as it was', () => {
    const bytes = patch(encode(smallIort()), [[0xd4, 4, 0x4c]]);
    for (const [, make] of flavours) {
      const d = decodeIort(make(bytes));
      expect(d.diagnostics).toEqual([]);
      expect(resolveIort(d.table).findings.map((x) => x.code)).toEqual(['iort-dangling-reference']);
      expect((d.table.nodes[2] as IortRootComplex).idMappings[0]!.outputReference).toEqual({ offset: 0x4c });
      expectSameBytes(encodeIort(d.table).bytes!, bytes);
    }
  });
  it('a reserved node type is kept raw and resolving skips it', () => {
    const t = table(5, [...smallIort().nodes, { type: 9, revision: 0, raw: new Uint8Array(12).fill(0xee) }]);
    expectExact(t, ['iort-unknown-node-type']);
    expect(resolveIort(t).translations.map((x) => [x.first, x.last, x.iommu])).toEqual([[0, 0xffff, 'smmuv3@0x9050000']]);
  });
});

describe('Linux\'s mapping walk', () => {
  const rcFirst = (maps: ReturnType<typeof map>[], smmuMaps = [map(0, 0xffff, 0, 1)]): IortTable =>
    table(5, [rootComplex(0, maps), its(), smmuV3(0x9050000n, smmuMaps)]);
  const spans = (t: IortTable) => resolveIort(t).translations.map((x) => [x.first, x.last, x.iommu, x.outputBase]);

  it('the upper bound is inclusive: Number of IDs is the count minus one', () => {
    expect(spans(rcFirst([map(0, 0xff, 0x40, 2)]))).toEqual([[0, 0xff, 'smmuv3@0x9050000', 0x40]]);
  });
  it('QEMU\'s off-by-one: the last ID of a range is only tentative, the range starting there takes it', () => {
    const t = decodeIort(encode(qemuOffByOneIort())).table;
    expect(spans(t)).toEqual([[0, 0xff, 'smmuv3@0x9050000', 0]]);
    expect(mapId(t, 2, 0x100, MSI_NODES)).toEqual({ node: 0, id: 0x100 });
    expect(resolveIort(t).findings.map((d) => [d.code, d.path])).toEqual([['iort-id-mapping-overlap', 'IORT/RootComplex[0]/IdMapping[0] and IdMapping[1]']]);
    expect(resolveIort(t).findings[0]!.message).toMatch(/QEMU 6\.2 to 9\.0/);
  });
  it('a tentative match stands when no later range starts at that ID', () => {
    expect(spans(rcFirst([map(0, 0x100, 0, 2)]))).toEqual([[0, 0x100, 'smmuv3@0x9050000', 0]]);
  });
  it('any other overlap: the first match wins, the conflict is reported', () => {
    const t = rcFirst([map(0, 0xff, 0, 2), map(0x80, 0xff, 0x1000, 2)]);
    expect(spans(t)).toEqual([[0, 0xff, 'smmuv3@0x9050000', 0], [0x100, 0x17f, 'smmuv3@0x9050000', 0x1080]]);
    expect(resolveIort(t).findings.map((d) => d.code)).toEqual(['iort-id-mapping-overlap']);
  });
  it('a single mapping on a root complex gives every RID one ID; on an SMMU it is skipped', () => {
    const t = rcFirst([map(0, 0, 0x77, 2, 1)]);
    expect(mapId(t, 0, 5, IOMMU_NODES)).toEqual({ node: 2, id: 0x77 });
    expect(mapId(t, 0, 0x1234, IOMMU_NODES)).toEqual({ node: 2, id: 0x77 });
    const skipped = rcFirst([map(0, 0xffff, 0, 2)], [map(0, 0, 0x8000, 1, 1), map(0, 0xffff, 0, 1)]);
    expect(mapId(skipped, 0, 5, MSI_NODES)).toEqual({ node: 1, id: 5 });
    expect(resolveIort(skipped).findings.map((d) => d.code)).toEqual(['iort-single-mapping-not-allowed']);
  });
  it('an SMMUv3\'s DeviceID mapping is skipped when walking masters\' IDs (revision 1+, not all GSIVs wired; E.e: the flag)', () => {
    const deviceIdFirst = [map(0, 0, 0x8000, 1, 1), map(0, 0xffff, 0x100, 1)];
    const walk = (extra: Partial<IortSmmuV3>) => mapId(table(5, [rootComplex(0, [map(0, 0xffff, 0, 2)]), its(), smmuV3(0x9050000n, deviceIdFirst, extra)]), 0, 5, MSI_NODES);
    expect(walk({ priGsiv: 0 })).toEqual({ node: 1, id: 0x105 });
    // All four GSIVs wired (node revision 4): the index means nothing, mapping 0 is a (forbidden) single mapping, skipped all the same.
    expect(walk({})).toEqual({ node: 1, id: 0x105 });
    expect(walk({ revision: 5, flags: 1 })).toEqual({ node: 1, id: 0x105 });
    expect(walk({ revision: 5, flags: 0x11, priGsiv: 0 })).toEqual({ node: 1, id: 0x105 });
  });
  it('a cycle ends the walk after MAX_WALK_STEPS, and is reported', () => {
    const nc = (to: number): IortNode => ({
      type: 'NamedComponent', revision: 4, identifier: 0, nodeFlags: 0, memoryProperties: { cacheCoherency: 0, allocationHints: 0, memoryAccessFlags: 0 },
      memoryAddressLimit: 64, deviceName: '\\_SB_.DEV' + to, idMappings: [map(0, 0xffff, 0, to)],
    });
    const t = table(5, [nc(1), nc(0)]);
    expect(MAX_WALK_STEPS).toBeGreaterThan(2);
    expect(mapId(t, 0, 1, IOMMU_NODES)).toBeUndefined();
    expect(resolveIort(t).findings.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['iort-reference-cycle']);
  });
  it('walking whole ranges at once gives what walking each ID gives', () => {
    const chained = table(5, [
      rootComplex(0, [map(0, 0x100, 0, 1), map(0x100, 0xfeff, 0x100, 2), map(0x10, 0, 0x9999, 2, 1), map(0x800, 0x7ff, 0, 3)]),
      its(),
      smmuV3(0x9050000n, [map(0, 0xffff, 0, 1)]),
      rootComplex(1, [map(0x100, 0x1ff, 0x40, 2), map(0x2ff, 0x10, 0x5000, 2)]),
    ]);
    for (const t of [chained, qemuOffByOneIort(), smallIort()]) {
      for (const start of [0, 2]) {
        const ranged = new Map<number, string>();
        mapIdRange(t, start, 0, 0xffff, IOMMU_NODES, (from, to, node, id, step) => {
          for (let x = from; x <= to; x++) ranged.set(x, `${node}:${id + step * (x - from)}`);
        });
        for (let x = 0; x <= 0xffff; x++) {
          const r = mapId(t, start, x, IOMMU_NODES);
          if ((r ? `${r.node}:${r.id}` : undefined) !== ranged.get(x)) throw new Error(`start ${start}, ID 0x${x.toString(16)}: ${JSON.stringify(r)} vs ${ranged.get(x)}`);
        }
      }
    }
  });
  it('walking ranges agrees with walking each ID on random chains of root complexes, SMMUs and ITSs', () => {
    // Small ID spaces so mappings overlap, touch, chain and wrap often; any node may point at any other.
    const mapping = (nodes: number) =>
      fc.record({
        inputBase: fc.integer({ min: 0, max: 0x3f }),
        numberOfIds: fc.integer({ min: 0, max: 0x20 }),
        outputBase: fc.oneof(fc.integer({ min: 0, max: 0x3f }), fc.constant(0xfffffff0)),
        ref: fc.integer({ min: 0, max: nodes - 1 }),
        single: fc.boolean(),
      }).map((m) => map(m.inputBase, m.numberOfIds, m.outputBase, m.ref, m.single ? 1 : 0));
    const tableArb = fc.integer({ min: 2, max: 5 }).chain((count) =>
      fc.array(fc.tuple(fc.constantFrom('rc', 'smmu', 'its'), fc.array(mapping(count), { maxLength: 4 })), { minLength: count, maxLength: count }));
    fc.assert(
      fc.property(tableArb, fc.integer({ min: 0, max: 4 }), (spec, startPick) => {
        const t = table(5, spec.map(([kind, maps], i) =>
          kind === 'rc' ? rootComplex(i, maps) : kind === 'smmu' ? smmuV3(0x9000000n + BigInt(i) * 0x20000n, maps) : its()));
        const start = startPick % spec.length;
        for (const targets of [IOMMU_NODES, MSI_NODES]) {
          const ranged = new Map<number, string>();
          mapIdRange(t, start, 0, 0x7f, targets, (from, to, node, id, step) => {
            for (let x = from; x <= to; x++) ranged.set(x, `${node}:${(id + step * (x - from)) >>> 0}`);
          });
          for (let x = 0; x <= 0x7f; x++) {
            const r = mapId(t, start, x, targets);
            expect(ranged.get(x), `ID 0x${x.toString(16)}`).toBe(r ? `${r.node}:${r.id}` : undefined);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
  it('a dangling reference ends the walk: Linux keeps the input ID, the map translates nothing', () => {
    const t = rcFirst([map(0, 0xffff, 0, { offset: 0x4c })]);
    expect(spans(t)).toEqual([]);
    expect(resolveIort(t).findings.map((d) => d.code)).toEqual(['iort-dangling-reference']);
  });
});

describe('strict encode and JSON with paths', () => {
  it('lists every problem of a model and returns no bytes', () => {
    const t = smallIort();
    (t.nodes[1] as IortSmmuV3).idMappings[0]!.outputReference = { node: 7 };
    (t.nodes[2] as IortRootComplex).pasidCapabilities = 1;
    delete (t.nodes[2] as IortRootComplex).memoryAddressSizeLimit;
    t.nodes.push({ type: 'Bogus' } as never);
    const e = encodeIort(t);
    expect(e.bytes).toBeUndefined();
    expect(e.diagnostics.map((d) => [d.code, d.path])).toEqual([
      // PASID capabilities sit after the memory size limit: it must be there too.
      ['encode-missing', 'IORT/RootComplex[0].memoryAddressSizeLimit'],
      ['encode-unknown-variant', 'IORT/Node[0]'],
      ['encode-bad-reference', 'IORT/SmmuV3[0]/IdMapping[0].outputReference'],
    ]);
  });
  it('field values are the codec\'s to check', () => {
    const t = smallIort();
    (t.nodes[1] as IortSmmuV3).eventGsiv = -1;
    expect(encodeIort(t).diagnostics.map((d) => [d.code, d.path])).toEqual([['encode-bad-value', 'IORT/SmmuV3[0].eventGsiv']]);
  });
  it('JSON: references as {"node": i}, 64-bit values as hex strings, problems with JSON paths', () => {
    const j = iortToJson(smallIort()) as { nodes: Record<string, unknown>[] };
    expect(j.nodes[1]).toMatchObject({ type: 'SmmuV3', baseAddress: '0x9050000', idMappings: [{ outputReference: { node: 0 } }] });
    expect(j.nodes[1]).not.toHaveProperty('mappingCount');
    j.nodes[2]!['idMappings'] = [{ inputBase: 0, numberOfIds: 1, outputBase: 0, outputReference: 3, flags: 0 }];
    j.nodes[2]!['colour'] = 'red';
    j.nodes[0]!['type'] = 'Its';
    const r = iortFromJson(j);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['json-unknown-variant', '$.nodes[0].type'],
      ['json-unknown-key', '$.nodes[2].colour'],
      ['json-bad-value', '$.nodes[2].idMappings[0].outputReference'],
    ]);
  });
});

describe('the registry row', () => {
  it('IORT is a modelled table: the generic layer shows node headers and fixed fields, and round-trips', () => {
    for (const [, make] of flavours) {
      const bytes = make(encode(everyNodeIort()));
      const t = decodeTable(bytes);
      expect(t.diagnostics).toEqual([]);
      expect((t.model['nodes'] as unknown[]).length).toBe(8);
      expect(printTableText(t)).toMatch(/Base Address : 0000000009050000/);
    }
  });
});
