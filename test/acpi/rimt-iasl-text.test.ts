/**
 * RIMT text is iasl's, line for line, through the CLI (`decode`): for iasl's
 * template, QEMU's RIMTs (test/fixtures/rimt, captured from QEMU 10.1+), the
 * hand-built table of every node type, and a node of a reserved type. The
 * corpus extraction has no RIMT. RIMT's dump is the same in ACPICA 20250404
 * and 20260408, so the test passes with either (RIDMAP_IASL picks another).
 *
 * Documented differences, both where iasl leaves bytes out:
 *  - iasl prints no interrupt wire: its AcpiDmDumpRimt dumps the IOMMU node's
 *    fields and never the wire array (AcpiDmTableInfoRimtIommuWire is
 *    declared and unused); ridmap prints each wire with those labels.
 *  - a node of a reserved type: iasl prints its header alone (the `default`
 *    of that switch); ridmap prints its bytes too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { everyNodeRimt, encodeRimtModel, RIMT_FIXTURE_DIR } from '../fixtures/rimt/tables.js';
import { plain } from './bytes.js';
import { currentIasl, type KnownDifference, iaslTemplate } from './iasl-text.js';
import { expectIaslText } from './iasl-text-corpus.js';

const { iasl, missing } = currentIasl();
if (!iasl) console.warn(`[iasl text, RIMT] skipped: ${missing}`);
const work = mkdtempSync(join(tmpdir(), 'ridmap-rimt-text-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const WIRES_WHY = 'iasl prints no interrupt wire (AcpiDmDumpRimt never dumps the wire array); ridmap does';
const WIRES: KnownDifference[] = [
  { ours: /^\[[0-9A-F]{3}h \d{4} 004h\] +Interrupt Number : [0-9A-F]{8}$/, why: WIRES_WHY },
  { ours: /^\[[0-9A-F]{3}h \d{4} 004h\] +Flags : [0-9A-F]{8}$/, why: WIRES_WHY },
];
const RESERVED_NODE: KnownDifference = {
  ours: /^ {4}[0-9A-F]{8}: ([0-9A-F]{2} )+/,
  why: 'iasl prints only the header of a node of a reserved type; ridmap prints its bytes too',
};

const FIXTURES = ['iasl-template.dat', 'qemu-iommu-pci.dat', 'qemu-iommu-pci-addr3.dat', 'qemu-iommu-sys.dat', 'every-node.dat'];

describe.skipIf(!iasl)('RIMT text is iasl\'s, line for line', () => {
  for (const f of FIXTURES) {
    it(f, async () => {
      const c = await expectIaslText(iasl!, work, basename(f, '.dat'), plain(readFileSync(join(RIMT_FIXTURE_DIR, f))), WIRES);
      // The signature is followed by iasl's 4 spaces and no name: iasl has none for RIMT.
      expect(c.ours).toMatch(/^\[000h 0000 004h\] {19}Signature : "RIMT" {4}$/m);
    });
  }

  it('every-node.dat: the two wires of the first IOMMU are the only lines iasl lacks', async () => {
    const c = await expectIaslText(iasl!, work, 'wires', plain(readFileSync(join(RIMT_FIXTURE_DIR, 'every-node.dat'))), WIRES);
    expect(c.documented.get(WIRES_WHY)).toBe(4);
    expect(c.ours).toMatch(/Interrupt wire array offset : 0028\n\[058h 0088 004h\] {12}Interrupt Number : 00000020\n\[05Ch 0092 004h\] {23}Flags : 00000003\n/);
  });

  it('iasl\'s template (iasl -T RIMT, compiled by iasl)', async () => {
    const aml = iaslTemplate(iasl!, 'RIMT');
    await expectIaslText(iasl!, work, 'template', aml, WIRES);
  });

  it('a node of a reserved type: its header as iasl prints it, then its bytes', async () => {
    const t = everyNodeRimt();
    t.nodes.push({ type: 7, revision: 1, id: 6, raw: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
    const c = await expectIaslText(iasl!, work, 'reserved', encodeRimtModel(t), [...WIRES, RESERVED_NODE]);
    expect(c.documented.get(RESERVED_NODE.why)).toBe(1);
  });
});
