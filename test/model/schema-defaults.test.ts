/**
 * withSchemaDefaults fills what TypeBox's Value.Default fills (on every
 * example and valid fixture topology), and refuses a schema whose defaults
 * it would not reach.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { withSchemaDefaults } from '../../src/model/schema-defaults.js';
import { Topology } from '../../src/model/topology-schema.js';
import { readYamlJson } from '../../src/model/yaml-json.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';

const documents = [
  ...readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(TABLES_DIR, f)),
  ...readdirSync(join(REPO_ROOT, 'test/fixtures/topology-valid')).map((f) => join(REPO_ROOT, 'test/fixtures/topology-valid', f)),
];

describe('withSchemaDefaults', () => {
  it.each(documents)('fills what Value.Default fills: %s', (file) => {
    const doc = readYamlJson(readFileSync(file, 'utf8')).value;
    expect(withSchemaDefaults(Topology, doc)).toEqual(Value.Default(Topology, Value.Clone(doc)));
  });

  it('fills a missing host bridge children list, on a copy', () => {
    const doc = { name: 'x', hostBridges: [{ id: 'pci0' }] };
    expect(withSchemaDefaults(Topology, doc)).toMatchObject({ hostBridges: [{ id: 'pci0', children: [] }] });
    expect(doc.hostBridges[0]).toEqual({ id: 'pci0' });
  });

  it('refuses a schema with a default inside a union instead of skipping it', () => {
    const nested = Type.Object({ a: Type.Union([Type.Object({ b: Type.Number({ default: 1 }) }), Type.String()]) });
    expect(() => withSchemaDefaults(nested, {})).toThrow(/inside a Union/);
    const member = Type.Object({ a: Type.Union([Type.Number({ default: 1 }), Type.String()]) });
    expect(() => withSchemaDefaults(member, {})).toThrow(/inside a Union/);
  });

  it('applies a default a union property declares itself', () => {
    const schema = Type.Object({ a: Type.Union([Type.Number(), Type.String()], { default: 'x' }) });
    expect(withSchemaDefaults(schema, {})).toEqual({ a: 'x' });
  });
});
