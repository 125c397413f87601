/**
 * The topology's JSON Schema for editors and other tools, derived from the
 * TypeBox declaration (TypeBox schemas are JSON Schema plus symbol keys,
 * which a JSON round trip drops). schema/topology.schema.json is this
 * function's output; a test keeps the file in step.
 */
import { Topology } from './topology-schema.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export function topologyJsonSchema(): object {
  const schema = JSON.parse(JSON.stringify(Topology)) as JsonSchemaNode;
  relaxDefaulted(schema);
  return { $schema: JSON_SCHEMA_DIALECT, ...schema };
}

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  default?: unknown;
  [key: string]: unknown;
}

/**
 * TypeBox keeps a property with a default in `required` (the loader fills
 * the default in before validating). An author may leave such a property
 * out, so editors must not flag it: drop it from `required`.
 */
function relaxDefaulted(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(relaxDefaulted);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as JsonSchemaNode;
  if (n.properties && n.required) {
    const props = n.properties;
    n.required = n.required.filter((key) => props[key]?.default === undefined);
    if (n.required.length === 0) delete n.required;
  }
  for (const value of Object.values(n)) relaxDefaulted(value);
}
