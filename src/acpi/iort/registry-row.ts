/**
 * The IORT as the generic table layer (registry.ts, table.ts) sees it: the
 * header, then the nodes one after the other, each with its 16-byte header
 * and the fixed fields every revision of its type has, the rest of the node
 * kept as bytes. The codec has no members placed by an offset field, so the
 * parts that sit where offsets say (ID mappings, interrupt arrays, RMR
 * descriptors, names) are left to decodeIort/encodeIort (codec.ts), which
 * read and write the whole table; this declaration is never wrong about a
 * byte and round-trips any table, but is shallower.
 */
import {
  field,
  lengthField,
  list,
  rest,
  struct,
  tagField,
  u16le,
  u32le,
  u8,
  union,
  type Member,
  type StructSpec,
} from '../../codec/index.js';
import { NODE_KINDS, type NodeKind } from './node-kinds.js';
import { tableHeader } from './spec.js';

export { IORT_DESCRIPTION } from './spec.js';

/** Fixed fields of a node type that do not depend on its revision (none for RMR, whose Flags came later). */
function stableFields(kind: NodeKind): Member[] {
  if (kind.name === 'Rmr') return [];
  return kind.sections(0).flatMap((s) => s.spec.members);
}

function nodeVariant(kind: NodeKind): StructSpec {
  return struct({
    name: kind.name,
    typeName: `Iort${kind.name}`,
    tag: kind.type,
    members: [
      tagField('Type', u8, kind.type, kind.title),
      lengthField('Length', u16le),
      field('revision', 'Revision', u8),
      field('identifier', 'Identifier', u32le),
      field('mappingCount', 'Mapping Count', u32le),
      field('mappingOffset', 'Mapping Offset', u32le),
      ...stableFields(kind).map((m, i) => (i === 0 ? { ...m, block: true } : m)),
      { ...rest('data', 'Node Data'), block: true },
    ],
  });
}

const nodes = union({
  name: 'Node',
  tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
  length: { label: 'Length', type: u16le, offset: 1 },
  variants: NODE_KINDS.map(nodeVariant),
  unknownTitle: 'Reserved',
});

export const iortSpec: StructSpec = struct({
  name: 'IORT',
  typeName: 'IortTable',
  members: [...tableHeader.members, list('nodes', 'Nodes', nodes)],
});
