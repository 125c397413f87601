/**
 * Ways iasl prints a field or item that the declaration says once (issue 20,
 * IVRS and VIOT): an enum as its number alone, a value whose form depends on
 * its bytes, fields printed only when another says so, raw bytes as one
 * field line, and an item of an unknown type as iasl's note (with its
 * header before or after, its Length still its own). Text only: decode,
 * JSON and encode see the same model.
 */
import { describe, expect, it } from 'vitest';
import {
  countField, decode, encode, enumOf, field, list, printToString, rest, struct, u16le, u8, union, type Model,
} from '../../src/codec/index.js';
import { plain } from '../acpi/bytes.js';

const tagged = struct({
  name: 'Tagged',
  typeName: 'Tagged',
  members: [
    field('kind', 'Kind', enumOf(u8, { 1: 'One' }, 'Other', { printName: false })),
    field('id', 'Id', u16le, { text: (v) => ((v as number) & 0x8000 ? 'high' : 'low') }),
    { ...countField('Name Length', u8, 'name', 'nameLength'), shownIf: (m: Model) => (m['name'] as Uint8Array).length > 0 },
    rest('name', 'Name', { text: (b) => '"' + String.fromCharCode(...b) + '"' }),
  ],
});

const box = (header?: 'before' | 'after') => struct({
  name: 'Box',
  typeName: 'Box',
  members: [list('items', 'Items', union({
    name: 'Item',
    tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u16le, offset: 2 },
    unknownTitle: 'Unknown',
    headerGap: field('flags', 'Flags', u8),
    unknownNote: { ...(header ? { header } : {}), text: (tag, offset, size) => `** type ${tag} at ${offset}, ${size} bytes` },
  }))],
});
const unknownItem = Uint8Array.from([0x51, 0x08, 6, 0, 0xaa, 0xbb]);

describe('iasl\'s print forms', () => {
  it('an enum without its name, a value by its own form, a field shown only with a name, raw bytes as one line', () => {
    const withName = printToString(tagged, decode(tagged, Uint8Array.from([1, 0x00, 0x80, 2, 0x41, 0x42])).value);
    expect(withName.split('\n')).toEqual([
      '[000h 0000 001h]                        Kind : 01',
      '[001h 0001 002h]                          Id : high',
      '[003h 0003 001h]                 Name Length : 02',
      '[004h 0004 002h]                        Name : "AB"',
      '',
    ]);
    const noName = printToString(tagged, decode(tagged, Uint8Array.from([2, 1, 0, 0])).value);
    expect(noName).toBe('[000h 0000 001h]                        Kind : 02\n[001h 0001 002h]                          Id : low\n');
  });

  it('an unknown item as the note alone, the note then its header, or its header then the note; its bytes stay in the model', () => {
    const r = decode(box(), unknownItem);
    expect(r.value['items']).toEqual([{ type: 0x51, flags: 8, raw: Uint8Array.from([0xaa, 0xbb]) }]);
    expect(printToString(box(), r.value)).toBe('\n** type 81 at 0, 6 bytes\n');
    const header = '[000h 0000 001h]                        Type : 51 [Unknown]\n[001h 0001 001h]                       Flags : 08\n[002h 0002 002h]                      Length : 0006\n';
    expect(printToString(box('after'), r.value)).toBe('\n** type 81 at 0, 6 bytes\n' + header);
    expect(printToString(box('before'), r.value)).toBe('\n' + header + '** type 81 at 0, 6 bytes\n');
    expect(plain(encode(box(), r.value).bytes!)).toEqual(plain(unknownItem));
  });
});
