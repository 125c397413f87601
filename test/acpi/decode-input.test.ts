import { describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/io/decode-input.js';
import { printTablesJson, printTablesText } from '../../src/acpi/print-table.js';
import { decodeTable, encodeTable } from '../../src/acpi/table.js';
import { InputError } from '../../src/diagnostic.js';
import { flavours, plain } from './bytes.js';
import { encodeModel, everyStructureDmar, patch, smallDmar } from './dmar-fixtures.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function acpidump(tables: Uint8Array[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`${String.fromCharCode(...t.subarray(0, 4))} @ 0x0000000000000000`);
    for (let i = 0; i < t.length; i += 16) {
      out.push(`    ${i.toString(16).toUpperCase().padStart(4, '0')}: ${Array.from(t.subarray(i, i + 16), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}`);
    }
    out.push('');
  }
  return out.join('\n');
}

describe('decodeInput: every ACPI input kind to decoded tables', () => {
  const dmar = encodeModel(everyStructureDmar());
  for (const [flavour, make] of flavours) {
    it(`a raw table (${flavour})`, () => {
      const r = decodeInput(make(dmar), 'DMAR.dat');
      expect(r.kind).toBe('acpi-table');
      expect(r.tables).toHaveLength(1);
      expect(r.tables[0]!.diagnostics.map((d) => [d.code, d.file])).toEqual([['bin-unknown-type', 'DMAR.dat']]);
    });
    it(`acpidump text with repeated signatures (${flavour})`, () => {
      const bad = patch(encodeModel(smallDmar()), [[0x32, 2, 0]]);
      const r = decodeInput(make(text(acpidump([dmar, bad]))), 'dump.txt');
      expect(r.kind).toBe('acpidump');
      expect(r.tables.map((t) => t.origin?.line)).toEqual([1, 3 + Math.ceil(dmar.length / 16)]);
      const zero = r.tables[1]!.diagnostics[0]!;
      // Repeated signatures are told apart in paths.
      expect(zero).toMatchObject({ code: 'bin-zero-length', path: 'DMAR[1]/DRHD[0]', offset: 0x30, file: 'dump.txt' });
      expect(r.tables[0]!.diagnostics[0]!.path).toBe('DMAR[0]/Subtable[0]');
    });
    it(`decoded JSON back to tables (${flavour})`, () => {
      const json = printTablesJson([decodeTable(dmar)]);
      const r = decodeInput(make(text(json)), 'dmar.json');
      expect(r.kind).toBe('json');
      expect(r.diagnostics).toEqual([]);
      expect(plain(encodeTable(r.tables[0]!.model).bytes!)).toEqual(plain(dmar));
      expect(printTablesText(r.tables)).toBe(printTablesText([decodeTable(dmar)]));
    });
  }
  it('reports bad JSON with its JSON path and decodes nothing', () => {
    const json = JSON.parse(printTablesJson([decodeTable(dmar)]));
    json.tables[0].remappingStructures[0].deviceScopes[1].path[2].device = 300;
    json.tables[0].remappingStructures[3].flags = 'yes';
    const r = decodeInput(JSON.stringify(json), 'edited.json');
    expect(r.tables).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.path, d.file])).toEqual([
      ['json-bad-value', '$.tables[0].remappingStructures[0].deviceScopes[1].path[2].device', 'edited.json'],
      ['json-type', '$.tables[0].remappingStructures[3].flags', 'edited.json'],
    ]);
  });
  it('reports JSON syntax errors with a line', () => {
    const r = decodeInput('{\n  "tables": [\n    {"signature": "DMAR",,}\n  ]\n}\n', 'broken.json');
    expect(r.diagnostics).toMatchObject([{ code: 'json-syntax', severity: 'error', line: 3 }]);
  });
  it('a DTB or DTS is not an ACPI input', () => {
    expect(() => decodeInput(Uint8Array.from([0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0]), 'board.dtb')).toThrow(InputError);
    expect(() => decodeInput('/dts-v1/;\n/ {};\n', 'board.dts')).toThrow(/device-tree decoder/);
  });
});
