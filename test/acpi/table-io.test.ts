import { describe, expect, it } from 'vitest';
import { printTablesText, printTablesTextChunks } from '../../src/acpi/print-table.js';
import { decodeTable, encodeJsonDocument, formatJsonDocument } from '../../src/acpi/table.js';
import { plain } from './bytes.js';
import { encodeModel, everyStructureDmar, smallDmar } from './dmar-fixtures.js';

describe('encode FILE.json and text as chunks', () => {
  const a = encodeModel(everyStructureDmar());
  const b = encodeModel(smallDmar());
  const other = Uint8Array.from([...'TEST'].map((c) => c.charCodeAt(0)).concat([40, 0, 0, 0, 1, 0], Array(30).fill(0x20)));

  it('gives back the bytes of every table in the document', () => {
    const json = formatJsonDocument([decodeTable(a), decodeTable(b), decodeTable(other)]);
    const r = encodeJsonDocument(json);
    expect(r.diagnostics).toEqual([]);
    expect(r.tables.map((t) => t.signature)).toEqual(['DMAR', 'DMAR', 'TEST']);
    expect(r.tables.map((t) => plain(t.bytes))).toEqual([plain(a), plain(b), plain(encodeOther(other))]);
  });

  it('gives no bytes at all when one table is wrong', () => {
    const doc = JSON.parse(formatJsonDocument([decodeTable(a), decodeTable(b)]));
    doc.tables[1].hostAddressWidth = 256;
    const r = encodeJsonDocument(JSON.stringify(doc));
    expect(r.tables).toEqual([]);
    expect(r.diagnostics).toMatchObject([{ code: 'json-bad-value', path: '$.tables[1].hostAddressWidth' }]);
  });

  it('text chunks are the text', () => {
    const tables = [decodeTable(a), decodeTable(b)];
    const chunks = printTablesTextChunks(tables, { file: 'x.dat' });
    expect(Buffer.concat(chunks).toString('latin1')).toBe(printTablesText(tables, { file: 'x.dat' }));
  });
});

/** A table ridmap does not model comes back with its checksum computed (this one has checksum 0). */
function encodeOther(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  let sum = 0;
  for (const x of out) sum += x;
  out[9] = (0x100 - (sum & 0xff)) & 0xff;
  return out;
}
