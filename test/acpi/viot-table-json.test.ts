/**
 * `decode --format json` of a VIOT writes its model: Output Nodes as node
 * indexes, no Node Count or Node Offset. `encode` gives the table back byte
 * for byte, lays it out afresh after an edit, and names each problem of a
 * bad document by its JSON path. It is the declaration's own JSON (spec.ts):
 * no second JSON shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTable, encodeJsonDocument, formatJsonDocument } from '../../src/acpi/table.js';
import { decodeViot } from '../../src/acpi/viot/codec.js';
import { viotSpec } from '../../src/acpi/viot/spec.js';
import { fromJson, toJson, type Model } from '../../src/codec/index.js';
import { resolveViot } from '../../src/acpi/viot/resolve.js';
import { corpusPresent, corpusRoot } from './corpus.js';

const FILES = [
  'qemu-expected/tests/data/acpi/x86/q35/VIOT.viot',
  'qemu-expected/tests/data/acpi/aarch64/virt/VIOT',
  'qemu-expected/older/cf7a348837f4/tests/data/acpi/q35/VIOT.viot',
];

type Doc = { tables: { nodeOffset?: number; nodeCount?: number; nodes: { type: string | number; outputNode?: unknown }[] }[] };

describe.skipIf(!corpusPresent)('VIOT JSON documents', () => {
  for (const f of FILES) {
    it(`${f}: the model in JSON, and the same bytes back`, () => {
      const bytes = readFileSync(join(corpusRoot, f));
      const text = formatJsonDocument([decodeTable(bytes)]);
      const doc = JSON.parse(text) as Doc;
      expect(doc.tables[0]).not.toHaveProperty('nodeOffset');
      expect(doc.tables[0]).not.toHaveProperty('nodeCount');
      for (const n of doc.tables[0]!.nodes.filter((x) => x.type === 'PciRange')) expect(n.outputNode).toEqual({ node: 0 });
      const encoded = encodeJsonDocument(text);
      expect(encoded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const got = encoded.tables[0]!.bytes;
      const want = Uint8Array.from(bytes);
      want[9] = got[9]!; // encode computes the checksum
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    });
  }

  it('an edited document is laid out afresh: drop the first range, and the other still names the IOMMU', () => {
    const bytes = readFileSync(join(corpusRoot, FILES[0]!));
    const doc = JSON.parse(formatJsonDocument([decodeTable(bytes)])) as Doc;
    doc.tables[0]!.nodes.splice(1, 1);
    const encoded = encodeJsonDocument(JSON.stringify(doc));
    expect(encoded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const back = decodeViot(encoded.tables[0]!.bytes);
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(back.table.nodes).toHaveLength(2);
    const map = resolveViot(back.table);
    expect(map.translations.map((t) => [t.first, t.last])).toEqual([[0x3000, 0x30ff]]);
  });
});

const viotFromJson = (j: unknown) => {
  const r = fromJson(viotSpec(), j, '$');
  return { table: r.value, diagnostics: r.diagnostics };
};
const viotToJson = (m: Model) => toJson(viotSpec(), m);

const header = { signature: 'VIOT', revision: 0, oemId: 'RIDMAP', oemTableId: 'TEST    ', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1 };

describe('VIOT JSON: bad documents', () => {
  it('names each problem by its JSON path', () => {
    const r = viotFromJson({ ...header, nodes: [{ type: 'PciRange', endpointStart: 0, segmentStart: 0, segmentEnd: 0, bdfStart: 0, bdfEnd: 1, outputNode: 3, colour: 1 }, { type: 'Bogus' }] });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual(expect.arrayContaining([
      ['json-bad-value', '$.nodes[0].outputNode'],
      ['json-unknown-key', '$.nodes[0].colour'],
      ['json-unknown-variant', '$.nodes[1].type'],
    ]));
  });

  it('a node of another type keeps its bytes, and the model goes through JSON and back', () => {
    const t = viotFromJson({ ...header, nodes: [{ type: 9, raw: '0102' }] });
    expect(t.diagnostics).toEqual([]);
    expect(viotFromJson(JSON.parse(JSON.stringify(viotToJson(t.table)))).table).toEqual(t.table);
  });
});
