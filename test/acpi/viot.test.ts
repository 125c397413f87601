/**
 * QEMU's VIOTs from the corpus: they decode without a problem in both forms
 * (the registry's wire form and the model), come back byte for byte, print in
 * iasl's field-line form, and map as the corpus README says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainModel } from '../hostile/arbitrary.js';
import { decodeInput } from '../../src/io/decode-input.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { decodeViot } from '../../src/acpi/viot/codec.js';
import { encodeViot } from '../../src/acpi/viot/codec.js';
import { resolveViot } from '../../src/acpi/viot/resolve.js';
import { flavours, plain } from './bytes.js';
import { corpusPresent, corpusRoot } from './corpus.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const Q35 = 'qemu-expected/tests/data/acpi/x86/q35/VIOT.viot';
const VIRT = 'qemu-expected/tests/data/acpi/aarch64/virt/VIOT';
const OLDER_Q35 = 'qemu-expected/older/cf7a348837f4/tests/data/acpi/q35/VIOT.viot';
const FILES = [Q35, VIRT, OLDER_Q35];

const read = (name: string): Uint8Array => readFileSync(join(corpusRoot, name));
const translation = (first: number, last: number, iommu: string, outputBase = first) =>
  ({ segment: 0, first, last, iommu, outputBase, source: 'VIOT' });

describe.skipIf(!corpusPresent)('corpus: QEMU VIOT binaries', () => {
  it('are all there', () => {
    for (const f of FILES) expect(existsSync(join(corpusRoot, f)), f).toBe(true);
  });

  for (const file of FILES) {
    for (const [flavour, make] of flavours) {
      it(`${file} (${flavour}): decodes cleanly and round-trips in both forms`, () => {
        const bytes = make(read(file));
        const wire = expectRoundTrip(bytes);
        expect(wire.signature).toBe('VIOT');
        expect(wire.diagnostics).toEqual([]);
        expectJsonRoundTrip(bytes);
        expect(decodeInput(bytes, file).tables[0]!.diagnostics).toEqual([]);

        const { table, diagnostics } = decodeViot(bytes);
        expect(diagnostics).toEqual([]);
        expect(table.revision).toBe(0);
        expect(plain(encodeViot(table).bytes!)).toEqual(plain(bytes));
      });
    }
  }

  it('q35: BDFs 0x1000–0x10ff and 0x3000–0x30ff go to the IOMMU at 00:02.0, endpoint ID = RID', () => {
    const { table } = decodeViot(read(Q35));
    expect(plainModel(table.nodes)).toEqual([
      { type: 'VirtioIommuPci', segment: 0, bdf: 0x10 },
      { type: 'PciRange', endpointStart: 0x1000, segmentStart: 0, segmentEnd: 0, bdfStart: 0x1000, bdfEnd: 0x10ff, outputNode: { node: 0 } },
      { type: 'PciRange', endpointStart: 0x3000, segmentStart: 0, segmentEnd: 0, bdfStart: 0x3000, bdfEnd: 0x30ff, outputNode: { node: 0 } },
    ]);
    const map = resolveViot(table);
    const iommu = 'virtio-iommu-pci@0000:00:02.0';
    expect(map.translations).toEqual([translation(0x1000, 0x10ff, iommu), translation(0x3000, 0x30ff, iommu)]);
    expect(map.mmio).toEqual([]);
    expect(map.findings).toMatchObject([
      { severity: 'info', code: 'viot-endpoint-convention', message: expect.stringContaining('identity') },
    ]);
  });

  it('aarch64 virt: BDFs 0x0000–0x00ff go to the IOMMU at 00:01.0, all but the IOMMU itself', () => {
    const map = resolveViot(decodeViot(read(VIRT)).table);
    const iommu = 'virtio-iommu-pci@0000:00:01.0';
    expect(map.translations).toEqual([translation(0x00, 0x07, iommu), translation(0x09, 0xff, iommu)]);
    expect(map.findings.map((f) => f.code)).toEqual(['viot-iommu-self', 'viot-endpoint-convention']);
  });

  it('the older q35 file lists the ranges the other way round and gives the same map', () => {
    const older = decodeViot(read(OLDER_Q35)).table;
    const current = decodeViot(read(Q35)).table;
    expect(older.nodes).toEqual([current.nodes[0], current.nodes[2], current.nodes[1]]);
    const { entries: olderEntries, ...olderMap } = resolveViot(older);
    const { entries: currentEntries, ...currentMap } = resolveViot(current);
    expect(olderMap).toEqual(currentMap);
    // Each RID run is decided by the PCI range that covers it: the same range, under each file's own index.
    const swapped = { 'VIOT/PciRange[0]': 'VIOT/PciRange[1]', 'VIOT/PciRange[1]': 'VIOT/PciRange[0]' } as Record<string, string>;
    expect(olderEntries?.list().map((e) => ({ ...e, entry: { ...e.entry, path: swapped[e.entry.path] ?? e.entry.path } }))).toEqual(currentEntries?.list());
  });

  it('prints in iasl field-line form, with ACPICA\'s labels', () => {
    const text = printTableText(decodeTable(read(Q35)));
    for (const line of [
      '[000h 0000 004h]                   Signature : "VIOT"    [Virtual I/O Translation Table]',
      '[024h 0036 002h]                  Node count : 0003',
      '[026h 0038 002h]                 Node offset : 0030',
      '[028h 0040 008h]                    Reserved : 0000000000000000',
      '[030h 0048 001h]                        Type : 03 [VirtIO-PCI IOMMU]',
      '[032h 0050 002h]                      Length : 0010',
      '[036h 0054 002h]              PCI BDF number : 0010',
      '[040h 0064 001h]                        Type : 01 [PCI Range]',
      '[044h 0068 004h]              Endpoint start : 00001000',
      '[048h 0072 002h]           PCI Segment start : 0000',
      '[04Ah 0074 002h]             PCI Segment end : 0000',
      '[04Ch 0076 002h]               PCI BDF start : 1000',
      '[04Eh 0078 002h]                 PCI BDF end : 10FF',
      '[050h 0080 002h]                 Output node : 0030',
      '[052h 0082 006h]                    Reserved : 000000000000',
    ]) {
      expect(text).toContain(line);
    }
  });
});
