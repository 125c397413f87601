/**
 * The schema's `default`s filled into a copy of a document.
 *
 * TypeBox's Value.Default does this for any schema, but on the way it checks
 * every union member against every value: on a recursive PCI tree of 100k
 * functions that takes seconds, while the defaults themselves sit in a few
 * places reached through objects and arrays. So the schema is read once into
 * a plan of those places, and a document is walked only along it. A default
 * inside a union or a recursive type would need the member checks again; the
 * plan refuses to be made for such a schema rather than skip it silently.
 */
import { Kind, type TSchema } from '@sinclair/typebox';

interface DefaultsPlan {
  /** Properties to fill when absent, with their default. */
  defaults: [key: string, value: unknown][];
  /** Properties whose values have defaults further down. */
  nested: [key: string, plan: DefaultsPlan][];
  /** A plan for every item of an array. */
  items?: DefaultsPlan;
}

const plans = new WeakMap<TSchema, DefaultsPlan | null>();

/** A copy of `doc` with every default of `schema` that applies filled in. */
export function withSchemaDefaults(schema: TSchema, doc: unknown): unknown {
  let plan = plans.get(schema);
  if (plan === undefined) plans.set(schema, (plan = planOf(schema, '')));
  const copy = structuredClone(doc);
  if (plan) apply(plan, copy);
  return copy;
}

function planOf(schema: TSchema, where: string): DefaultsPlan | null {
  const kind = schema[Kind] as string | undefined;
  if (kind === 'Object') {
    const plan: DefaultsPlan = { defaults: [], nested: [] };
    for (const [key, property] of Object.entries(schema['properties'] as Record<string, TSchema>)) {
      if ('default' in property) plan.defaults.push([key, property['default']]);
      const inner = planOf(property, `${where}.${key}`);
      if (inner) plan.nested.push([key, inner]);
    }
    return plan.defaults.length || plan.nested.length ? plan : null;
  }
  if (kind === 'Array') {
    const items = planOf(schema['items'] as TSchema, `${where}[]`);
    return items ? { defaults: [], nested: [], items } : null;
  }
  if (hasDefaultWithin(schema)) throw new Error(`a default under ${where || 'the root'} sits inside a ${kind}, which withSchemaDefaults does not enter`);
  return null;
}

/** Whether a schema, or any schema inside it, declares a default. */
function declaresDefault(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(declaresDefault);
  if (typeof schema !== 'object' || schema === null) return false;
  return 'default' in schema || hasDefaultWithin(schema);
}

/** Whether any schema inside this one (not the schema itself) declares a default; `properties` maps names to schemas. */
function hasDefaultWithin(schema: object): boolean {
  return Object.entries(schema).some(([k, v]) =>
    k !== 'default' && (k === 'properties' && typeof v === 'object' && v !== null ? Object.values(v).some(declaresDefault) : declaresDefault(v)));
}

function apply(plan: DefaultsPlan, value: unknown): void {
  if (plan.items) {
    if (Array.isArray(value)) for (const item of value) apply(plan.items, item);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const o = value as Record<string, unknown>;
  for (const [key, d] of plan.defaults) if (o[key] === undefined) o[key] = structuredClone(d);
  for (const [key, inner] of plan.nested) apply(inner, o[key]);
}
