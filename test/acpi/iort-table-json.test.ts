/**
 * `decode --format json` of an IORT writes its full model (references as
 * node indexes, mappings as fields), and `encode` of that JSON gives the
 * table back byte for byte: every distinct corpus IORT, through the same
 * document functions the CLI uses.
 */
import { describe, expect, it } from 'vitest';
import { decodeTable, encodeJsonDocument, formatJsonDocument } from '../../src/acpi/table.js';
import { uniqueIorts } from '../fixtures/iort/corpus.js';
import { corpusPresent } from './corpus.js';

describe.skipIf(!corpusPresent)('IORT JSON documents', () => {
  const iorts = uniqueIorts();
  it('there are corpus IORTs', () => expect(iorts.length).toBeGreaterThan(20));
  for (const c of iorts) {
    it(c.name, () => {
      const t = decodeTable(c.bytes);
      if (t.diagnostics.some((d) => d.severity === 'error')) return; // the corrupt file: nothing to write back
      const text = formatJsonDocument([t]);
      const doc = JSON.parse(text) as { tables: { nodes: { type: string; idMappings?: { outputReference: unknown }[] }[] }[] };
      // The full model, not hex: node types by name and references by node index.
      expect(doc.tables[0]!.nodes.every((n) => typeof n.type === 'string')).toBe(true);
      const mapping = doc.tables[0]!.nodes.flatMap((n) => n.idMappings ?? [])[0];
      if (mapping) expect(mapping.outputReference).toHaveProperty('node');
      const encoded = encodeJsonDocument(text);
      expect(encoded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const want = Uint8Array.from(c.bytes.subarray(0, t.bytes!.length - (t.extra?.length ?? 0)));
      const got = encoded.tables[0]!.bytes;
      // encode computes the checksum; firmware that ships checksum 0 gets the right one.
      want[9] = got[9]!;
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    });
  }
});
