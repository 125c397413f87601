/**
 * A small table shaped like IORT and VIOT, without ACPI: a header whose
 * count and offset fields place a list of nodes; nodes with parts placed by
 * their own offset and count fields (an array, a single structure), optional
 * fields of a newer revision, a NUL-terminated name, references to other
 * nodes, a nested group, and a node type whose layout depends on its revision.
 */
import {
  array,
  countField,
  cstring,
  field,
  group,
  lengthField,
  list,
  offsetField,
  referenceField,
  reserved,
  struct,
  tagField,
  u16le,
  u32le,
  u8,
  union,
  type Member,
  type StructSpec,
} from '../../src/codec/index.js';

export const pair = struct({
  name: 'Pair',
  typeName: 'Pair',
  members: [field('input', 'Input', u32le), referenceField('Target', u32le, 'nodes', 'target')],
});

export const extra = struct({ name: 'Extra', typeName: 'Extra', members: [field('value', 'Extra Value', u32le)] });

export const props = struct({ name: 'Props', typeName: 'Props', members: [field('a', 'Prop A', u8), field('b', 'Prop B', u8)] });

const header = (tag: number, title: string): Member[] => [
  tagField('Type', u8, tag, title),
  lengthField('Length', u16le),
  field('revision', 'Revision', u8),
  field('id', 'Id', u32le, { labelIf: { rootKey: 'revision', equals: 0, label: 'Reserved' } }),
];

/** Fixed 8-byte header + 8 bytes of fields, optional fields, then two placed parts. */
export const box = struct({
  name: 'Box',
  typeName: 'Box',
  tag: 1,
  trailingLabel: 'Unused Bytes',
  members: [
    ...header(1, 'Box'),
    countField('Pair Count', u16le, 'pairs', 'pairCount'),
    offsetField('Pair Offset', u16le, 'pairs', 'pairOffset'),
    offsetField('Extra Offset', u16le, 'extra', 'extraOffset'),
    group('props', 'Props', props, { heading: '[Box Props]' }),
    field('more', 'More', u16le, { optional: true }),
    { ...reserved('Reserved', 2, undefined, 'moreReserved'), optional: true },
    field('most', 'Most', u32le, { optional: true }),
    array('pairs', 'Pairs', pair, { countKey: 'pairCount' }, { offsetKey: 'pairOffset' }),
    array('extra', 'Extra', extra, 'one', { offsetKey: 'extraOffset' }),
  ],
});

/** A name, then pairs placed after it. */
export const label = struct({
  name: 'Label',
  typeName: 'Label',
  tag: 2,
  members: [
    ...header(2, 'Label'),
    countField('Pair Count', u16le, 'pairs', 'pairCount'),
    offsetField('Pair Offset', u16le, 'pairs', 'pairOffset'),
    cstring('name', 'Name'),
    array('pairs', 'Pairs', pair, { countKey: 'pairCount' }, { offsetKey: 'pairOffset' }),
  ],
});

/** Ids follow the fixed fields (counted, as numbers); revision 0 has no Flags. */
function tally(revision: number): StructSpec {
  return struct({
    name: 'Tally',
    typeName: 'Tally',
    tag: 3,
    members: [
      ...header(3, 'Tally'),
      ...(revision === 0 ? [] : [field('flags', 'Flags', u32le)]),
      countField('Id Count', u32le, 'ids', 'idCount'),
      array('ids', 'Ids', struct({ name: 'Id', typeName: 'Id', members: [field('id', 'Id Value', u32le)] }), { countKey: 'idCount' },
        { scalar: 'id', compact: true }),
    ],
    byField: { key: 'revision', offset: 3, type: u8, pick: (v) => (v === 0 ? tally0 : tally1) },
  });
}
const tally0 = tally(0);
const tally1 = tally(1);

export const nodes = union({
  name: 'Node',
  tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
  length: { label: 'Length', type: u16le, offset: 1 },
  variants: [box, label, tally1],
  unknownTitle: 'Reserved',
  headerSize: 8,
  rawMembers: [field('revision', 'Revision', u8)],
});

export const shelf = struct({
  name: 'Shelf',
  typeName: 'Shelf',
  members: [
    field('signature', 'Signature', u32le),
    lengthField('Length', u32le),
    field('revision', 'Revision', u8),
    reserved('Reserved', 3),
    countField('Node Count', u32le, 'nodes', 'nodeCount'),
    offsetField('Node Offset', u32le, 'nodes', 'nodeOffset'),
    list('nodes', 'Nodes', nodes, { countKey: 'nodeCount', offsetKey: 'nodeOffset', gapKey: 'padding', gapLabel: 'Optional Padding', block: true }),
  ],
  codes: { 'bin-count-short': 'shelf-node-count', 'bin-trailing-bytes': { code: 'shelf-unused', severity: 'info' } },
});
