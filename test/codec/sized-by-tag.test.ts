/**
 * A union whose items carry no length field: the size follows from the tag
 * (and, for one type, from a byte of the item), as IVRS device entries are
 * sized (bits 7:6 of the type: 4, 8, 16, 32 bytes; F0h by its UID Length).
 */
import { describe, expect, it } from 'vitest';
import { countField, decode, encode, field, list, rest, struct, tagField, u8, u16le, union, type Model } from '../../src/codec/index.js';
import { plain } from '../acpi/bytes.js';

const small = struct({ name: 'Small', typeName: 'Small', tag: 0x01, members: [tagField('Type', u8, 0x01, 'Small'), field('id', 'Id', u16le), field('data', 'Data', u8)] });
const named = struct({
  name: 'Named',
  typeName: 'Named',
  tag: 0xf0,
  members: [tagField('Type', u8, 0xf0, 'Named'), field('id', 'Id', u16le), countField('Name Length', u8, 'name', 'nameLength'), rest('name', 'Name')],
});
const SIZE_OF_NAMED = 4;
const spec = struct({
  name: 'Box',
  typeName: 'Box',
  members: [
    field('version', 'Version', u8),
    list('entries', 'Entries', union({
      name: 'Entry',
      tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
      length: { size: (tag, byteAt) => (tag === 0xf0 ? SIZE_OF_NAMED + (byteAt(3) ?? 0) : 4 << (tag >> 6)) },
      headerSize: 4,
      variants: [small, named],
      unknownTitle: 'Unknown Entry',
    })),
  ],
});

const bytes = Uint8Array.from([
  7, // version
  0x01, 0x34, 0x12, 0x56, // Small, 4 bytes by its type
  0x42, 1, 2, 3, 4, 5, 6, 7, // unknown 42h: 8 bytes by bits 7:6
  0xf0, 0x02, 0x00, 3, 0x61, 0x62, 0x63, // Named: 4 + its length byte
  0x81, ...new Array<number>(15).fill(9), // unknown 81h: 16 bytes
]);

describe('a union sized by its tag', () => {
  it('decodes each item at the size its type says, keeps unknown types raw, and encodes back byte for byte', () => {
    const r = decode(spec, bytes);
    expect(r.diagnostics.map((d) => [d.code, d.offset])).toEqual([['bin-unknown-type', 5], ['bin-unknown-type', 20]]);
    expect(r.value['entries']).toEqual([
      { type: 'Small', id: 0x1234, data: 0x56 },
      { type: 0x42, raw: Uint8Array.from([1, 2, 3, 4, 5, 6, 7]) },
      { type: 'Named', id: 2, name: Uint8Array.from([0x61, 0x62, 0x63]) },
      { type: 0x81, raw: new Uint8Array(15).fill(9) },
    ]);
    expect(plain(encode(spec, r.value).bytes!)).toEqual(plain(bytes));
  });

  it('an item its type makes longer than what is left is reported and kept raw; encode does not write it back short', () => {
    const r = decode(spec, bytes.subarray(0, 9));
    expect(r.diagnostics.map((d) => [d.code, d.offset])).toEqual([['bin-length-overrun', 5], ['bin-unknown-type', 5]]);
    expect((r.value['entries'] as Model[])[1]).toEqual({ type: 0x42, raw: Uint8Array.from([1, 2, 3]) });
    expect(encode(spec, r.value).diagnostics).toMatchObject([{ code: 'encode-bad-value', path: 'Box/Entry[0]' }]);
  });

  it('encode refuses an item whose bytes are not the size its type says', () => {
    const model: Model = { version: 1, entries: [{ type: 0x42, raw: Uint8Array.from([1, 2, 3]) }] };
    expect(encode(spec, model).diagnostics).toMatchObject([{ code: 'encode-bad-value', path: 'Box/Entry[0]' }]);
    expect(encode(spec, { version: 1, entries: [{ type: 'Named', id: 1, name: Uint8Array.from([0x41]) }] }).bytes).toEqual(Uint8Array.from([1, 0xf0, 1, 0, 1, 0x41]));
  });
});
