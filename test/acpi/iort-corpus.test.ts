/**
 * Every IORT of the corpus (README §1 and §4), fed as Uint8Array and as
 * Buffer: it decodes without an error (the one corrupt file with a clear
 * one, checksum-0 firmware tables with a warning), comes back byte for byte
 * from decode→encode (IORT codec, its JSON, and the generic table layer),
 * and its map says what the README says the table describes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIort, encodeIort, iortFromJson, iortToJson, printIortText } from '../../src/acpi/iort/index.js';
import { isKnownNode, type IortTable } from '../../src/acpi/iort/model.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { decodeInput } from '../../src/io/decode-input.js';
import { decodeTable, encodeTable } from '../../src/acpi/table.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { formatBdf } from '../../src/model/rid.js';
import { CORRUPT, corpusIorts, uniqueIorts, type CorpusIort } from '../fixtures/iort/corpus.js';
import { expectSameBytes, flavours } from './bytes.js';
import { corpusPresent } from './corpus.js';
import { runCli } from '../support/run-cli.js';
import { expectedBytes, expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const tally = { tables: 0, distinct: new Set<string>() };
afterAll(() => {
  if (tally.tables) console.log(`[iort corpus] ${tally.tables} IORTs (${tally.distinct.size} distinct) round-tripped byte for byte through decodeIort/encodeIort, their JSON and the table layer`);
});

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const find = (suffix: string): CorpusIort => corpusIorts().find((c) => c.name.endsWith(suffix))!;

function roundTrip(c: CorpusIort, bytes: Uint8Array): IortTable {
  const generic = expectRoundTrip(bytes);
  expectJsonRoundTrip(bytes);
  const want = expectedBytes(bytes, generic);
  const d = decodeIort(bytes);
  expect(errors(d.diagnostics), c.name).toEqual([]);
  const e = encodeIort(d.table);
  expect(e.diagnostics).toEqual([]);
  expectSameBytes(e.bytes!, want, `${c.name} decodeIort→encodeIort`);
  // What a table resolver gets from the generic layer is the same model.
  expect(generic.model).toEqual(d.table);
  const json = iortFromJson(JSON.parse(JSON.stringify(iortToJson(d.table))));
  expect(json.diagnostics).toEqual([]);
  expectSameBytes(encodeIort(json.table).bytes!, want, `${c.name} decodeIort→JSON→encodeIort`);
  return d.table;
}

describe.skipIf(!corpusPresent)('corpus IORTs decode, and decode→encode is byte-exact', () => {
  const all = corpusIorts();
  it('has every IORT the README lists: 71 raw tables, 10 iasl .dsl, 3 acpidump dumps', () => {
    const by = (form: string) => all.filter((c) => c.form === form).length;
    expect([by('binary'), by('dsl'), by('acpidump')]).toEqual([71, 10, 3]);
  });
  for (const c of all.filter((x) => x.name !== CORRUPT)) {
    for (const [flavour, make] of flavours) {
      it(`${c.name} (${flavour})`, () => {
        const bytes = make(c.bytes);
        roundTrip(c, bytes);
        const checksum0 = bytes[9] === 0 && bytes.reduce((s, b) => (s + b) & 0xff, 0) !== 0;
        const codes = decodeIort(bytes).diagnostics.map((d) => d.code);
        expect(codes.includes('acpi-bad-checksum'), 'checksum 0 gives a warning, not an error').toBe(checksum0);
        if (flavour === 'Buffer') {
          tally.tables++;
          tally.distinct.add(c.sha);
        }
      });
    }
  }
  it('the corrupt Surface Pro 12 file gives a clear error and nothing throws', () => {
    const c = find(CORRUPT);
    for (const [, make] of flavours) {
      const d = decodeIort(make(c.bytes));
      expect(errors(d.diagnostics).map((x) => x.code)).toEqual(['acpi-length-beyond-buffer', 'iort-text-mangled', 'iort-node-offset']);
      expect(d.diagnostics.find((x) => x.code === 'iort-text-mangled')!.message).toMatch(/EF BF BD.*text conversion/);
      expect(d.table.nodes).toEqual([]);
      expect(printIortText(make(c.bytes))).toContain('Signature : "IORT"');
      expect(errors(decodeTable(make(c.bytes)).diagnostics).map((x) => x.code)).toContain('acpi-length-beyond-buffer');
    }
  });
  it('acpidump text and .dsl inputs reach the IORT through the input dispatch', () => {
    for (const c of all.filter((x) => x.form !== 'binary')) {
      const input = decodeInput(readFileSync(c.file), c.file);
      expect(input.kind, c.name).toBe(c.form);
      const iort = input.tables.filter((t) => t.signature === 'IORT');
      expect(iort, c.name).toHaveLength(1);
      expect(errors(iort[0]!.diagnostics), c.name).toEqual([]);
      expectSameBytes(encodeTable(iort[0]!.model).bytes!, c.bytes, c.name);
    }
  });
});

// ---------------------------------------------------------------------------
// What the tables describe (README §1, §4)

type Span = [segment: number, first: number, last: number, iommu: string, outputBase: number];

function spans(t: IortTable): Span[] {
  return resolveIort(t).translations.map((x) => [x.segment, x.first, x.last, x.iommu, x.outputBase]);
}

function nodeCounts(t: IortTable): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of t.nodes) {
    const name = isKnownNode(n) ? n.type : `type ${n.type}`;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

const table = (suffix: string) => decodeIort(find(suffix).bytes).table;
const noProblems = (t: IortTable) => expect(resolveIort(t).findings.filter((d) => d.severity !== 'info')).toEqual([]);

describe.skipIf(!corpusPresent)('corpus IORT maps say what the README says', () => {
  it('QEMU virt: a root complex without mappings translates nothing', () => {
    const t = table('aarch64/virt/IORT');
    expect(t.revision).toBe(5);
    expect(nodeCounts(t)).toEqual({ RootComplex: 1 });
    expect(spans(t)).toEqual([]);
  });
  it('QEMU virt, ITS off (and GICv2m, the same bytes): RIDs 0..0xff → smmuv3@0x9050000', () => {
    expect(find('IORT.msi_gicv2m').sha).toBe(find('IORT.its_off').sha);
    expect(spans(table('IORT.its_off'))).toEqual([[0, 0, 0xff, 'smmuv3@0x9050000', 0]]);
  });
  it('QEMU smmuv3-legacy: RIDs 0..0x1ff and 0x1000..0x10ff → smmuv3@0x9050000', () => {
    const t = table('IORT.smmuv3-legacy');
    expect(spans(t)).toEqual([[0, 0, 0x1ff, 'smmuv3@0x9050000', 0], [0, 0x1000, 0x10ff, 'smmuv3@0x9050000', 0x1000]]);
    noProblems(t);
  });
  it('QEMU smmuv3-dev: two SMMUs, 0xc000000 and 0xc020000, one range each', () => {
    const t = table('IORT.smmuv3-dev');
    expect(nodeCounts(t)).toEqual({ SmmuV3: 2, RootComplex: 1 });
    expect(spans(t)).toEqual([[0, 0, 0x1ff, 'smmuv3@0xc000000', 0], [0, 0x1000, 0x10ff, 'smmuv3@0xc020000', 0x1000]]);
    noProblems(t);
  });
  it('older QEMU (table revisions 0 and 3): the RC maps every RID to the ITS, no SMMU', () => {
    for (const [dir, revision, rcRevision] of [['0a93293eb2ff', 0, 0], ['47432863ff18', 3, 3]] as const) {
      const t = table(`older/${dir}/tests/data/acpi/virt/IORT`);
      expect([t.revision, nodeCounts(t)]).toEqual([revision, { ItsGroup: 1, RootComplex: 1 }]);
      const rc = t.nodes[1]!;
      expect(isKnownNode(rc) && rc.type === 'RootComplex' && [rc.revision, rc.idMappings]).toEqual([rcRevision, [{ inputBase: 0, numberOfIds: 0xffff, outputBase: 0, outputReference: { node: 0 }, flags: 0 }]]);
      expect(spans(t)).toEqual([]);
      noProblems(t);
    }
  });
  it('Ampere Altra: revision 0, 6 ITS groups + 6 SMMUv3 (node revision 2) + 6 RCs (node revision 1), each segment behind its own SMMU', () => {
    const t = table('ampere_ava_1/iort.dat');
    expect(t.revision).toBe(0);
    expect(nodeCounts(t)).toEqual({ ItsGroup: 6, RootComplex: 6, SmmuV3: 6 });
    expect(t.nodes.filter(isKnownNode).map((n) => `${n.type}:${n.revision}`).filter((s) => !s.startsWith('Its'))).toEqual([...Array(6).fill('RootComplex:1'), ...Array(6).fill('SmmuV3:2')]);
    const s = spans(t);
    expect(s.map(([seg, first, last]) => [seg, first, last])).toEqual([0, 2, 4, 5, 12, 13].map((seg) => [seg, 0, 0xffff]));
    expect(new Set(s.map((x) => x[3])).size).toBe(6);
    noProblems(t);
  });
  it('HoneyComb LX2: ITS + SMMUv2 (MMU-500) + 2 RCs + 9 named components, 22 mappings', () => {
    const t = table('honeycomb/honeycomb.acpidump.txt');
    expect(nodeCounts(t)).toEqual({ ItsGroup: 1, Smmu: 1, RootComplex: 2, NamedComponent: 9 });
    expect(t.nodes.filter(isKnownNode).reduce((n, x) => n + x.idMappings.length, 0)).toBe(22);
    expect(spans(t).map(([seg, first, last, iommu, out]) => [seg, formatBdf(first), formatBdf(last), iommu, out])).toEqual([
      [2, '00:00.0', '00:00.0', 'smmuv2@0x5000000', 0x1800],
      [2, '01:00.0', '01:00.0', 'smmuv2@0x5000000', 0x1801],
      [4, '00:00.0', '00:00.0', 'smmuv2@0x5000000', 0x2800],
      [4, '01:00.0', '01:00.1', 'smmuv2@0x5000000', 0x2801],
    ]);
    const mmio = resolveIort(t).mmio;
    expect(mmio).toHaveLength(9);
    expect(mmio.find((m) => m.id === '\\_SB_.USB0')).toMatchObject({ iommu: 'smmuv2@0x5000000', outputIds: [1] });
  });
  it('Morello FVP: 2 ITS groups, SMMUv3, RC revision 1; every RID → smmuv3@0x4f400000', () => {
    const t = table('morello_fvp/IORT.dsl');
    expect(nodeCounts(t)).toEqual({ ItsGroup: 2, RootComplex: 1, SmmuV3: 1 });
    expect(spans(t)).toEqual([[0, 0, 0xffff, 'smmuv3@0x4f400000', 0]]);
  });
  it('CIX Sky1: revision 5, ITS + 2 SMMUv3 + RC + 14 named components (single mappings) + RMR revision 3', () => {
    const t = table('libmuy-orion-o6-drivers/acpi/iort.dat');
    expect(t.revision).toBe(5);
    expect(nodeCounts(t)).toEqual({ ItsGroup: 1, SmmuV3: 2, RootComplex: 1, NamedComponent: 14, Rmr: 1 });
    expect(spans(t)).toEqual([[0, 0, 0xffff, 'smmuv3@0xb010000', 0]]);
    const mmio = resolveIort(t).mmio;
    expect(mmio).toHaveLength(14);
    expect(mmio.every((m) => m.iommu === 'smmuv3@0xb1b0000')).toBe(true);
    expect(mmio[0]).toMatchObject({ id: '\\_SB_.DPU0', outputIds: [0, 1, 3, 4, 5] });
    const rmr = t.nodes.find((n) => isKnownNode(n) && n.type === 'Rmr');
    expect(rmr).toMatchObject({ revision: 3, memoryRanges: [{}] });
    noProblems(t);
  });
  it('Windows-on-Arm laptops: 2 SMMUv1/v2 (an MMU-500 among them) + 12-24 named components + 0-8 RCs; SMMUv3 and ITS come together', () => {
    for (const c of uniqueIorts().filter((x) => x.name.startsWith('real/aarch64-laptops-build/') && x.name !== CORRUPT)) {
      const t = decodeIort(c.bytes).table;
      const n = nodeCounts(t);
      const smmus = t.nodes.filter((x) => isKnownNode(x) && x.type === 'Smmu');
      expect(smmus, c.name).toHaveLength(2);
      expect(smmus.some((x) => isKnownNode(x) && x.type === 'Smmu' && x.model === 3), c.name).toBe(true);
      expect(n['NamedComponent'], c.name).toBeGreaterThanOrEqual(12);
      expect(n['NamedComponent'], c.name).toBeLessThanOrEqual(24);
      expect(n['RootComplex'] ?? 0, c.name).toBeLessThanOrEqual(8);
      expect(n['SmmuV3'] ?? 0, c.name).toBe(n['ItsGroup'] ?? 0);
      // With an SMMUv3, every root complex maps its whole segment to it (X Elite, 8cx Gen 3).
      const map = resolveIort(t);
      if (n['SmmuV3']) expect(map.translations.length, c.name).toBe(n['RootComplex']);
      expect(map.mmio.length, c.name).toBeGreaterThan(0);
      expect(map.mmio.every((m) => /^smmuv[23]@0x[0-9a-f]+$/.test(m.iommu)), c.name).toBe(true);
    }
  });
  it('Qualcomm: 23 tables whose root complexes map only input IDs above 0xffff (0x87000000 and up) warn iort-rc-mapping-unreachable, and nothing else', async () => {
    const hit = corpusIorts().filter((c) => c.name !== CORRUPT).filter((c) => {
      const findings = resolveIort(decodeIort(c.bytes).table).findings.filter((d) => d.severity !== 'info');
      expect(findings.every((d) => d.code === 'iort-rc-mapping-unreachable' && d.severity === 'warning'), c.name).toBe(true);
      return findings.length > 0;
    });
    expect(hit).toHaveLength(23);
    expect(hit.every((c) => /Qualcomm|aarch64-laptops|surface|kodiak/i.test(c.name))).toBe(true);
    const run = await runCli('check', find('lenovo-yoga-c630/acpi/IORT.bin').file);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning \[iort-rc-mapping-unreachable\]: none of its 2 ID mapping\(s\) matches a 16-bit PCI requester ID \(the lowest input base is 0x87030000\)/);
  });
});
