/**
 * Document paths in the form diagnostics print them: `hostBridges[0].children[2].addr`.
 *
 * One spelling everywhere matters: the YAML reader indexes node positions by
 * this string and the validators report by it, so a diagnostic finds its
 * line and column by plain lookup.
 */
export type PathToken = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends a key or index to a path; odd keys (from unknown properties) are quoted. */
export function childPath(base: string, token: PathToken): string {
  if (typeof token === 'number') return `${base}[${token}]`;
  if (!PLAIN_KEY.test(token)) return `${base}[${JSON.stringify(token)}]`;
  return base === '' ? token : `${base}.${token}`;
}

/** `.children[i]` for the first indexes, made once: every PCI node's path ends so, in the index and in each resolve. */
const CHILD_SUFFIXES: string[] = [];
const CACHED_CHILD_SUFFIXES = 1024;

/** childPath(childPath(base, 'children'), index), with one new string per call instead of three. */
export function childrenPath(base: string, index: number): string {
  if (index >= CACHED_CHILD_SUFFIXES) return `${base}.children[${index}]`;
  return base + (CHILD_SUFFIXES[index] ??= `.children[${index}]`);
}

export function formatPath(tokens: readonly PathToken[]): string {
  return tokens.reduce<string>(childPath, '');
}

const LAST_TOKEN = /(?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/;

/** The path one level up; undefined at the document root. */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const m = LAST_TOKEN.exec(path);
  return m ? path.slice(0, m.index) : '';
}
