import { describe, expect, it } from 'vitest';
import { decode, encode, fromJson, toJson } from '../../src/codec/index.js';
import { plain } from '../acpi/bytes.js';
import { bag, bagBytes, blob, blobBytes } from './specs.js';

describe('JSON from the same declaration', () => {
  it('bigints as "0x..." strings, bytes as hex, derived fields left out, keys in declaration order', () => {
    const json = toJson(blob, decode(blob, blobBytes).value);
    expect(json).toEqual({
      magic: 0xd00dfeed, kind: 2, bits: 11, mid: 0x123456, name: 'ABC   ',
      items: [{ id: 1, value: '0x123456789abcdef' }, { id: 2, value: '0xffffffffffffffff' }],
    });
    expect(Object.keys(json)).toEqual(['magic', 'kind', 'bits', 'mid', 'name', 'items']);
    expect(toJson(bag, decode(bag, bagBytes).value)).toEqual({
      version: 1,
      entries: [{ type: 'Named', name: 'foo', padding: '99' }, { type: 'Opaque', data: 'aabb' }, { type: 9, raw: '11' }],
    });
  });

  it('round-trips through JSON text', () => {
    for (const [spec, bytes] of [[blob, blobBytes], [bag, bagBytes]] as const) {
      const text = JSON.stringify(toJson(spec, decode(spec, bytes).value));
      const back = fromJson(spec, JSON.parse(text));
      expect(back.diagnostics).toEqual([]);
      expect(plain(encode(spec, back.value).bytes!)).toEqual(plain(bytes));
    }
  });

  it('accepts integers as numbers or hex/decimal strings, 64-bit values as strings or safe numbers', () => {
    const r = fromJson(blob, { magic: '0xd00dfeed', kind: '2', bits: 0, mid: 1, name: 'A', items: [{ id: 1, value: 5 }, { id: 2, value: '18446744073709551615' }] });
    expect(r.diagnostics).toEqual([]);
    expect(r.value['magic']).toBe(0xd00dfeed);
    expect(r.value['items']).toEqual([{ id: 1, value: 5n }, { id: 2, value: 0xffffffffffffffffn }]);
  });

  it('reports every problem with its JSON path', () => {
    const r = fromJson(blob, {
      magic: 'x', kind: 300, bits: 0, name: 7, length: 10, extra: true,
      items: [{ id: 1, value: '0x1ffffffffffffffff' }, 5], reserved: 'zz',
    }, '$.tables[0]');
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.path])).toEqual([
      ['warning', 'json-derived-ignored', '$.tables[0].length'],
      ['error', 'json-unknown-key', '$.tables[0].extra'],
      ['error', 'json-type', '$.tables[0].magic'],
      ['error', 'json-bad-value', '$.tables[0].kind'],
      ['error', 'json-missing', '$.tables[0].mid'],
      ['error', 'json-type', '$.tables[0].name'],
      ['error', 'json-type', '$.tables[0].reserved'],
      ['error', 'json-bad-value', '$.tables[0].items[0].value'],
      ['error', 'json-type', '$.tables[0].items[1]'],
    ]);
    const u = fromJson(bag, { version: 1, entries: [{ type: 'Named' }, { type: 'Bogus' }, { raw: '00' }, 3] });
    expect(u.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['json-missing', '$.entries[0].name'],
      ['json-unknown-variant', '$.entries[1].type'],
      ['json-missing', '$.entries[2].type'],
      ['json-type', '$.entries[3]'],
    ]);
  });
});
