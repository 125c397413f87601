import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_DIALECT, topologyJsonSchema } from '../../src/model/topology-json-schema.js';

const schemaFile = new URL('../../schema/topology.schema.json', import.meta.url);
const expected = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;

describe('topology JSON Schema', () => {
  it('is plain JSON Schema 2020-12 with no TypeBox symbols', () => {
    const schema = topologyJsonSchema() as Record<string | symbol, unknown>;
    expect(schema['$schema']).toBe(JSON_SCHEMA_DIALECT);
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
    expect(schema['additionalProperties']).toBe(false);
    expect(Object.keys(schema['properties'] as object)).toContain('hostBridges');
  });

  it('matches schema/topology.schema.json (regenerate with UPDATE_SCHEMA=1 npx vitest run test/model/topology-json-schema.test.ts)', () => {
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(schemaFile, expected);
    let committed = '';
    try {
      committed = readFileSync(schemaFile, 'utf8');
    } catch {
      // a missing file is reported by the comparison below
    }
    expect(
      committed === expected,
      'schema/topology.schema.json is stale: run UPDATE_SCHEMA=1 npx vitest run test/model/topology-json-schema.test.ts',
    ).toBe(true);
  });
});
