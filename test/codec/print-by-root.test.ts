/**
 * Where iasl's text depends on more than a structure's own fields: flag bits
 * it prints only from a table revision on (`printedSince`, MADT GICC), bytes
 * an older revision had as one field (`joinIf`, MADT GICR/GIC ITS), and an
 * item of a reserved type noted (the union's unknownNote, MADT's "****
 * Unknown MADT subtable type") while OEM types, whose note text is
 * undefined, keep their bytes.
 */
import { describe, expect, it } from 'vitest';
import { decode, field, flags, lengthField, list, printToString, reserved, struct, tagField, u8, union } from '../../src/codec/index.js';

const item = struct({
  name: 'Item',
  typeName: 'Item',
  tag: 1,
  members: [
    tagField('Type', u8, 1, 'One'),
    lengthField('Length', u8),
    field('flags', 'Flags', flags(u8, [
      { bit: 0, name: 'A', label: 'Always' },
      { bit: 1, name: 'B', label: 'Since revision 2', printedSince: { rootKey: 'revision', value: 2 } },
    ])),
  ],
});

const table = struct({
  name: 'T',
  typeName: 'T',
  members: [
    field('revision', 'Revision', u8),
    list('items', 'Items', union({
      name: 'Item',
      tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
      length: { label: 'Length', type: u8, offset: 1 },
      variants: [item],
      unknownTitle: 'Unknown',
      unknownNote: { header: 'before', text: (tag) => (tag < 0x80 ? `\n**** Unknown type 0x${tag.toString(16).toUpperCase()}\n` : undefined) },
    })),
  ],
});

/** Flags + Reserved since revision 7; one reserved u16 before (MADT GICR's bytes 2-3). */
const split = struct({
  name: 'Split',
  typeName: 'Split',
  members: [
    field('revision', 'Revision', u8),
    field('flags', 'Flags', flags(u8, [{ bit: 0, name: 'A', label: 'Bit A' }]), { joinIf: { rootKey: 'revision', below: 7, label: 'Reserved', join: 1 } }),
    reserved('Reserved', 1, 'int'),
    field('after', 'After', u8),
  ],
});

const text = (bytes: number[]) => printToString(table, decode(table, Uint8Array.from(bytes)).value).split('\n').map((l) => l.trimEnd());

describe('text that depends on the root or on a reserved type', () => {
  it('a bit with printedSince is printed only when the root\'s field is at least its value; caching by value does not mix revisions', () => {
    const one = text([1, 1, 3, 3]);
    const two = text([2, 1, 3, 3]);
    expect(one.filter((l) => / : [01]$/.test(l)).map((l) => l.trim())).toEqual(['Always : 1']);
    expect(two.filter((l) => / : [01]$/.test(l)).map((l) => l.trim())).toEqual(['Always : 1', 'Since revision 2 : 1']);
  });

  it('joinIf: below the revision, a field and the next print as one little-endian integer (reserved bytes included); from it, apart', () => {
    const lines = (bytes: number[]) => printToString(split, decode(split, Uint8Array.from(bytes)).value).split('\n').filter(Boolean).map((l) => l.replace(/ +/g, ' '));
    expect(lines([6, 1, 0x80, 5])).toEqual(['[000h 0000 001h] Revision : 06', '[001h 0001 002h] Reserved : 8001', '[003h 0003 001h] After : 05']);
    expect(lines([7, 1, 0x80, 5])).toEqual(['[000h 0000 001h] Revision : 07', '[001h 0001 001h] Flags : 01', ' Bit A : 1', '[002h 0002 001h] Reserved : 80', '[003h 0003 001h] After : 05']);
  });

  it('a raw item whose tag has a note: its header (with its own Length), the note between blank lines, and no body; a tag without one keeps its bytes', () => {
    const t = text([1, 0x7f, 4, 0xaa, 0xbb, 0x90, 3, 0xcc]);
    expect(t.slice(1, 8)).toEqual([
      '',
      '[001h 0001 001h]                        Type : 7F [Unknown]',
      '[002h 0002 001h]                      Length : 04',
      '',
      '**** Unknown type 0x7F',
      '',
      '',
    ]);
    expect(t[8]).toMatch(/Type : 90 \[Unknown\]$/);
    expect(t.join('\n')).toMatch(/CC/);
    expect(t.join('\n')).not.toMatch(/AA BB/);
  });
});
