/**
 * A decoded model laid out as the bytes have it: every structure with its
 * structure path (named as the decoder names them, `DMAR/DRHD[1]/DeviceScope[0]`),
 * byte offset and size, and every fixed field with its offset. The diff
 * matches structures in this tree and shows their bytes; checks use it to put
 * offsets on findings that name a structure by path.
 */
import {
  pickVariant,
  sizeOfType,
  STORED,
  TRAILING_KEY,
  TRUNCATED_AT,
  type ArrayMember,
  type FieldMember,
  type ListMember,
  type Model,
  type StructSpec,
} from '../codec/index.js';
import { IndexCounter } from '../codec/path.js';

export interface FieldPlace {
  member: FieldMember;
  offset: number;
  size: number;
}

export interface StructureNode {
  spec: StructSpec;
  model: Model;
  path: string;
  offset: number;
  size: number;
  fields: FieldPlace[];
  /** The list or array member's items, when the structure has one. */
  items?: { member: ListMember | ArrayMember; nodes: StructureNode[] };
}

export function structureTree(spec: StructSpec, model: Model, path: string, offset = 0): StructureNode {
  const node: StructureNode = { spec, model, path, offset, size: 0, fields: [] };
  let pos = offset;
  const truncatedAt = model[STORED]?.[TRUNCATED_AT];
  const members = truncatedAt === undefined ? spec.members : spec.members.slice(0, Number(truncatedAt));
  for (const member of members) {
    switch (member.kind) {
      case 'field': {
        const size = sizeOfType(member.type);
        node.fields.push({ member, offset: pos, size });
        pos += size;
        break;
      }
      case 'list':
      case 'array': {
        const names = new IndexCounter();
        const nodes: StructureNode[] = [];
        for (const item of (model[member.key] as Model[] | undefined) ?? []) {
          const s = member.kind === 'list' ? pickVariant(member.union, item) : member.element;
          if (typeof s === 'string') continue;
          const child = structureTree(s, item, `${path}/${s.name}[${names.next(s.name)}]`, pos);
          nodes.push(child);
          pos += child.size;
        }
        node.items = { member, nodes };
        break;
      }
      case 'cstring': {
        const pad = model[member.paddingKey];
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
  const trailing = model[TRAILING_KEY];
  if (trailing instanceof Uint8Array) pos += trailing.length;
  node.size = pos - offset;
  return node;
}

/** Every structure of the tree, parents before children. */
export function* allStructures(node: StructureNode): Generator<StructureNode> {
  yield node;
  for (const child of node.items?.nodes ?? []) yield* allStructures(child);
}
