import { describe, expect, it } from 'vitest';
import { decode, encode, field, lengthField, list, STORED, struct, u16le, u8, union, type Model } from '../../src/codec/index.js';
import { flavours, plain } from '../acpi/bytes.js';
import { bag, bagBytes, blob, blobBytes } from './specs.js';

describe('decode and encode from one declaration', () => {
  for (const [flavour, make] of flavours) {
    it(`big-endian, 24-bit, ASCII, reserved, a counted array (${flavour})`, () => {
      const r = decode(blob, make(blobBytes));
      expect(r.diagnostics).toEqual([]);
      expect(r.value).toEqual({
        magic: 0xd00dfeed,
        kind: 2,
        bits: 0b1011,
        mid: 0x123456,
        name: 'ABC   ',
        items: [{ id: 1, value: 0x0123456789abcdefn }, { id: 2, value: 0xffffffffffffffffn }],
      });
      // The stored count (derived, not in the model proper): kept apart, not enumerable, so that models compare by content.
      expect(r.value[STORED]).toEqual({ count: 2 });
      expect(Object.getOwnPropertySymbols(r.value).filter((k) => Object.prototype.propertyIsEnumerable.call(r.value, k))).toEqual([]);
      expect(plain(encode(blob, r.value).bytes!)).toEqual(plain(blobBytes));
    });
    it(`a union list: variants, a NUL-terminated string with padding, raw unknown items (${flavour})`, () => {
      const r = decode(bag, make(bagBytes));
      expect(r.diagnostics).toMatchObject([{ code: 'bin-unknown-type', severity: 'warning', path: 'Bag/Entry[0]', offset: 12 }]);
      expect(r.value['entries']).toEqual([
        { type: 'Named', name: 'foo', padding: Uint8Array.from([0x99]) },
        { type: 'Opaque', data: Uint8Array.from([0xaa, 0xbb]) },
        { type: 9, raw: Uint8Array.from([0x11]) },
      ]);
      expect(plain(encode(bag, r.value).bytes!)).toEqual(plain(bagBytes));
    });
  }

  it('computes derived fields: lengths, counts, tags', () => {
    const model: Model = { magic: 1, kind: 1, bits: 0, mid: 0, name: 'X', items: [{ id: 7, value: 1n }] };
    const bytes = encode(blob, model).bytes!;
    expect(bytes.length).toBe(33);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 33]);
    expect(Array.from(bytes.subarray(13, 19))).toEqual([0x58, 0x20, 0x20, 0x20, 0x20, 0x20]); // padded with spaces
    expect(Array.from(bytes.subarray(21, 23))).toEqual([1, 0]);
    const entries = encode(bag, { version: 3, entries: [{ type: 'Named', name: 'ab' }, { type: 'Opaque', data: new Uint8Array(3) }] }).bytes!;
    expect(Array.from(entries)).toEqual([3, 1, 5, 0x61, 0x62, 0, 2, 5, 0, 0, 0]);
  });

  it('encode lists every problem and gives no bytes', () => {
    const r = encode(blob, { magic: -1, kind: 1, name: 'TOO LONG', items: [{ id: 1 }, 'x'] } as unknown as Model);
    expect(r.bytes).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['encode-bad-value', 'Blob.magic'],
      ['encode-missing', 'Blob.bits'],
      ['encode-missing', 'Blob.mid'],
      ['encode-bad-value', 'Blob.name'],
      ['encode-missing', 'Blob/Item[0].value'],
      ['encode-bad-value', 'Blob/Item[1]'],
    ]);
    expect(encode(bag, { version: 1, entries: [{ type: 'Nope' }] }).diagnostics).toMatchObject([{ code: 'encode-unknown-variant', path: 'Bag/Entry[0]' }]);
  });

  it('encode refuses a length that does not fit its field', () => {
    const r = encode(bag, { version: 1, entries: [{ type: 'Opaque', data: new Uint8Array(300) }] });
    expect(r.diagnostics).toMatchObject([{ code: 'encode-overflow', path: 'Bag/Opaque[0].length' }]);
  });

  it('a count asking for more elements than fit is an error; what fits is kept', () => {
    const b = Uint8Array.from(blobBytes);
    b[21] = 5;
    const r = decode(blob, b);
    expect(r.diagnostics).toMatchObject([{ code: 'bin-count-overrun', severity: 'error', offset: 23 }]);
    expect((r.value['items'] as unknown[]).length).toBe(2);
  });

  it('a root whose length runs past the data decodes what is there', () => {
    const b = Uint8Array.from(blobBytes);
    b[7] = 200;
    const r = decode(blob, b);
    expect(r.diagnostics).toMatchObject([{ code: 'bin-length-overrun', severity: 'error', offset: 4, path: 'Blob.length' }]);
    expect(r.value[STORED]).toEqual({ count: 2, length: 200 });
  });

  it('data ending inside a fixed field is reported and the rest kept', () => {
    const r = decode(blob, blobBytes.slice(0, 15));
    expect(r.diagnostics).toMatchObject([
      { code: 'bin-length-overrun', offset: 4 },
      { code: 'bin-truncated', severity: 'error', offset: 13, path: 'Blob.name' },
    ]);
    expect(r.value['trailing']).toEqual(Uint8Array.from([0x41, 0x42]));
  });

  it('a string without its NUL is an error, not a crash', () => {
    const r = decode(bag, Uint8Array.from([1, 1, 5, 0x61, 0x62, 0x63]));
    expect(r.diagnostics).toMatchObject([{ code: 'bin-unterminated-string', severity: 'error', offset: 3, path: 'Bag/Named[0].name' }]);
    expect(r.value['entries']).toEqual([{ type: 'Named', name: 'abc' }]);
  });

  it('kept bytes are copies, not views of the input', () => {
    const input = Buffer.from(bagBytes);
    const r = decode(bag, input);
    input.fill(0);
    expect((r.value['entries'] as Model[])[1]!['data']).toEqual(Uint8Array.from([0xaa, 0xbb]));
  });
});

describe('a union whose header has a field between type and length', () => {
  const variant = struct({
    name: 'Thing', typeName: 'Thing', tag: 1,
    members: [{ kind: 'field', key: 'type', label: 'Type', type: u8, role: 'tag' }, field('revision', 'Revision', u8), lengthField('Length', u16le), field('value', 'Value', u16le)],
  });
  const things = union({
    name: 'Thing', tag: { key: 'type', label: 'Type', type: u8, offset: 0 }, length: { label: 'Length', type: u16le, offset: 2 },
    variants: [variant], unknownTitle: 'Reserved', headerGap: field('revision', 'Revision', u8),
  });
  const spec = struct({ name: 'Box', typeName: 'Box', members: [list('things', 'Things', things)] });

  it('the raw form of an unknown item keeps it as that field (a number, no reserved-bytes warning), and encodes it back', () => {
    const bytes = Uint8Array.of(1, 3, 6, 0, 0x34, 0x12, 9, 5, 5, 0, 0xaa);
    const r = decode(spec, bytes);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['bin-unknown-type']);
    expect(r.value['things']).toEqual([{ type: 'Thing', revision: 3, value: 0x1234 }, { type: 9, revision: 5, raw: Uint8Array.of(0xaa) }]);
    expect(plain(encode(spec, r.value).bytes!)).toEqual(plain(bytes));
  });

  it('a header field that does not fill the gap is a declaration error', () => {
    expect(() => union({
      name: 'Bad', tag: { key: 'type', label: 'Type', type: u8, offset: 0 }, length: { label: 'Length', type: u16le, offset: 2 },
      unknownTitle: 'Reserved', headerGap: field('revision', 'Revision', u16le),
    })).toThrow(/not the 1 bytes/);
  });
});

describe('a declaration that cannot be right', () => {
  it('is refused when it repeats a key or a count names no member', () => {
    expect(() => struct({ name: 'Twice', typeName: 'Twice', members: [field('a', 'A', u8), field('b', 'B', u8), field('a', 'A again', u16le)] }))
      .toThrow('Twice: duplicate member key a');
    expect(() => struct({ name: 'Dangling', typeName: 'Dangling', members: [{ kind: 'field', key: 'n', label: 'Count', type: u8, role: { count: 'items' } }] }))
      .toThrow('Dangling: field n names unknown member items');
    expect(struct({ name: 'Fine', typeName: 'Fine', members: [field('a', 'A', u8), field('b', 'B', u16le)] }).fixedSize).toBe(3);
  });
});
