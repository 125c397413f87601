/**
 * What reading a table model's own JSON form needs whatever the table (IORT,
 * VIOT): objects and parts through the codec's fromJson, kept bytes as hex,
 * unknown keys named, node references `{"node": i}` or `{"offset": n}`;
 * every problem with its JSON path, as the codec reports.
 */
import { fromJson, hexToBytes, JsonCode, type Model, type StructSpec } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';

export class ModelJsonReader {
  readonly diagnostics: Diagnostic[] = [];

  protected report(code: string, path: string, message: string): void {
    this.diagnostics.push({ severity: 'error', code, path, message });
  }

  protected object(j: unknown, path: string, what: string): Record<string, unknown> | undefined {
    if (typeof j === 'object' && j !== null && !Array.isArray(j)) return j as Record<string, unknown>;
    this.report(JsonCode.type, path, `expected an object (${what})`);
    return undefined;
  }

  /** The codec's fromJson on the keys the spec declares; the caller checks the rest. */
  protected part(spec: StructSpec, obj: Record<string, unknown>, path: string): Model {
    const keys = new Set(spec.members.map((m) => m.key));
    const picked = Object.fromEntries(Object.entries(obj).filter(([k]) => keys.has(k)));
    const r = fromJson(spec, picked, path);
    this.diagnostics.push(...r.diagnostics);
    return r.value;
  }

  protected bytes(v: unknown, path: string): Uint8Array | undefined {
    const b = typeof v === 'string' ? hexToBytes(v) : undefined;
    if (!b) this.report(JsonCode.type, path, 'expected a hex string');
    return b;
  }

  protected unknownKeys(obj: Record<string, unknown>, allowed: ReadonlySet<string>, path: string, what: string): void {
    for (const k of Object.keys(obj)) if (!allowed.has(k)) this.report(JsonCode.unknownKey, `${path}.${k}`, `${what} has no field "${k}"`);
  }

  /**
   * A table laid out as header fields, then optional padding, the nodes and
   * optional trailing bytes (IORT and VIOT alike); `node` reads each node.
   */
  protected nodeTable(j: unknown, path: string, header: StructSpec, node: (j: unknown, path: string) => unknown): Model {
    const obj = this.object(j, path, header.typeName) ?? {};
    const t = this.part(header, obj, path);
    this.unknownKeys(obj, new Set([...header.members.map((m) => m.key), 'padding', 'nodes', 'trailing']), path, header.typeName);
    for (const k of ['padding', 'trailing']) {
      const b = obj[k] === undefined ? undefined : this.bytes(obj[k], `${path}.${k}`);
      if (b) t[k] = b;
    }
    if (!Array.isArray(obj['nodes'])) this.report(JsonCode.missing, `${path}.nodes`, 'nodes must be an array');
    t['nodes'] = ((obj['nodes'] as unknown[]) ?? []).map((n, i) => node(n, `${path}.nodes[${i}]`));
    return t;
  }

  /** A node reference: `{"node": index}`, or `{"offset": n}` for one that named no node start. */
  protected ref(v: unknown, path: string): { node: number } | { offset: number } {
    const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
    const keys = o ? Object.keys(o) : [];
    if (o && keys.length === 1 && (keys[0] === 'node' || keys[0] === 'offset') && Number.isInteger(o[keys[0]!])) return o as { node: number } | { offset: number };
    this.report(v === undefined ? JsonCode.missing : JsonCode.badValue, path, 'a node reference is {"node": index} or {"offset": n}');
    return { offset: 0 };
  }
}
