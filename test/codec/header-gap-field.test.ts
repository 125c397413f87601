/**
 * A union whose header has a real field between type and length (IVRS
 * blocks: Type, Flags, Length): the raw form of an unknown item keeps it as
 * that field, not as reserved bytes, so a non-zero value is no warning.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, field, list, struct, u16le, u8, union } from '../../src/codec/index.js';
import { plain } from '../acpi/bytes.js';

const withGap = (gap: boolean) => struct({
  name: 'Box',
  typeName: 'Box',
  members: [list('items', 'Items', union({
    name: 'Item',
    tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u16le, offset: 2 },
    unknownTitle: 'Unknown',
    ...(gap ? { headerGap: field('flags', 'Flags', u8) } : {}),
  }))],
});
const bytes = Uint8Array.from([0x51, 0x08, 6, 0, 0xaa, 0xbb]);

describe('a union header field between type and length', () => {
  it('is kept as that field in the raw form, without a reserved-bytes warning', () => {
    const r = decode(withGap(true), bytes);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['bin-unknown-type']);
    expect(r.value['items']).toEqual([{ type: 0x51, flags: 8, raw: Uint8Array.from([0xaa, 0xbb]) }]);
    expect(plain(encode(withGap(true), r.value).bytes!)).toEqual(plain(bytes));
  });
  it('without it, the byte is reserved and a non-zero value is reported', () => {
    expect(decode(withGap(false), bytes).diagnostics.map((d) => d.code)).toEqual(['bin-unknown-type', 'bin-reserved-nonzero']);
  });
});
