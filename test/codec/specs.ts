/**
 * Small declarations that exercise the engine without ACPI: big-endian
 * fields (as in FDT), a 24-bit field, a counted array, a union with a
 * NUL-terminated string, raw bytes.
 */
import {
  array,
  ascii,
  countField,
  cstring,
  enumOf,
  field,
  flags,
  lengthField,
  list,
  reserved,
  rest,
  struct,
  tagField,
  u16le,
  u24le,
  u32be,
  u64be,
  u8,
  union,
} from '../../src/codec/index.js';

export const item = struct({
  name: 'Item',
  typeName: 'Item',
  members: [field('id', 'Id', u16le), field('value', 'Value', u64be)],
});

/** 4 + 4 + 1 + 1 + 3 + 6 + 2 + 2 = 23 bytes, then `count` items of 10 bytes. */
export const blob = struct({
  name: 'Blob',
  typeName: 'Blob',
  members: [
    field('magic', 'Magic', u32be),
    lengthField('Size', u32be),
    field('kind', 'Kind', enumOf(u8, { 1: 'One', 2: 'Two' }, 'Unknown Kind')),
    field('bits', 'Bits', flags(u8, [{ bit: 0, name: 'A', label: 'Bit A' }, { bit: 1, width: 3, name: 'N', label: 'Number N' }])),
    field('mid', 'Mid', u24le),
    field('name', 'Name', ascii(6)),
    reserved('Reserved', 2),
    countField('Count', u16le, 'items', 'count'),
    array('items', 'Items', item, { countKey: 'count' }),
  ],
});

export const named = struct({
  name: 'Named',
  typeName: 'Named',
  tag: 1,
  members: [tagField('Type', u8, 1, 'Named Entry'), lengthField('Length', u8), cstring('name', 'Name')],
});

export const opaque = struct({
  name: 'Opaque',
  typeName: 'Opaque',
  tag: 2,
  members: [tagField('Type', u8, 2, 'Opaque Entry'), lengthField('Length', u8), rest('data', 'Data')],
});

export const bag = struct({
  name: 'Bag',
  typeName: 'Bag',
  members: [
    field('version', 'Version', u8),
    list('entries', 'Entries', union({
      name: 'Entry',
      tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
      length: { label: 'Length', type: u8, offset: 1 },
      variants: [named, opaque],
      unknownTitle: 'Unknown Entry',
    })),
  ],
});

export const blobBytes = Uint8Array.from([
  0xd0, 0x0d, 0xfe, 0xed, // magic (BE)
  0, 0, 0, 43, // size (BE): 23 + 2 * 10
  2, // kind
  0b1011, // bits: A=1, N=5
  0x56, 0x34, 0x12, // mid (LE 24-bit)
  0x41, 0x42, 0x43, 0x20, 0x20, 0x20, // "ABC   "
  0, 0, // reserved
  2, 0, // count
  1, 0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, // item 1: value BE
  2, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
]);

export const bagBytes = Uint8Array.from([
  1, // version
  1, 7, 0x66, 0x6f, 0x6f, 0, 0x99, // Named "foo", NUL, padding 99
  2, 4, 0xaa, 0xbb, // Opaque
  9, 3, 0x11, // unknown type 9
]);
