/**
 * Argument checks for the library API (src/index.ts). The CLI and the page
 * call the inner functions with values they built themselves; a tool that
 * embeds ridmap may pass anything, and must get the project's input error
 * (InputError, code `invalid-argument`) naming the function, the argument
 * and what was wrong, never a TypeError from deep inside or a silently wrong
 * answer (`rid(-1, 0)` was 0xff00).
 *
 * A check returns what is wrong with a value (completing "bus must be ..."),
 * or undefined when it is fine. Checks look at the shape a function relies
 * on, linearly: elements of arrays are checked one by one, never recursively
 * by input-chosen depth.
 */
import { InputError } from '../diagnostic.js';

export type Check = (v: unknown) => string | undefined;

export const INVALID_ARGUMENT = 'invalid-argument';

/** How a wrong value is named in a message: its type, and the value itself when short. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'string') return v.length <= 40 ? `the string ${JSON.stringify(v)}` : `a string of ${v.length} characters`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'function') return 'a function';
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const bytes: Check = (v) =>
  v instanceof Uint8Array
    ? undefined
    : `must be a Uint8Array (a Buffer is one), not ${describe(v)}` +
      (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? '; for an ArrayBuffer or another view, pass new Uint8Array(buffer, byteOffset, byteLength)' : '');

export const string: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, not ${describe(v)}`);

export const nonEmptyString: Check = (v) => string(v) ?? (v === '' ? 'must not be empty' : undefined);

export const int = (min: number, max: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
    ? undefined
    : `must be an integer from ${fmt(min)} to ${fmt(max)}, not ${describe(v)}`;

const fmt = (n: number) => (n > 0xff && n !== Number.MAX_SAFE_INTEGER ? `0x${n.toString(16)}` : n === Number.MAX_SAFE_INTEGER ? '2^53-1' : String(n));

export const oneOf = (values: readonly string[]): Check => (v) =>
  typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}, not ${describe(v)}`;

export const either = (a: Check, b: Check, what: string): Check => (v) => (a(v) === undefined || b(v) === undefined ? undefined : `must be ${what}, not ${describe(v)}`);

export const optional = (c: Check): Check => (v) => (v === undefined ? undefined : c(v));

/** An object whose listed keys pass their checks (other keys are not looked at). */
export const object = (what: string, keys: Record<string, Check> = {}): Check => (v) => {
  if (!isObject(v)) return `must be ${what}, not ${describe(v)}`;
  for (const [key, check] of Object.entries(keys)) {
    const wrong = check(v[key]);
    if (wrong !== undefined) return `must be ${what}: its ${key} ${wrong}`;
  }
  return undefined;
};

export const arrayOf = (element: Check): Check => (v) => {
  if (!Array.isArray(v)) return `must be an array, not ${describe(v)}`;
  for (let i = 0; i < v.length; i++) {
    const wrong = element(v[i]);
    if (wrong !== undefined) return `[${i}] ${wrong}`;
  }
  return undefined;
};

export const instanceOf = (type: new (...a: never[]) => unknown, what: string): Check => (v) => (v instanceof type ? undefined : `must be ${what}, not ${describe(v)}`);

export function argumentError(fn: string, message: string): InputError {
  return new InputError([{ severity: 'error', code: INVALID_ARGUMENT, message: `${fn}: ${message}` }]);
}

/** The first problem with `args` against `params` (too many arguments, or one that fails its check). */
export function checkArguments(fn: string, params: readonly (readonly [string, Check])[], args: readonly unknown[]): InputError | undefined {
  const signature = `${fn}(${params.map(([n]) => n).join(', ')})`;
  if (args.length > params.length) return argumentError(fn, `takes ${params.length} argument${params.length === 1 ? '' : 's'}, ${signature}; got ${args.length}`);
  for (let i = 0; i < params.length; i++) {
    const [name, check] = params[i]!;
    const wrong = check(args[i]);
    if (wrong !== undefined) return argumentError(fn, `${name} ${wrong}`);
  }
  return undefined;
}

/** `f` with its arguments checked first; an async `f` rejects rather than throws, as it would for any other failure. */
export function guarded<F extends (...args: never[]) => unknown>(fn: string, params: readonly (readonly [string, Check])[], f: F, mode: 'sync' | 'async' = 'sync'): F {
  const g = (...args: unknown[]): unknown => {
    const problem = checkArguments(fn, params, args);
    if (problem) {
      if (mode === 'async') return Promise.reject(problem);
      throw problem;
    }
    return (f as unknown as (...a: unknown[]) => unknown)(...args);
  };
  return g as unknown as F;
}
