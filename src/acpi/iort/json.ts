/**
 * JSON of the IORT model, from the same declarations: each part through the
 * codec's toJson/fromJson with the fields the layout pass computes left out,
 * node references as `{"node": i}` (or `{"offset": n}` when dangling), kept
 * bytes as hex. fromJson reports with JSON paths, like the codec does.
 */
import {
  bytesToHex,
  field,
  JsonCode,
  struct,
  toJson,
  u32le,
  u8,
  type Json,
  type Member,
  type Model,
  type StructSpec,
} from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { isKnownNode, type IortNode, type IortTable, type IortUnknownNode } from './model.js';
import { derivedKeys, KIND_BY_NAME, NODE_KINDS, type NodeKind, type PlacedArray } from './node-kinds.js';
import { deviceName, tableHeader } from './spec.js';
import { ModelJsonReader } from '../model-json-reader.js';

type JsonObject = { [key: string]: Json };

const without = (spec: StructSpec, drop: ReadonlySet<string>): StructSpec =>
  struct({ name: spec.name, typeName: spec.typeName, members: spec.members.filter((m) => !drop.has(m.key)) });

const headerSpec = without(tableHeader, new Set(['nodeCount', 'nodeOffset']));

/** A node type's parts as JSON sees them: no derived fields, no references (handled apart). */
interface JsonKind {
  /** Fixed fields on the node itself, header fields but type included. */
  flat: StructSpec;
  nested: { key: string; spec: StructSpec }[];
  extension: readonly Member[];
  elements: Map<PlacedArray, StructSpec>;
}

const jsonKinds = new Map<NodeKind, Map<number, JsonKind>>();

function jsonKind(kind: NodeKind, revision: number): JsonKind {
  let byRevision = jsonKinds.get(kind);
  if (!byRevision) jsonKinds.set(kind, (byRevision = new Map()));
  const cached = byRevision.get(revision);
  if (cached) return cached;
  const drop = new Set([...derivedKeys(kind), ...(kind.refs ?? [])]);
  const flat: Member[] = [];
  const nested: JsonKind['nested'] = [];
  for (const s of kind.sections(revision)) {
    if (s.key) nested.push({ key: s.key, spec: s.spec });
    else flat.push(...s.spec.members.filter((m) => !drop.has(m.key)));
  }
  const header: Member[] = [field('revision', 'Revision', u8), field('identifier', 'Identifier', u32le)];
  const made: JsonKind = {
    flat: struct({ name: kind.name, typeName: `Iort${kind.name}`, members: [...header, ...flat] }),
    nested,
    extension: kind.extension ?? [],
    elements: new Map(kind.arrays.map((a) => [a, without(a.element, new Set(a.ref ? [a.ref] : []))])),
  };
  byRevision.set(revision, made);
  return made;
}

// ---------------------------------------------------------------------------
// To JSON

export function iortToJson(t: IortTable): JsonObject {
  const out: JsonObject = toJson(headerSpec, t as unknown as Model);
  if (t.padding) out['padding'] = bytesToHex(t.padding);
  out['nodes'] = t.nodes.map((n) => (isKnownNode(n) ? nodeToJson(n) : { type: n.type, revision: n.revision, raw: bytesToHex(n.raw) }));
  if (t.trailing) out['trailing'] = bytesToHex(t.trailing);
  return out;
}

function nodeToJson(n: IortNode): JsonObject {
  const kind = KIND_BY_NAME.get(n.type)!;
  const jk = jsonKind(kind, n.revision);
  const m = n as unknown as Model;
  const out: JsonObject = { type: n.type, ...toJson(jk.flat, m) };
  for (const s of jk.nested) out[s.key] = toJson(s.spec, m[s.key] as Model);
  for (const r of kind.refs ?? []) out[r] = m[r] as Json;
  for (const f of jk.extension) if (m[f.key] !== undefined) Object.assign(out, toJson(struct({ name: f.key, typeName: f.key, members: [f] }), m));
  if (kind.deviceName) out['deviceName'] = m['deviceName'] as string;
  for (const a of kind.arrays) {
    const v = m[a.key];
    if (a.count === 'one') {
      if (v !== undefined) out[a.key] = elementToJson(a, jk, v as Model);
    } else {
      out[a.key] = ((v as unknown[]) ?? []).map((e) => (a.scalar ? (e as number) : elementToJson(a, jk, e as Model)));
    }
  }
  if (n.layout) {
    const l: JsonObject = {};
    if (n.layout.order) l['order'] = n.layout.order;
    if (n.layout.gaps) l['gaps'] = Object.fromEntries(Object.entries(n.layout.gaps).map(([k, b]) => [k, bytesToHex(b)]));
    if (n.layout.emptyOffsets) l['emptyOffsets'] = n.layout.emptyOffsets;
    out['layout'] = l;
  }
  if (n.trailing) out['trailing'] = bytesToHex(n.trailing);
  return out;
}

function elementToJson(a: PlacedArray, jk: JsonKind, e: Model): JsonObject {
  const out = toJson(jk.elements.get(a)!, e);
  if (a.ref) out[a.ref] = e[a.ref] as Json;
  return out;
}

// ---------------------------------------------------------------------------
// From JSON

export interface IortFromJson {
  table: IortTable;
  diagnostics: Diagnostic[];
}

export function iortFromJson(json: unknown, path = '$'): IortFromJson {
  return new Reader().table(json, path);
}

class Reader extends ModelJsonReader {
  table(j: unknown, path: string): IortFromJson {
    const table = this.nodeTable(j, path, headerSpec, (n, p) => this.node(n, p)) as unknown as IortTable;
    return { table, diagnostics: this.diagnostics };
  }

  private node(j: unknown, path: string): IortNode | IortUnknownNode {
    const obj = this.object(j, path, 'IORT node') ?? {};
    const type = obj['type'];
    if (typeof type === 'number') {
      this.unknownKeys(obj, new Set(['type', 'revision', 'raw']), path, 'an unknown node');
      return { type, revision: Number(obj['revision'] ?? 0), raw: this.bytes(obj['raw'], `${path}.raw`) ?? new Uint8Array(0) };
    }
    const kind = typeof type === 'string' ? KIND_BY_NAME.get(type) : undefined;
    if (!kind) {
      this.report(JsonCode.unknownVariant, `${path}.type`, `unknown node type ${JSON.stringify(type)} (known: ${NODE_KINDS.map((k) => k.name).join(', ')}, or a number with "raw")`);
      return { type: 0xff, revision: 0, raw: new Uint8Array(0) };
    }
    const jk = jsonKind(kind, typeof obj['revision'] === 'number' ? obj['revision'] : 0);
    const node: Model = { type: kind.name, ...this.part(jk.flat, obj, path) };
    for (const s of jk.nested) node[s.key] = this.part(s.spec, this.object(obj[s.key], `${path}.${s.key}`, s.spec.typeName) ?? {}, `${path}.${s.key}`);
    for (const r of kind.refs ?? []) node[r] = this.ref(obj[r], `${path}.${r}`);
    const ext = jk.extension.filter((f) => obj[f.key] !== undefined);
    if (ext.length) Object.assign(node, this.part(struct({ name: kind.name, typeName: kind.name, members: ext }), obj, path));
    if (kind.deviceName) node['deviceName'] = this.part(deviceName, obj, path)['deviceName'];
    for (const a of kind.arrays) this.array(a, jk, obj, node, path);
    if (obj['layout'] !== undefined) node['layout'] = this.layout(obj['layout'], `${path}.layout`);
    if (obj['trailing'] !== undefined) node['trailing'] = this.bytes(obj['trailing'], `${path}.trailing`);
    const allowed = new Set(['type', 'layout', 'trailing', 'deviceName', ...jk.flat.members.map((m) => m.key), ...jk.nested.map((s) => s.key),
      ...(kind.refs ?? []), ...jk.extension.map((f) => f.key), ...kind.arrays.map((a) => a.key)]);
    this.unknownKeys(obj, allowed, path, `Iort${kind.name}`);
    return node as unknown as IortNode;
  }

  private array(a: PlacedArray, jk: JsonKind, obj: Record<string, unknown>, node: Model, path: string): void {
    const v = obj[a.key];
    const p = `${path}.${a.key}`;
    const element = (e: unknown, ep: string): unknown => {
      if (a.scalar) return this.part(a.element, { [a.scalar]: e }, ep)[a.scalar];
      const eo = this.object(e, ep, a.element.typeName) ?? {};
      const m = this.part(jk.elements.get(a)!, eo, ep);
      if (a.ref) m[a.ref] = this.ref(eo[a.ref], `${ep}.${a.ref}`);
      return m;
    };
    if (a.count === 'one') {
      if (v !== undefined) node[a.key] = element(v, p);
      return;
    }
    if (!Array.isArray(v)) {
      this.report(v === undefined ? JsonCode.missing : JsonCode.type, p, `${a.key} must be an array`);
      node[a.key] = [];
      return;
    }
    node[a.key] = v.map((e, i) => element(e, `${p}[${i}]`));
  }

  private layout(v: unknown, path: string): Model {
    const o = this.object(v, path, 'IortLayout') ?? {};
    this.unknownKeys(o, new Set(['order', 'gaps', 'emptyOffsets']), path, 'IortLayout');
    const out: Model = {};
    if (o['order'] !== undefined) out['order'] = o['order'];
    if (o['emptyOffsets'] !== undefined) out['emptyOffsets'] = o['emptyOffsets'];
    if (o['gaps'] !== undefined) {
      const gaps = this.object(o['gaps'], `${path}.gaps`, 'gaps') ?? {};
      out['gaps'] = Object.fromEntries(Object.entries(gaps).map(([k, b]) => [k, this.bytes(b, `${path}.gaps.${k}`)]));
    }
    return out;
  }
}
