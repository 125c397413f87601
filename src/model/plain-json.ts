/**
 * The fast way in for large topologies: JSON that the YAML reader would read
 * to the very same value with nothing to report is parsed by JSON.parse.
 *
 * The YAML document model costs ~180 bytes of heap per character and about
 * a second per MiB; a generated topology of 100k endpoints is several MiB of
 * JSON. One linear scan decides whether the text is "plain": an object at the
 * root, no duplicate or forbidden keys, nesting within MAX_YAML_DEPTH, only
 * integers that are exact as doubles (a topology has no fractions; the YAML
 * reader has its own rules for those), no key YAML would not take as an
 * implicit key. Anything else goes to the YAML reader, which says exactly
 * what is wrong and where. The same scan, told a document path, finds where
 * that path's key or value starts, so diagnostics keep their line and column
 * without the document model: all the paths asked for in one scan, since a
 * scan per diagnostic made 5,000 findings take 18 s (issue 21).
 */
import { MAX_YAML_DEPTH } from '../limits.js';
import { lowerBound } from '../lower-bound.js';
import { childPath, parentPath } from './doc-path.js';
import type { LocateRequest, SourcePosition } from './yaml-json.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Keys of one object searched as a list (a topology object has up to ~20); more go into a Set. */
const LISTED_KEYS = 32;
/** YAML takes implicit keys of at most 1024 characters. */
const MAX_KEY_CHARS = 1024;
/** Digits an integer may have and still be read exactly by JSON.parse (below 2^53). */
const EXACT_DIGITS = 15;

export interface PlainJson {
  value: unknown;
  /** Line and column of the key or value at a path (a missing path falls back to its parent). */
  locate(path: string, at: 'key' | 'value'): SourcePosition;
  /** locate() for many paths at once, in one scan of the text. */
  locateAll(requests: readonly LocateRequest[]): SourcePosition[];
}

/**
 * The last text plainRootKeys found plain, so that readPlainJson does not
 * scan it again when the same input goes on to be read as a topology (one
 * scan of 58 MB at 1M endpoints); taken (and forgotten) by the next read.
 */
let foundPlain: string | undefined;

/** The value of plain JSON text, or undefined when the YAML reader must read it. */
export function readPlainJson(text: string): PlainJson | undefined {
  const known = foundPlain === text;
  foundPlain = undefined;
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const first = source.trimStart()[0];
  if (first !== '{') return undefined;
  if (!known && !new Scanner(source).plain()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return undefined;
  }
  const locateAll = (requests: readonly LocateRequest[]) => locateIn(source, requests);
  return { value, locate: (path, at) => locateAll([{ path, at }])[0]!, locateAll };
}

/**
 * The root object's keys of plain JSON text (as readPlainJson reads it), in
 * order, or undefined when the text is not plain: a topology told from
 * decoded-table JSON by its keys, without JSON.parse building (and
 * dropping) a document of a million nodes first.
 */
export function plainRootKeys(text: string): string[] | undefined {
  if (text.trimStart()[0] !== '{') return undefined;
  const scanner = new Scanner(text);
  if (!scanner.plain()) return undefined;
  foundPlain = text;
  return scanner.rootKeys;
}

function locateIn(source: string, requests: readonly LocateRequest[]): SourcePosition[] {
  // A valid topology has nothing to locate: no second scan of the whole text.
  if (requests.length === 0) return [];
  const wanted = { key: new Set<string>(), value: new Set<string>() };
  for (const { path, at } of requests) {
    wanted[at].add(path);
    // A path that is not in the text falls back to its nearest ancestor's value.
    for (let p = parentPath(path); p !== undefined && !wanted.value.has(p); p = parentPath(p)) wanted.value.add(p);
  }
  const scanner = new Scanner(source, wanted);
  scanner.scan();
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const position = (offset: number): SourcePosition => {
    const line = lowerBound(lineStarts.length, (k) => lineStarts[k]! <= offset);
    return { line, column: offset - lineStarts[line - 1]! + 1 };
  };
  return requests.map(({ path, at }) => {
    for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
      const offset = scanner.found[p === path ? at : 'value'].get(p);
      if (offset !== undefined) return position(offset);
    }
    return { line: 1, column: 1 };
  });
}

/** Thrown inside the scan when the text is not plain. */
class Stop {}

class Scanner {
  private i = 0;
  /** Where the wanted paths' keys and values start. */
  readonly found = { key: new Map<string, number>(), value: new Map<string, number>() };
  /** The keys of the root object, in order. */
  readonly rootKeys: string[] = [];

  constructor(
    private readonly s: string,
    /** Paths whose key or value start to record; undefined to check plainness only. */
    private readonly wanted?: { key: ReadonlySet<string>; value: ReadonlySet<string> },
  ) {}

  plain(): boolean {
    try {
      this.value('', 0);
      this.ws();
      return this.i === this.s.length;
    } catch (e) {
      if (e instanceof Stop) return false;
      throw e;
    }
  }

  /** Scans text already found plain, recording the wanted spots. */
  scan(): void {
    try {
      this.value('', 0);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
  }

  private ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++this.i);
  }

  private value(path: string, depth: number): void {
    this.ws();
    if (this.wanted?.value.has(path)) this.found.value.set(path, this.i);
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b) return this.object(path, depth + 1);
    if (c === 0x5b) return this.array(path, depth + 1);
    // A string value's text is not kept: only keys are compared (a slice per value of the document before).
    if (c === 0x22) return void this.skipString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    throw new Stop();
  }

  /** Steps into a collection at `depth`; true when it closes at once (`{}`, `[]`). */
  private opensEmpty(depth: number, close: number): boolean {
    if (depth > MAX_YAML_DEPTH) throw new Stop();
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) !== close) return false;
    this.i++;
    return true;
  }

  private object(path: string, depth: number): void {
    if (this.opensEmpty(depth, 0x7d)) return;
    // A topology's objects have a handful of keys: a list searched is cheaper than a Set per object (a million
    // of them); past LISTED_KEYS (a hostile object of 100k keys) a Set, so the search never turns quadratic.
    const keys: string[] = [];
    let many: Set<string> | undefined;
    for (;;) {
      this.ws();
      const keyAt = this.i;
      if (this.s.charCodeAt(this.i) !== 0x22) throw new Stop();
      const key = this.string();
      if ((many ? many.has(key) : keys.includes(key)) || FORBIDDEN_KEYS.has(key) || key.length > MAX_KEY_CHARS) throw new Stop();
      if (many) many.add(key);
      else if (keys.push(key) > LISTED_KEYS) many = new Set(keys);
      if (depth === 1) this.rootKeys.push(key);
      // Paths only when some are wanted: the plainness check alone made one string per node of the document.
      const child = this.wanted ? childPath(path, key) : path;
      if (this.wanted?.key.has(child)) this.found.key.set(child, keyAt);
      this.ws();
      if (this.s.charCodeAt(this.i++) !== 0x3a) throw new Stop();
      this.value(child, depth);
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) return;
      if (c !== 0x2c) throw new Stop();
    }
  }

  private array(path: string, depth: number): void {
    if (this.opensEmpty(depth, 0x5d)) return;
    for (let index = 0; ; index++) {
      const child = this.wanted ? childPath(path, index) : path;
      // An item has no key: its key is where its value starts.
      if (this.wanted?.key.has(child)) {
        this.ws();
        this.found.key.set(child, this.i);
      }
      this.value(child, depth);
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) return;
      if (c !== 0x2c) throw new Stop();
    }
  }

  /** A string token; returns its text (escapes decoded only when there are any). */
  private string(): string {
    const start = this.i;
    return this.stringToken() ? this.unescaped(start) : this.s.slice(start + 1, this.i - 1);
  }

  /** A string token whose text is not needed; its escapes are still checked. */
  private skipString(): void {
    const start = this.i;
    if (this.stringToken()) this.unescaped(start);
  }

  /** Steps over a string token; whether it has escapes. */
  private stringToken(): boolean {
    const s = this.s;
    this.i++;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(this.i++);
      if (c === 0x22) return escaped;
      if (c === 0x5c) {
        escaped = true;
        this.i++;
      } else if (c < 0x20 || Number.isNaN(c)) {
        throw new Stop();
      }
    }
  }

  /** The text of the escaped string token from `start` to here, as JSON.parse reads it. */
  private unescaped(start: number): string {
    try {
      return JSON.parse(this.s.slice(start, this.i)) as string;
    } catch {
      throw new Stop();
    }
  }

  /** An integer token of at most EXACT_DIGITS digits (longer ones the YAML reader keeps exact, as bigint). */
  private number(): void {
    const s = this.s;
    if (s.charCodeAt(this.i) === 0x2d) this.i++;
    const start = this.i;
    for (let c = s.charCodeAt(this.i); c >= 0x30 && c <= 0x39; c = s.charCodeAt(++this.i));
    const digits = this.i - start;
    const next = s.charCodeAt(this.i);
    if (digits === 0 || digits > EXACT_DIGITS || next === 0x2e || next === 0x65 || next === 0x45) throw new Stop();
  }
}
