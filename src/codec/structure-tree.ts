/**
 * A decoded model laid out as the bytes have it: every structure with its
 * structure path (named as the decoder names them, `DMAR/DRHD[1]/DeviceScope[0]`),
 * byte offset and size, and every fixed field with its offset. Placed parts
 * (IORT ID mappings, nodes at Node Offset) are where the layout puts them,
 * which is where decode found them. The diff matches structures in this
 * tree and shows their bytes; checks use it to put offsets on findings that
 * name a structure by path.
 */
import { arrayElements, placedParts } from './layout.js';
import { IndexCounter } from './path.js';
import { sizeOfType } from './primitives.js';
import {
  isPlaced,
  pickVariant,
  presentOptional,
  STORED,
  TRAILING_KEY,
  TRUNCATED_AT,
  type ArrayMember,
  type FieldMember,
  type ListMember,
  type Model,
  type StructSpec,
} from './struct.js';

export interface FieldPlace {
  member: FieldMember;
  offset: number;
  size: number;
  /** The group member the field belongs to (its value is under that key). */
  group?: string;
}

export interface StructureItems {
  member: ListMember | ArrayMember;
  nodes: StructureNode[];
}

export interface StructureNode {
  spec: StructSpec;
  model: Model;
  path: string;
  offset: number;
  size: number;
  fields: FieldPlace[];
  /** The list or array member's items, when the structure has one (the first, in byte order). */
  items?: StructureItems;
  /** Every list or array member's items, in byte order. */
  parts: StructureItems[];
}

export function structureTree(spec: StructSpec, model: Model, path: string, offset = 0): StructureNode {
  const node: StructureNode = { spec, model, path, offset, size: 0, fields: [], parts: [] };
  let pos = offset;
  const truncatedAt = model[STORED]?.[TRUNCATED_AT];
  const members = truncatedAt === undefined ? spec.members : spec.members.slice(0, Number(truncatedAt));
  const present = spec.optional.length ? new Set(presentOptional(spec, model)) : undefined;
  const addItems = (member: ListMember | ArrayMember, items: readonly Model[], at: number): number => {
    const names = new IndexCounter();
    const nodes: StructureNode[] = [];
    for (const item of items) {
      const s = member.kind === 'list' ? pickVariant(member.union, item) : member.element;
      if (typeof s === 'string') continue;
      const child = structureTree(s, item, `${path}/${s.name}[${names.next(s.name)}]`, at);
      nodes.push(child);
      at += child.size;
    }
    node.parts.push({ member, nodes });
    return at;
  };
  for (const member of members) {
    if (isPlaced(member)) continue;
    switch (member.kind) {
      case 'field': {
        if (member.optional && !present?.has(member)) break;
        const size = sizeOfType(member.type);
        node.fields.push({ member, offset: pos, size });
        pos += size;
        break;
      }
      case 'group': {
        let at = pos;
        for (const f of member.spec.members) {
          if (f.kind !== 'field') continue;
          const size = sizeOfType(f.type);
          node.fields.push({ member: f, offset: at, size, group: member.key });
          at += size;
        }
        pos += member.spec.fixedSize;
        break;
      }
      case 'list':
        pos = addItems(member, (model[member.key] as Model[] | undefined) ?? [], pos);
        break;
      case 'array':
        pos = addItems(member, member.scalar ? arrayElements(member, model) : (model[member.key] as Model[] | undefined) ?? [], pos);
        break;
      case 'cstring': {
        const pad = spec.placed.length ? undefined : model[member.paddingKey];
        pos += String(model[member.key] ?? '').length + 1 + (pad instanceof Uint8Array ? pad.length : 0);
        break;
      }
      case 'rest': {
        const b = model[member.key];
        if (b instanceof Uint8Array) pos += b.length;
        break;
      }
    }
  }
  if (spec.placed.length && truncatedAt === undefined) {
    const parts = placedParts(spec, model);
    for (const part of parts) pos = addItems(part.member, part.items, offset + part.offset);
    // Empty ones too (no bytes), so that a comparison sees a part that one side has and the other lacks.
    for (const m of spec.placed) if (!parts.some((p) => p.member === m)) node.parts.push({ member: m, nodes: [] });
  }
  const trailing = model[TRAILING_KEY];
  if (trailing instanceof Uint8Array) pos += trailing.length;
  node.size = pos - offset;
  if (node.parts.length) node.items = node.parts[0];
  return node;
}

/** Every structure of the tree, parents before children. */
export function* allStructures(node: StructureNode): Generator<StructureNode> {
  yield node;
  for (const part of node.parts) for (const child of part.nodes) yield* allStructures(child);
}
