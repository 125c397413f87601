/**
 * VIOT text, whole, against the pinned current iasl (issue 20): `ridmap
 * decode` prints what `iasl -d` prints, line for line, apart from the header
 * comment's own-name lines, for QEMU's VIOTs in the corpus and for hand-built
 * tables holding every node type, a node of a reserved type, a non-zero
 * reserved byte and nodes beyond Node count.
 *
 * iasl 20250404 (the reference root's) and 20260408 print VIOT alike: their
 * VIOT dump code and info tables (dmtbdump3.c AcpiDmDumpViot, dmtbinfo3.c)
 * are the same. Skips, saying why, without the iasl or the corpus.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ViotTable } from '../../src/acpi/viot/model.js';
import { encodeViotModel, pciRange, viotCases, viotHeader, viotWith } from '../fixtures/viot/tables.js';
import { runCli } from '../support/run-cli.js';
import { expectIaslText as expectCliIaslText } from './iasl-text-corpus.js';
import { corpusPresent, corpusRoot } from './corpus.js';
import { currentIasl, iaslTemplate, type KnownDifference } from './iasl-text.js';

const { iasl, missing } = currentIasl();
if (!iasl) console.warn(`[VIOT iasl text] skipped: ${missing}`);
if (!corpusPresent) console.warn('[VIOT iasl text] corpus tables skipped: no corpus');

const dir = mkdtempSync(join(tmpdir(), 'ridmap-viot-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** iasl's text and ours (through the CLI) of one table; no difference but the known ones. */
async function expectIaslText(name: string, bytes: Uint8Array, known: readonly KnownDifference[] = []): Promise<Map<string, number>> {
  const c = await expectCliIaslText(iasl!, dir, name, bytes, known, { anyExit: true });
  expect(c.lines).toBeGreaterThan(20);
  return c.documented;
}

const CORPUS = [
  'qemu-expected/tests/data/acpi/x86/q35/VIOT.viot',
  'qemu-expected/tests/data/acpi/aarch64/virt/VIOT',
  'qemu-expected/older/cf7a348837f4/tests/data/acpi/q35/VIOT.viot',
];

/** Every node type: both IOMMU kinds, a PCI range and an MMIO endpoint behind each. */
function everyNodeType(): ViotTable {
  return {
    ...viotHeader('ALLNODES'),
    nodes: [
      { type: 'VirtioIommuPci', segment: 1, bdf: 0x0208 },
      { type: 'VirtioIommuMmio', baseAddress: 0x0a003e00n },
      pciRange(0x0000, 0x01ff, 0x10, 0, [0, 1]),
      { type: 'MmioEndpoint', endpoint: 5, baseAddress: 0x0a000000n, outputNode: { node: 1 } },
    ],
  };
}

/** iasl walks nodes from Node offset to the table's end; Linux (and ridmap) reads Node count of them. */
const BEYOND_NODE_COUNT: KnownDifference[] = [
  {
    // The bytes as iasl dumps a raw buffer: 16 to a line, their ASCII in a comment, continued lines opening with /* offset count */.
    ours: /^\[040h 0064 018h\] +Trailing Bytes : [0-9A-F]{2}( [0-9A-F]{2})* +\/\* .* \*\/\\$|^\/\* [0-9A-F]{3}h \d{4} +\d+ \*\/ +[0-9A-F]{2}( [0-9A-F]{2})* +\/\* .* \*\/\\?$/,
    why: 'iasl ignores Node count (dmtbdump3.c AcpiDmDumpViot walks from Node offset to the table end); ridmap reads Node count nodes as Linux does and prints the bytes after them as such',
  },
  { iasl: /^$|^\[0[45][0-9A-F]h 00[0-9]{2} 00[0-9A-F]h\] /, why: 'the node iasl decodes beyond Node count' },
];

describe.skipIf(!iasl)('VIOT text is iasl\'s, line for line', () => {
  it('iasl\'s own template (iasl -T VIOT, compiled by iasl)', async () => {
    await expectIaslText('template', iaslTemplate(iasl!, 'VIOT'));
  });

  describe.skipIf(!corpusPresent)('QEMU\'s VIOTs from the corpus, through the CLI', () => {
    for (const name of CORPUS) {
      it(name, async () => {
        await expectIaslText(name.replace(/\W+/g, '-'), readFileSync(join(corpusRoot, name)));
      });
    }
  });

  it('every node type (hand-built)', async () => {
    await expectIaslText('every-node-type', encodeViotModel(everyNodeType()));
  });

  it('a node of a reserved type: its header, then iasl\'s note instead of its bytes', async () => {
    const bytes = viotCases.find((c) => c.name === 'bin-unknown-type')!.bytes();
    await expectIaslText('unknown-type', bytes);
    const run = await runCli('decode', join(dir, 'unknown-type.dat'));
    expect(run.stdout).toContain('[058h 0088 001h]                        Type : 09 [Unknown Subtable Type]\n');
    expect(run.stdout).toContain('Length : 0008\n\n*** Unknown VIOT node type 0x9\n');
  });

  it('a non-zero reserved byte', async () => {
    await expectIaslText('reserved-nonzero', viotCases.find((c) => c.name === 'bin-reserved-nonzero')!.bytes());
  });

  it('nodes beyond Node count: iasl decodes them, ridmap (as Linux) does not: a documented difference', async () => {
    const documented = await expectIaslText('after-items', viotCases.find((c) => c.name === 'bin-after-items')!.bytes(), BEYOND_NODE_COUNT);
    expect(documented.get(BEYOND_NODE_COUNT[0]!.why)).toBeGreaterThan(0);
  });

  it('bytes a node\'s Length covers beyond its fields: iasl leaves them out, ridmap prints them', async () => {
    const known: KnownDifference[] = [{
      ours: /^\[058h 0088 004h\] +Trailing Bytes : 01 02 03 04$/,
      why: 'iasl prints only the fields of a node its Length makes longer (dmtbdump3.c AcpiDmDumpViot moves on by Length); ridmap prints the bytes between as Trailing Bytes (and warns)',
    }];
    const t = viotWith([{ ...pciRange(0, 0xff, 0), trailing: Uint8Array.of(1, 2, 3, 4) }, pciRange(0x100, 0x1ff, 0x100)]);
    const documented = await expectIaslText('long-node', encodeViotModel(t), known);
    expect(documented.get(known[0]!.why)).toBe(1);
  });
});
