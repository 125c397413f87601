/**
 * The plain-JSON fast path reads exactly what the YAML reader reads, locates
 * paths where the YAML reader does, and steps aside for anything the YAML
 * reader has something to say about.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import { plainRootKeys, readPlainJson } from '../../src/model/plain-json.js';
import { readYamlJson } from '../../src/model/yaml-json.js';
import { InputError } from '../../src/diagnostic.js';
import { MAX_TOPOLOGY_CHARS } from '../../src/limits.js';
import { TABLES_DIR } from '../support/paths.js';

const examples = readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml'));

/** Every document path of a JSON value. */
function paths(v: unknown, base = ''): string[] {
  if (Array.isArray(v)) return [base, ...v.flatMap((x, i) => paths(x, `${base}[${i}]`))];
  if (typeof v === 'object' && v !== null) return [base, ...Object.entries(v).flatMap(([k, x]) => paths(x, base === '' ? k : `${base}.${k}`))];
  return [base];
}

describe('plain JSON topologies', () => {
  it.each(examples)('%s as JSON: the same value, and every path at the same line and column as the YAML reader says', (f) => {
    const value = readYamlJson(readFileSync(join(TABLES_DIR, f), 'utf8')).value;
    for (const text of [JSON.stringify(value, null, 2), JSON.stringify(value)]) {
      const plain = readPlainJson(text)!;
      const yaml = readYamlJson(text);
      expect(plain.value).toEqual(yaml.value);
      for (const p of paths(value)) {
        for (const at of ['key', 'value'] as const) expect(plain.locate(p, at), `${p} ${at}`).toEqual(yaml.locate(p, at));
      }
      expect(plain.locate('hostBridges[0].nonexistent', 'key')).toEqual(yaml.locate('hostBridges[0].nonexistent', 'key'));
    }
  });

  it.each([
    ['a duplicate key', '{"a": 1, "a": 2}'],
    ['a forbidden key', '{"__proto__": {"x": 1}}'],
    ['an integer past 2^53', '{"a": 18446744073709551615}'],
    ['a fraction', '{"a": 1.5}'],
    ['an exponent', '{"a": 1e3}'],
    ['YAML', 'a: 1\n'],
    ['a root array', '[1]'],
    ['trailing text', '{"a": 1} x'],
    ['bad JSON', '{"a": 01}'],
    ['a control character in a string', '{"a": "x\u0001"}'],
    ['deep nesting', '{"a": ' + '['.repeat(200) + ']'.repeat(200) + '}'],
  ])('steps aside for %s', (_, text) => {
    expect(readPlainJson(text)).toBeUndefined();
  });

  it('reads escapes in keys when looking for duplicates', () => {
    expect(readPlainJson('{"a": 1, "\\u0061": 2}')).toBeUndefined();
    expect(readPlainJson('{"a\\n": 1}')!.value).toEqual({ 'a\n': 1 });
  });

  it('takes plain JSON past the YAML size limit, and refuses other text there', () => {
    const big = JSON.stringify({ name: 'big', description: 'x'.repeat(MAX_TOPOLOGY_CHARS), hostBridges: [{ id: 'pci0' }] });
    expect(parseTopology(big, 'big.json').hostBridges?.[0]?.children).toEqual([]);
    const yaml = `name: big\ndescription: ${'x'.repeat(MAX_TOPOLOGY_CHARS)}\n`;
    expect(() => parseTopology(yaml, 'big.yaml')).toThrow(InputError);
  });

  it('a schema error in plain JSON is located at its line and column', () => {
    const text = '{\n  "name": "x",\n  "hostBridges": [\n    { "id": "pci0", "segmnt": 1 }\n  ]\n}\n';
    try {
      parseTopology(text, 't.json');
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['unknown-property', 4, 21]]);
    }
  });
});

describe('root keys of plain JSON (how a topology is told from decoded-table JSON without parsing it)', () => {
  it('lists the root object\'s keys in order, not the nested ones', () => {
    expect(plainRootKeys('{"name": "t", "hostBridges": [{"id": "hb0", "tables": 1}], "acpi": {"signature": "x"}}')).toEqual(['name', 'hostBridges', 'acpi']);
    expect(plainRootKeys(' {"tables": []}')).toEqual(['tables']);
  });

  it('is undefined for what is not plain: an array, a fraction, a duplicate key, a byte-order mark', () => {
    expect(plainRootKeys('[{"signature": "DMAR"}]')).toBeUndefined();
    expect(plainRootKeys('{"name": "t", "x": 1.5}')).toBeUndefined();
    expect(plainRootKeys('{"name": "t", "name": "u"}')).toBeUndefined();
    expect(plainRootKeys('\ufeff{"name": "t"}')).toBeUndefined();
  });

  it('finds a duplicate key among many (past the keys searched as a list)', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    expect(plainRootKeys(`{${keys.map((k) => `"${k}": 0`).join(', ')}}`)).toEqual(keys);
    expect(plainRootKeys(`{${[...keys, 'k3'].map((k) => `"${k}": 0`).join(', ')}}`)).toBeUndefined();
    expect(readPlainJson(`{"a": {${[...keys, 'k39'].map((k) => `"${k}": 0`).join(', ')}}}`)).toBeUndefined();
  });
});
