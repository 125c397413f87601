/**
 * YAML (and therefore JSON) text to a plain JSON value, with the source
 * position of every value and key so that any later diagnostic can name a
 * line and column.
 *
 * The conversion is ours rather than yaml's toJS() because untrusted input
 * must never shape the objects we build: forbidden keys are dropped before
 * they touch an object, aliases are expanded under a budget (billion laughs),
 * and values JSON cannot carry (dates, binary, sets, NaN) are refused instead
 * of sneaking through as exotic objects.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  type Document,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import { MAX_YAML_ALIAS_COUNT, MAX_YAML_ALIASED_NODES, MAX_YAML_DEPTH, MAX_YAML_NESTING_PARSED } from '../limits.js';
import { childPath, parentPath } from './doc-path.js';
import { appendAll } from '../append.js';

/** Every code the reader can report (the table tests and users rely on). */
export const YAML_DIAGNOSTIC_CODES = {
  'yaml-syntax': 'The YAML parser\'s errors and warnings (text that is not well-formed YAML or JSON), and aliases without an anchor.',
  'yaml-duplicate-key': 'A mapping states the same key twice.',
  'yaml-alias-limit': 'Aliases expand beyond the budget (an alias bomb).',
  'yaml-too-deep': 'Collections nested deeper than any topology needs (a stack-exhaustion attempt).',
  'yaml-non-json': 'A YAML value without a JSON equivalent: an explicit tag, date, binary, set, .nan/.inf or a recursive alias.',
  'forbidden-key': 'A key named __proto__, constructor or prototype (never copied into an object).',
} as const;

export type YamlCode = keyof typeof YAML_DIAGNOSTIC_CODES;

// The budgets (alias count, aliased nodes, depth) are in src/limits.ts, with the reasons for their values.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const JSON_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

export interface SourcePosition {
  line: number;
  column: number;
}

export interface LocateRequest {
  path: string;
  at: 'key' | 'value';
}

export interface YamlJson {
  value: unknown;
  diagnostics: Diagnostic[];
  /** The tree cannot be trusted (syntax errors, alias budget): validating it would only add noise. */
  unreliable: boolean;
  /** Paths whose value was refused (now null); other diagnostics at or below them would repeat the problem. */
  refused: string[];
  /** Line and column of the value (or the key) at a path; a missing path falls back to its parent. */
  locate(path: string, at: 'key' | 'value'): SourcePosition;
  /** locate() for many paths at once (plain JSON finds them all in one scan of the text). */
  locateAll(requests: readonly LocateRequest[]): SourcePosition[];
  /** The source text of the plain scalar that became the number at a path (`10.0` for 10). */
  spelling(path: string): string | undefined;
}

interface NodeSpan {
  start: number;
  end: number;
  key?: number;
}

export function readYamlJson(text: string): YamlJson {
  const lineCounter = new LineCounter();
  // The BOM would shift every column of line 1.
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const tooDeep = tooDeepToParse(source);
  if (tooDeep) return tooDeep;
  const doc = parseDocument(source, {
    lineCounter,
    schema: 'core', // YAML 1.2 core even under `%YAML 1.1`: no yes/no booleans, no sexagesimal
    intAsBigInt: true, // lets us tell 2^53+1 from its rounded neighbour
    uniqueKeys: false, // duplicates are reported below, with their path
    prettyErrors: false,
  });
  const reader = new Converter(doc, lineCounter);
  const value = reader.node(doc.contents, '', undefined, 0);
  const parserDiagnostics = [...doc.errors, ...doc.warnings]
    // The converter reports unresolved tags itself, at the value's path rather than the tag's.
    .filter((e) => e.code !== 'TAG_RESOLVE_FAILED')
    .map((e) => reader.fromYamlError(e));
  const diagnostics = [...parserDiagnostics, ...reader.diagnostics];
  const unreliable = doc.errors.length > 0 || reader.truncated;
  // An unreliable tree is never validated, so it must never come without an error that says why.
  if (unreliable && !diagnostics.some((d) => d.severity === 'error')) appendAll(diagnostics, doc.errors.map((e) => reader.fromYamlError(e)));
  return {
    value,
    diagnostics,
    unreliable,
    refused: reader.refused,
    locate: (path, at) => reader.locate(path, at),
    locateAll: (requests) => requests.map(({ path, at }) => reader.locate(path, at)),
    spelling: (path) => reader.numberSpellings.get(path),
  };
}

/**
 * The parser recurses once per nesting level (a stack overflow near 900
 * levels) and its time grows steeply with flow nesting (`[[[...`: a million
 * levels take ~10 s), so a document nested beyond MAX_YAML_NESTING_PARSED is
 * refused before parsing. The lexer is linear and iterative, and knows which
 * indicators are inside quoted text or block scalars.
 */
function tooDeepToParse(source: string): YamlJson | undefined {
  const depth = new NestingEstimate();
  let offset = 0;
  for (const token of new Lexer().lex(source)) {
    if (depth.next(token) > MAX_YAML_NESTING_PARSED) {
      const line = lineAt(source, offset);
      const col = offset - source.lastIndexOf('\n', offset - 1);
      const message = `collections nest deeper than ${MAX_YAML_NESTING_PARSED} levels; the document was not parsed`;
      const diagnostics: Diagnostic[] = [{ severity: 'error', code: 'yaml-too-deep', message, path: '', line, column: col }];
      return { value: null, diagnostics, unreliable: true, refused: [], locate: () => ({ line, column: col }),
        locateAll: (requests) => requests.map(() => ({ line, column: col })), spelling: () => undefined };
    }
    // Lexer tokens are the source text itself (plus one-character control tokens that are not).
    if (!isControlToken(token)) offset += token.length;
  }
  return undefined;
}

const isControlToken = (token: string): boolean => token.length === 1 && '\x02\x18\x1f'.includes(token);

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Nesting depth of the lexer's tokens so far, as an upper estimate: flow
 * brackets open levels; a block collection starts at a greater column than
 * the one around it, so the columns where block content starts (the line's
 * indentation, and after each `- `, `? ` or `: ` on it) form a stack that
 * is popped when a line starts further left. A scalar value adds one level
 * too many, and a sequence at its key's column one too few: within a factor
 * of two of the real depth, which is all a stack guard needs.
 */
class NestingEstimate {
  private flow = 0;
  private readonly columns: number[] = [];
  private column = 0;
  /** At the start of a line, or just after a block indicator: the next content starts a level. */
  private levelStart = true;

  /** Feeds one token; returns the depth at it. */
  next(token: string): number {
    if (isControlToken(token)) return this.depth();
    const start = this.column;
    const lastNewline = token.lastIndexOf('\n');
    this.column = lastNewline === -1 ? this.column + token.length : token.length - lastNewline - 1;
    if (token === '[' || token === '{') this.flow++;
    else if ((token === ']' || token === '}') && this.flow > 0) this.flow--;
    if (this.flow > 0) return this.depth();
    if (lastNewline !== -1 && token.trim() === '') {
      // A newline (with or without the next line's indentation): the next content starts a level.
      this.levelStart = true;
      return this.depth();
    }
    // Blanks and comments start no level (a comment ends at its line's end, so lastNewline is -1 here).
    if (token.trim() === '' || token.startsWith('#')) return this.depth();
    if (this.levelStart) {
      while (this.columns.length > 0 && this.columns[this.columns.length - 1]! > start) this.columns.pop();
      if (this.columns.length === 0 || this.columns[this.columns.length - 1]! < start) this.columns.push(start);
    }
    // A block scalar or multi-line quoted text that ends a line leaves the next line to start a level.
    this.levelStart = token === '-' || token === '?' || token === ':' || lastNewline === token.length - 1;
    return this.depth();
  }

  private depth(): number {
    return this.flow + this.columns.length;
  }
}

class Converter {
  readonly diagnostics: Diagnostic[] = [];
  readonly refused: string[] = [];
  /** Numbers as written, by path: a devfn written `10.0` is the number 10, and the advice quotes `10.0`. */
  readonly numberSpellings = new Map<string, string>();
  /** Part of the tree was cut off (alias budget, depth): its shape cannot be validated. */
  truncated = false;
  private readonly spans = new Map<string, NodeSpan>();
  private aliasCount = 0;
  private aliasedNodes = 0;
  private aliasDepth = 0;
  /** Collections being converted: an alias to one of them is a cycle. */
  private readonly open = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  node(node: unknown, path: string, keyOffset: number | undefined, depth: number): unknown {
    this.record(node, path, keyOffset);
    if (this.aliasDepth > 0 && ++this.aliasedNodes > MAX_YAML_ALIASED_NODES) return this.overBudget(path);
    if (depth > MAX_YAML_DEPTH) return this.truncate('yaml-too-deep', path, `collections nest deeper than ${MAX_YAML_DEPTH} levels`);
    if (node === null || node === undefined) return null;
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !JSON_TAGS.has(tag)) {
      return this.refuse(path, `the YAML tag ${shortTag(tag)} has no JSON equivalent`);
    }
    if (isAlias(node)) return this.alias(node, path, depth);
    if (isScalar(node)) {
      // yaml leaves a scalar as text when its tag cannot resolve it (`!!int abc`).
      if (tag !== undefined && !tag.endsWith(':str') && typeof node.value === 'string') {
        return this.refuse(path, `${JSON.stringify(node.value)} is not a valid ${shortTag(tag)}`);
      }
      const value = this.scalar(node.value, path);
      if ((typeof value === 'number' || typeof value === 'bigint') && node.source !== undefined && this.aliasDepth === 0) {
        this.numberSpellings.set(path, node.source);
      }
      return value;
    }
    if (isSeq(node) || isMap(node)) {
      this.open.add(node);
      const value = isSeq(node)
        ? node.items.map((item, i) => this.node(item, childPath(path, i), undefined, depth + 1))
        : this.map(node.items, path, depth + 1);
      this.open.delete(node);
      return value;
    }
    return this.refuse(path, 'a YAML node of an unknown kind');
  }

  private map(pairs: readonly { key: unknown; value: unknown }[], path: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const pair of pairs) {
      const keyOffset = rangeOf(pair.key)?.[0];
      const key = this.key(pair.key, path);
      if (key === undefined) continue;
      const at = childPath(path, key);
      if (FORBIDDEN_KEYS.has(key)) {
        this.record(pair.key, at, keyOffset);
        this.report('forbidden-key', at, `the key "${key}" is not allowed (it would reach JavaScript object internals)`);
        continue;
      }
      if (seen.has(key)) {
        this.report('yaml-duplicate-key', at, `duplicate key "${key}" (the first one is used)`, keyOffset);
        continue;
      }
      seen.add(key);
      out[key] = this.node(pair.value ?? null, at, keyOffset, depth);
    }
    return out;
  }

  /** JSON keys are strings; scalar keys are spelled as text, collections as keys are refused. */
  private key(node: unknown, path: string): string | undefined {
    // A tag on a key (`!!timestamp "aliases": ...`) is refused like one on a value; unreported, its
    // TAG_RESOLVE_FAILED made the document unreliable without a single error, and it was accepted unvalidated.
    const tag = (node as { tag?: string } | null)?.tag;
    if (isScalar(node) && (tag === undefined || tag.endsWith(':str'))) {
      const v = node.value;
      if (typeof v === 'string') return v;
      if (v === null || ['number', 'bigint', 'boolean'].includes(typeof v)) return String(v);
    }
    this.report('yaml-non-json', path, 'a mapping key that is not plain text (JSON keys are strings)', rangeOf(node)?.[0]);
    return undefined;
  }

  private scalar(v: unknown, path: string): unknown {
    if (typeof v === 'bigint') {
      // Safe integers become numbers; larger ones stay bigint so the validator can say "quote it".
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return this.refuse(path, `${v} is not a JSON number`);
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return v;
    return this.refuse(path, `a ${describeExotic(v)} value has no JSON equivalent; quote it if you mean text`);
  }

  private alias(node: { resolve(doc: Document): unknown; source: string }, path: string, depth: number): unknown {
    if (++this.aliasCount > MAX_YAML_ALIAS_COUNT) return this.overBudget(path);
    const target = node.resolve(this.doc);
    if (target === undefined) {
      this.refused.push(path);
      this.report('yaml-syntax', path, `alias *${node.source} has no anchor &${node.source} before it`);
      return null;
    }
    if (this.open.has(target)) return this.refuse(path, `alias *${node.source} refers to a node that contains it`);
    this.aliasDepth++;
    // Problems inside the expansion are located at the alias: that is where this path's value is written.
    const value = this.node(target, path, undefined, depth);
    this.aliasDepth--;
    return value;
  }

  private overBudget(path: string): null {
    const limits = `${MAX_YAML_ALIAS_COUNT} references or ${MAX_YAML_ALIASED_NODES} nodes`;
    return this.truncate('yaml-alias-limit', path, `aliases expand beyond ${limits}; this looks like an alias bomb`);
  }

  /** Reported once per document: after the first cut, every further node would repeat it. */
  private truncate(code: YamlCode, path: string, message: string): null {
    if (!this.diagnostics.some((d) => d.code === code)) this.report(code, path, message);
    this.truncated = true;
    return null;
  }

  private refuse(path: string, message: string): null {
    this.refused.push(path);
    this.report('yaml-non-json', path, message);
    return null;
  }

  private record(node: unknown, path: string, keyOffset: number | undefined): void {
    if (this.aliasDepth > 0 || this.spans.has(path)) return;
    const range = rangeOf(node);
    const start = range?.[0] ?? keyOffset ?? 0;
    this.spans.set(path, { start, end: range?.[1] ?? start, key: keyOffset });
  }

  private report(code: YamlCode, path: string, message: string, offset?: number): void {
    const where = offset === undefined ? this.locate(path, 'value') : this.position(offset);
    this.diagnostics.push({ severity: 'error', code, message, path, ...where });
  }

  fromYamlError(e: YAMLError): Diagnostic {
    const offset = e.pos[0];
    return { severity: 'error', code: 'yaml-syntax', message: e.message, path: this.innermostPath(offset), ...this.position(offset) };
  }

  /** The deepest recorded node around an offset: where a parser error sits in the document. */
  private innermostPath(offset: number): string {
    let best = '';
    let bestSize = Infinity;
    for (const [path, span] of this.spans) {
      const size = span.end - span.start;
      if (span.start <= offset && offset <= span.end && size <= bestSize) {
        best = path;
        bestSize = size;
      }
    }
    return best;
  }

  locate(path: string, at: 'key' | 'value'): SourcePosition {
    let p: string | undefined = path;
    while (p !== undefined) {
      const span = this.spans.get(p);
      if (span) return this.position(p === path && at === 'key' ? (span.key ?? span.start) : span.start);
      p = parentPath(p);
    }
    return { line: 1, column: 1 };
  }

  private position(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function rangeOf(node: unknown): readonly [number, number, number?] | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return Array.isArray(r) ? r : undefined;
}

function shortTag(tag: string): string {
  return tag.replace('tag:yaml.org,2002:', '!!');
}

function describeExotic(v: unknown): string {
  if (v instanceof Date) return 'date (!!timestamp)';
  if (v instanceof Uint8Array) return 'binary (!!binary)';
  return typeof v === 'object' && v !== null ? (v.constructor?.name ?? 'object') : typeof v;
}
