/**
 * Hand-built VIOTs resolved the way Linux reads them: overlapping ranges
 * (the later node wins), ranges over two segments (the segment offset in the
 * endpoint ID), MMIO endpoints, u32 wrap-around, symbolic references and the
 * layout pass, and encode refusing models it cannot write. Every table goes
 * through bytes (both flavours) before it is resolved.
 */
import { describe, expect, it } from 'vitest';
import { plainModel } from '../hostile/arbitrary.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { decodeViot } from '../../src/acpi/viot/codec.js';
import { encodeViot } from '../../src/acpi/viot/codec.js';
import type { ViotNode, ViotTable } from '../../src/acpi/viot/model.js';
import { endpointConvention } from '../../src/acpi/viot/range-findings.js';
import { resolveViot } from '../../src/acpi/viot/resolve.js';
import { encodeViotModel, pciRange, viotHeader, viotWith } from '../fixtures/viot/tables.js';
import { flavours } from './bytes.js';

const IOMMU = 'virtio-iommu-pci@0000:00:01.0';
const t = (segment: number, first: number, last: number, outputBase: number, iommu = IOMMU) =>
  ({ segment, first, last, iommu, outputBase, source: 'VIOT' });

/** Encode, decode back from each flavour of bytes, check the model survived, resolve. */
function throughBytes(table: ViotTable, check: (decoded: ViotTable, flavour: string) => void): void {
  const bytes = encodeViotModel(table);
  for (const [flavour, make] of flavours) {
    const { table: decoded, diagnostics } = decodeViot(make(bytes));
    expect(diagnostics, flavour).toEqual([]);
    expect(plainModel(decoded), flavour).toEqual(table);
    check(decoded, flavour);
  }
}

const codes = (table: ViotTable) => resolveViot(table).findings.map((f) => f.code);

describe('VIOT PCI ranges, as Linux reads them', () => {
  it('overlapping ranges: the later node wins where they overlap', () => {
    const table = viotWith([pciRange(0x0100, 0x01ff, 0), pciRange(0x0180, 0x02ff, 0x9000)]);
    throughBytes(table, (decoded) => {
      const map = resolveViot(decoded);
      expect(map.translations).toEqual([t(0, 0x0100, 0x017f, 0), t(0, 0x0180, 0x02ff, 0x9000)]);
      expect(map.findings).toMatchObject([
        { severity: 'warning', code: 'viot-range-overlap', path: 'VIOT/PciRange[1]',
          message: 'overlaps VIOT/PciRange[0] on segment 0, BDFs 01:10.0–01:1f.7: Linux uses this later node for those RIDs' },
        { severity: 'info', code: 'viot-endpoint-convention', message: expect.stringContaining('no single convention') },
      ]);
    });
    // The other order: now the first range's IDs win on the overlap.
    const swapped = viotWith([pciRange(0x0180, 0x02ff, 0x9000), pciRange(0x0100, 0x01ff, 0)]);
    expect(resolveViot(swapped).translations).toEqual([t(0, 0x0100, 0x01ff, 0), t(0, 0x0200, 0x02ff, 0x9080)]);
  });

  it('a range over two segments puts (segment − PCI Segment start) << 16 into the endpoint ID', () => {
    const table = viotWith([pciRange(0x0100, 0x01ff, 0x20, 0, [1, 2])]);
    throughBytes(table, (decoded) => {
      const map = resolveViot(decoded);
      expect(map.translations).toEqual([t(1, 0x0100, 0x01ff, 0x20), t(2, 0x0100, 0x01ff, 0x10020)]);
      // The IOMMU sits in segment 0, outside the range: nothing to leave out.
      expect(map.findings.map((f) => f.code)).toEqual(['viot-endpoint-convention']);
      expect(map.findings[0]!.message).toContain('offset (endpoint ID = RID − 0xe0)');
    });
  });

  it('the endpoint ID wraps at 2^32 as Linux\'s u32 arithmetic does', () => {
    const map = resolveViot(viotWith([pciRange(0x1000, 0x10ff, 0xffffff80)]));
    expect(map.translations).toEqual([t(0, 0x1000, 0x107f, 0xffffff80), t(0, 0x1080, 0x10ff, 0)]);
  });

  it('a range over every segment maps the first 16 without a topology, and says so', () => {
    const map = resolveViot(viotWith([pciRange(0, 0xffff, 0, 0, [0, 0xffff])]));
    expect(new Set(map.translations.map((x) => x.segment)).size).toBe(16);
    expect(map.findings.map((f) => f.code)).toContain('viot-range-segments');
    // The map is partial, and says so once (map-partial on stderr, in the text and the JSON).
    expect(map.gaps?.map((g) => g.missing)).toEqual(['1 VIOT range cut to 16 segments']);
  });

  it('an empty range matches nothing', () => {
    const table = viotWith([pciRange(0x0200, 0x01ff, 0)]);
    expect(resolveViot(table).translations).toEqual([]);
    expect(codes(table)).toEqual(['viot-range-empty', 'viot-endpoint-convention']);
  });

  it('classifies each range\'s endpoint-ID convention', () => {
    expect(endpointConvention(pciRange(0x1000, 0x10ff, 0x1000))).toBe('identity');
    expect(endpointConvention(pciRange(0x0000, 0x00ff, 0))).toBe('identity');
    expect(endpointConvention(pciRange(0x1000, 0x10ff, 0))).toBe('zero-based');
    expect(endpointConvention(pciRange(0x1000, 0x10ff, 0x40))).toBe('offset');
    expect(resolveViot(viotWith([pciRange(0x1000, 0x10ff, 0), pciRange(0x3000, 0x30ff, 0)])).findings).toMatchObject([
      { code: 'viot-endpoint-convention', message: 'endpoint IDs: zero-based (the first BDF is endpoint 0) in all 2 PCI ranges' },
    ]);
  });
});

describe('VIOT MMIO nodes', () => {
  const mmioTable = (): ViotTable => ({
    ...viotHeader('MMIO'),
    nodes: [
      { type: 'VirtioIommuMmio', baseAddress: 0x0a003e00n },
      { type: 'MmioEndpoint', endpoint: 5, baseAddress: 0x0a000000n, outputNode: { node: 0 } },
      { type: 'MmioEndpoint', endpoint: 6, baseAddress: 0x0a000200n, outputNode: { node: 0 } },
      { type: 'MmioEndpoint', endpoint: 7, baseAddress: 0x0a000000n, outputNode: { node: 0 } },
    ],
  });

  it('map by base; of two nodes with one base the later one wins', () => {
    throughBytes(mmioTable(), (decoded) => {
      const map = resolveViot(decoded);
      expect(map.translations).toEqual([]);
      const iommu = 'virtio-iommu-mmio@0xa003e00';
      expect(map.mmio).toEqual([
        { base: 0x0a000000n, iommu, outputIds: [7], source: 'VIOT' },
        { base: 0x0a000200n, iommu, outputIds: [6], source: 'VIOT' },
      ]);
      expect(map.findings).toMatchObject([{ severity: 'warning', code: 'viot-mmio-duplicate', path: 'VIOT/MmioEndpoint[2]' }]);
    });
  });

  it('print with ACPICA\'s labels', () => {
    const text = printTableText(decodeTable(encodeViotModel(mmioTable())));
    expect(text).toContain('[030h 0048 001h]                        Type : 04 [VirtIO-MMIO IOMMU]');
    expect(text).toContain('[038h 0056 008h]                Base address : 000000000A003E00');
    expect(text).toContain('[040h 0064 001h]                        Type : 02 [MMIO Endpoint]');
    expect(text).toContain('[044h 0068 004h]                    Endpoint : 00000005');
    expect(text).toContain('[050h 0080 002h]                 Output node : 0030');
  });
});

describe('VIOT layout pass and encode', () => {
  it('references are node positions; offsets follow from padding and node lengths', () => {
    const table: ViotTable = {
      ...viotHeader('LAYOUT'),
      padding: new Uint8Array(8),
      nodes: [
        pciRange(0x0000, 0x00ff, 0, 2),
        { type: 7, raw: Uint8Array.from([1, 2, 3, 4]) },
        { type: 'VirtioIommuPci', segment: 0, bdf: 0x08 },
      ],
    };
    const bytes = encodeViotModel(table);
    // Node offset 0x38; range 24 bytes, reserved-type node 8 bytes: the IOMMU is at 0x58.
    expect(Array.from(bytes.subarray(0x24, 0x28))).toEqual([3, 0, 0x38, 0]);
    expect(Array.from(bytes.subarray(0x38 + 16, 0x38 + 18))).toEqual([0x58, 0]);
    expect(bytes[0x58]).toBe(3);
    const back = decodeViot(bytes);
    expect(plainModel(back.table)).toEqual(table);
    expect(back.diagnostics.map((d) => d.code)).toEqual(['bin-unknown-type']);
  });

  it('refuses what it cannot write, listing every problem', () => {
    const nodes = [
      { type: 'VirtioIommuPci', segment: 0, bdf: 0x08 },
      { ...pciRange(0, 0xff, 0), outputNode: { node: 5 } },
      { type: 'Bogus' },
      { ...pciRange(0, 0xff, 0), bdfEnd: 0x10000 },
    ] as unknown as ViotNode[];
    const e = encodeViot({ ...viotHeader(), nodes });
    expect(e.bytes).toBeUndefined();
    expect(e.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['encode-unknown-variant', 'VIOT/Node[0]'],
      ['encode-bad-value', 'VIOT/PciRange[1].bdfEnd'],
      ['encode-bad-reference', 'VIOT/PciRange[0].outputNode'],
    ]);
  });
});
