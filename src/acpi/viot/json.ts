/**
 * JSON of the VIOT model, for `decode --format json` and `encode`: each node
 * through its declaration with Output Node as a reference (`{"node": i}`, or
 * `{"offset": n}` when it named no node start), so a node can be added or
 * removed without recomputing offsets; Node Count and Node Offset are left
 * out (encode lays the nodes out). A table the model cannot say byte for
 * byte (a damaged walk) keeps the registry's wire form, which says every
 * byte; that form is told apart by its `nodeOffset` key.
 */
import { bytesToHex, struct, toJson, JsonCode, type Json, type Model, type StructSpec } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { ModelJsonReader } from '../model-json-reader.js';
import { modelTableJson } from '../model-table-json.js';
import { decodeViot } from './decode.js';
import { encodeViot } from './encode.js';
import { isOtherNode, type ViotNode, type ViotTable } from './model.js';
import { hasOutputNode, NODE_SPECS, otherNode, viotHeaderMembers } from './spec.js';

type JsonObject = { [key: string]: Json };

const LAID_OUT = new Set(['nodeCount', 'nodeOffset']);
const OUTPUT_NODE = 'outputNode';

const headerJson: StructSpec = struct({ name: 'VIOT', typeName: 'ViotTable', members: viotHeaderMembers().filter((m) => !LAID_OUT.has(m.key)) });

/** Each node type's declaration without its Output Node (a reference here, not a field). */
const nodeJson = new Map(
  NODE_SPECS.map((s) => [s.name, { spec: s, json: struct({ name: s.name, typeName: s.typeName, tag: s.tag!, members: s.members.filter((m) => m.key !== OUTPUT_NODE) }) }]),
);

export function viotToJson(t: ViotTable): JsonObject {
  const out = toJson(headerJson, t as unknown as Model);
  if (t.padding) out['padding'] = bytesToHex(t.padding);
  out['nodes'] = t.nodes.map(nodeToJson);
  if (t.trailing) out['trailing'] = bytesToHex(t.trailing);
  return out;
}

function nodeToJson(n: ViotNode): JsonObject {
  if (isOtherNode(n)) return toJson(otherNode, n as unknown as Model);
  const kind = nodeJson.get(n.type)!;
  const out: JsonObject = { type: n.type, ...toJson(kind.json, n as unknown as Model) };
  if (hasOutputNode(kind.spec)) out[OUTPUT_NODE] = (n as { outputNode: Json }).outputNode;
  return out;
}

export interface ViotFromJson {
  table: ViotTable;
  diagnostics: Diagnostic[];
}

export function viotFromJson(json: unknown, path = '$'): ViotFromJson {
  return new Reader().table(json, path);
}

class Reader extends ModelJsonReader {
  table(j: unknown, path: string): ViotFromJson {
    const table = this.nodeTable(j, path, headerJson, (n, p) => this.node(n, p)) as unknown as ViotTable;
    return { table, diagnostics: this.diagnostics };
  }

  private node(j: unknown, path: string): ViotNode {
    const obj = this.object(j, path, 'VIOT node') ?? {};
    const type = obj['type'];
    if (typeof type === 'number') {
      this.unknownKeys(obj, new Set(otherNode.members.map((m) => m.key)), path, 'a node of another type');
      return this.part(otherNode, obj, path) as unknown as ViotNode;
    }
    const kind = typeof type === 'string' ? nodeJson.get(type) : undefined;
    if (!kind) {
      this.report(JsonCode.unknownVariant, `${path}.type`, `unknown node type ${JSON.stringify(type)} (known: ${[...nodeJson.keys()].join(', ')}, or a number with "data")`);
      return { type: 0, data: new Uint8Array(0) };
    }
    const node: Model = { ...this.part(kind.json, obj, path), type: kind.spec.name };
    const allowed = new Set(['type', ...kind.json.members.map((m) => m.key)]);
    if (hasOutputNode(kind.spec)) {
      node[OUTPUT_NODE] = this.ref(obj[OUTPUT_NODE], `${path}.${OUTPUT_NODE}`);
      allowed.add(OUTPUT_NODE);
    }
    this.unknownKeys(obj, allowed, path, kind.spec.typeName);
    return node as unknown as ViotNode;
  }
}

export const VIOT_JSON = modelTableJson({
  decode: decodeViot,
  encode: encodeViot,
  toJson: (t) => viotToJson(t) as Json,
  fromJson: viotFromJson,
  wireKey: 'nodeOffset',
});
