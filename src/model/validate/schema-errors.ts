/**
 * TypeBox's error stream turned into messages a firmware engineer can act on:
 * the path, what was expected, what was found.
 *
 * TypeBox reports a failed union as one opaque "Expected union value". The
 * unions of this schema are of four shapes and each gets its own treatment:
 * names (`type: pcie-root-port | ...`) list the names; unions of objects told
 * apart by `type` (the IOMMUs) are discriminated here and only the chosen
 * member is validated; addresses and devfns get the advice their common
 * mistakes need (quote big hex numbers, quote `03.1` and `10.0`).
 */
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Diagnostic } from '../../diagnostic.js';
import { childPath, parentPath, type PathToken } from '../doc-path.js';
import { AcpiHeaderDefaults, Address, BdfText, DevfnText, Id } from '../topology-schema.js';
import { looseDevfn, devfnRangeProblem } from './devfn.js';
import { suggestion } from './did-you-mean.js';
import { describeValue, expectedText, integerRangeText } from './describe.js';
import { finding } from './finding.js';
import type { TopologyCode } from '../validate-topology.js';

const checks = new WeakMap<TSchema, TypeCheck<TSchema>>();

function compiled(schema: TSchema): TypeCheck<TSchema> {
  let c = checks.get(schema);
  if (!c) checks.set(schema, (c = TypeCompiler.Compile(schema)));
  return c;
}

type Schema = TSchema & {
  anyOf?: Schema[];
  const?: unknown;
  properties?: Record<string, Schema>;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

/**
 * How the number at a path was spelled in the source (`10.0` for the number 10),
 * when the reader knows: advice to quote it can then repeat what the user wrote.
 */
export type Spelling = (path: string) => string | undefined;

export function schemaDiagnostics(schema: TSchema, value: unknown, base = '', spelling?: Spelling): Diagnostic[] {
  // Most documents are valid: a compiled check says so quickly; the error walk is for those that are not.
  if (compiled(schema).Check(value)) return [];
  const errors = [...Value.Errors(schema, value)];
  // A missing property is also visited as `undefined`; its type error would say the same thing again.
  const missing = new Set(errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path));
  const out = errors
    .filter((e) => e.type === ValueErrorType.ObjectRequiredProperty || !missing.has(e.path))
    .flatMap((e) => explain(e, resolvePointer(value, e.path, base), spelling));
  return uniqueDiagnostics(out);
}

function explain(e: ValueError, path: string, spelling: Spelling | undefined): Diagnostic[] {
  const schema = e.schema as Schema;
  const found = describeValue(e.value);
  const given = e.type !== ValueErrorType.ObjectRequiredProperty;
  // Any error of a devfn that is there (not text, not "dd.f", out of range) gets the devfn's own words.
  if (given && schema.pattern === DevfnText.pattern) return explainDevfn(e.value, path, spelling?.(path));
  if (given && schema.pattern === BdfText.pattern && (typeof e.value === 'number' || typeof e.value === 'bigint')) {
    return [finding('bad-type', path, `expected bus:device.function text in hex, like "00:1f.0", but found the number ${found}: ` +
      `${unquoted(spelling?.(path))}quote it`)];
  }
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return [finding('missing-property', path, `missing required property "${lastKey(path)}"`)];
    case ValueErrorType.ObjectAdditionalProperties: {
      const key = lastKey(path);
      const known = Object.keys(schema.properties ?? {});
      const hint = suggestion(key, known) || `; allowed: ${known.join(', ')}`;
      return [finding('unknown-property', path, `unknown property "${key}"${hint}`)];
    }
    case ValueErrorType.Union:
      return explainUnion(schema, e.value, path, spelling);
    case ValueErrorType.Literal:
      return [finding('bad-enum', path, `expected ${JSON.stringify(schema.const)} but found ${found}`)];
    case ValueErrorType.Integer:
      if (typeof e.value === 'bigint') {
        return [finding('out-of-range', path, `expected ${integerRangeText(schema)} but found ${found}`)];
      }
      return [finding('bad-type', path, `expected ${expectedText(schema)} but found ${found}`)];
    case ValueErrorType.String:
    case ValueErrorType.Number:
    case ValueErrorType.Boolean:
    case ValueErrorType.Array:
    case ValueErrorType.Object:
    case ValueErrorType.Null:
      return [finding('bad-type', path, `expected ${expectedText(schema)} but found ${found}`)];
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
      return [finding('out-of-range', path, `expected ${integerRangeText(schema)} but found ${found}`)];
    case ValueErrorType.StringMinLength:
    case ValueErrorType.StringMaxLength:
      return [finding('out-of-range', path, `expected ${lengthText(schema)} but found ${found}`)];
    case ValueErrorType.ArrayMinItems:
    case ValueErrorType.ArrayMaxItems:
      return [finding('out-of-range', path, `expected ${itemsText(schema)} but found ${(e.value as unknown[]).length}`)];
    case ValueErrorType.ArrayUniqueItems:
      return [finding('duplicate-item', path, 'the list repeats an item; each item may appear once')];
    case ValueErrorType.StringPattern:
      return [finding('bad-format', path, `expected ${patternText(schema.pattern ?? '')} but found ${found}`)];
    default:
      return [finding('schema', path, `${e.message} (found ${found})`)];
  }
}

function explainUnion(schema: Schema, value: unknown, path: string, spelling: Spelling | undefined): Diagnostic[] {
  const members = schema.anyOf ?? [];
  if (members.every((m) => m.const !== undefined)) {
    const names = members.map((m) => String(m.const));
    const hint = typeof value === 'string' ? suggestion(value, names) : '';
    return [finding('bad-enum', path, `expected one of ${names.join(', ')} but found ${describeValue(value)}${hint}`)];
  }
  if (members.every((m) => m.properties?.['type']?.const !== undefined)) return explainTyped(members, value, path, spelling);
  if (members.some((m) => m.pattern === patternOf(Address))) return explainAddress(value, path);
  const expected = members.map(expectedText).join(' or ');
  return [finding('bad-type', path, `expected ${expected} but found ${describeValue(value)}`)];
}

/** Objects discriminated by `type`: validate against the one member the user meant. */
function explainTyped(members: Schema[], value: unknown, path: string, spelling: Spelling | undefined): Diagnostic[] {
  const types = members.map((m) => String(m.properties!['type']!.const));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [finding('bad-type', path, `expected an object with a type (${types.join(', ')}) but found ${describeValue(value)}`)];
  }
  const type = (value as Record<string, unknown>)['type'];
  const typePath = childPath(path, 'type');
  if (type === undefined) {
    return [finding('missing-property', typePath, `missing required property "type" (one of ${types.join(', ')})`)];
  }
  const member = members[types.indexOf(type as string)];
  if (member === undefined) return explainUnion({ anyOf: types.map((t) => ({ const: t })) } as Schema, type, typePath, spelling);
  return schemaDiagnostics(member, value, path, spelling);
}

function explainAddress(value: unknown, path: string): Diagnostic[] {
  const text = `expected an integer or a hex string such as "0x8000000000" but found ${describeValue(value)}`;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
    const n = BigInt(value);
    if (n < 0n) return [finding('out-of-range', path, `an address cannot be negative (found ${n})`)];
    if (n >= 1n << 64n) return [finding('bad-address', path, `${n} does not fit in 64 bits`)];
    return [
      finding(
        'bad-address',
        path,
        `${n} is above 2^53, where YAML and JSON numbers lose precision; write it as a quoted hex string: "0x${n.toString(16)}"`,
      ),
    ];
  }
  if (typeof value === 'string' && /^0[xX][0-9a-fA-F]+$/.test(value)) {
    return [finding('bad-address', path, `${value} has ${value.length - 2} hex digits; a 64-bit address has at most 16`)];
  }
  return [finding(typeof value === 'string' ? 'bad-format' : 'bad-type', path, text)];
}

/**
 * Devfns are `addr` (bad-addr) or `dmaAliases` entries (bad-alias); range problems are bad-devfn either way.
 * A number is never a devfn: YAML reads an unquoted `10.0` as 10 and `03.1` as 3.1, and taking 10 as
 * device 0x0a would silently move the function.
 */
function explainDevfn(value: unknown, path: string, spelled: string | undefined): Diagnostic[] {
  const inAliases = /\.dmaAliases\[\d+\]$/.test(path);
  const code: TopologyCode = inAliases ? 'bad-alias' : 'bad-addr';
  const expected = 'expected "dd.f" (device.function in hex, as lspci prints it, quoted)';
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = devfnFromSpelling(spelled) ?? devfnFromNumber(value);
    const advice = text ? `${unquoted(spelled)}quote it: "${text}"` : `${unquoted(spelled)}write it as quoted "dd.f" text`;
    return [finding(code, path, `${expected}, but found the number ${describeValue(value)}: ${advice}`)];
  }
  const parts = typeof value === 'string' ? looseDevfn(value) : undefined;
  const rangeProblem = parts && devfnRangeProblem(parts);
  if (rangeProblem) return [finding(inAliases ? 'bad-alias' : 'bad-devfn', path, rangeProblem)];
  return [finding(code, path, `${expected}, but found ${describeValue(value)}`)];
}

/** `an unquoted 10.0 is read as a number; ` when the source spelling is known. */
function unquoted(spelled: string | undefined): string {
  return spelled === undefined ? '' : `an unquoted ${spelled} is read as a number; `;
}

/** What the user meant by an unquoted devfn: `10.0`, `3.1`, `1f` or `0x10` as "dd.f" text. */
function devfnFromSpelling(spelled: string | undefined): string | undefined {
  const m = spelled === undefined ? null : /^(?:0[xX])?([0-9a-fA-F]{1,2})(?:\.([0-7]))?$/.exec(spelled.trim());
  return m ? `${m[1]!.padStart(2, '0')}.${m[2] ?? '0'}` : undefined;
}

/** Without the spelling (JSON, the library API): 3.1 as "03.1", an integer device as its hex "dd.0". */
function devfnFromNumber(n: number | bigint): string | undefined {
  const m = /^(\d{1,2})\.([0-7])$/.exec(String(n));
  if (m) return `${m[1]!.padStart(2, '0')}.${m[2]}`;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 31 ? `${n.toString(16).padStart(2, '0')}.0` : undefined;
}

function patternOf(union: TSchema): string | undefined {
  return (union as Schema).anyOf?.find((m) => m.pattern !== undefined)?.pattern;
}

/** What each pattern of the schema means, in words; unknown patterns are shown as they are. */
function patternText(pattern: string): string {
  const described: [TSchema, string][] = [
    [Id, 'an id: a letter or "_", then letters, digits or any of _ . : @ -'],
    [BdfText, 'bus:device.function in hex, like "00:1f.0"'],
    [AcpiHeaderDefaults.properties.oemId, 'printable ASCII characters only'],
  ];
  return described.find(([s]) => (s as Schema).pattern === pattern)?.[1] ?? `text matching ${pattern}`;
}

function lengthText(s: Schema): string {
  if (s.minLength !== undefined && s.maxLength !== undefined) return `text of ${s.minLength} to ${s.maxLength} characters`;
  if (s.maxLength !== undefined) return `at most ${s.maxLength} characters`;
  return s.minLength === 1 ? 'a non-empty text' : `at least ${s.minLength} characters`;
}

function itemsText(s: Schema): string {
  if (s.maxItems !== undefined) return `at most ${s.maxItems} item(s)`;
  return `at least ${s.minItems} item(s)`;
}

function lastKey(path: string): string {
  const tail = path.slice(parentPath(path)?.length ?? 0);
  return tail.startsWith('["') ? (JSON.parse(tail.slice(1, -1)) as string) : tail.replace(/^\./, '');
}

/** A TypeBox JSON pointer as our path; array indexes are told from keys by the value they walk. */
function resolvePointer(root: unknown, pointer: string, base: string): string {
  let path = base;
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const token: PathToken = Array.isArray(node) ? Number(key) : key;
    path = childPath(path, token);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

function uniqueDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}\0${d.path}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
