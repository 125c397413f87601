/**
 * A one-pass reader for plain DTS: `/dts-v1/;`, `/memreserve/`, nodes
 * (`/ { }`, `&label { }`, `&{/path} { }`, children with unit addresses),
 * labels, properties whose values are cell lists of numbers and references
 * (`/bits/` before the first), strings, byte strings and path references,
 * and comments between statements. That is what generated trees (ridmap's
 * own board DTS, `dtc -O dts`, large machine descriptions) are made of.
 *
 * Why it exists: tree-sitter's wasm parse of a 2.2 MB DTS alone costs more
 * CPU than dtc's whole compile of it (0.9 s against 0.76 s here), before a
 * single CST node has been read through the binding; reading such text
 * directly takes a few tens of milliseconds.
 *
 * It is a fast path, never a second dialect: it gives up (undefined) on
 * anything else, however valid (includes, the preprocessor, expressions,
 * char literals, deletions, /omit-if-no-ref/, /plugin/, /incbin/, comments
 * inside values, line continuations) and on anything the tree-sitter parse
 * would report (a syntax error, an unknown label, a duplicate name, a value
 * out of range), and the tree-sitter parse then reads the text and says
 * what it says. Where it reads, it hands each statement to a builder: the
 * tree's (below) builds through the same assembly (dts-assembly.ts) and value
 * converters (dts-values.ts) as tree-sitter's reading, and the tests check
 * that both give the same tree on every fixture and corpus file;
 * dts-plain-dtb.ts's writes the DTB without the tree.
 * Nesting is followed with an explicit stack, capped at FDT_MAX_DEPTH.
 */
import { DtsAssembly, type Scope } from './dts-assembly.js';
import { parseNumber, U64 } from './dts-tokens.js';
import { bytesChunk, checkedCell, stringChunk } from './dts-values.js';
import { FDT_MAX_DEPTH } from './fdt.js';
import { nodeAtPath, type DtCell, type DtCellBits, type DtChunk, type DtRef, type DtTree } from './tree.js';

/** Thrown inside the reader to give up; never escapes it. */
class NotPlain {}
const NOT_PLAIN = new NotPlain();

/** Characters of names as the tree-sitter grammar takes them (a label's are a subset of a node's, a node's of a property's). */
const LABEL = 1;
const NODE = 2;
const PROPERTY = 4;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** Marked by character codes, not by testing each of 128 one-character strings against a regex (a cost of every start). */
const CLASS = new Uint8Array(128);
const mark = (chars: string, cls: number) => {
  for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)]! |= cls;
};
for (let c = 0; c < 128; c++) {
  if (isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) CLASS[c] = LABEL | NODE | PROPERTY;
}
mark('_', LABEL | NODE | PROPERTY);
mark(',.+-', NODE | PROPERTY);
mark('?#', PROPERTY);
const isClass = (c: number, cls: number) => c < 128 && (CLASS[c]! & cls) !== 0;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** The whitespace both the grammar and dtc skip (no Unicode spaces: those are errors to tree-sitter). */
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

const LABEL_NAME = /^[a-zA-Z_][0-9a-zA-Z_]*$/;
const NODE_NAME = /^[0-9a-zA-Z,._+-]+$/;
/** tree-sitter's `path` inside `&{...}`: one or more `/name[@unit]`. */
const REF_PATH = /^(?:\/[0-9a-zA-Z,._+-]+(?:@[0-9a-zA-Z,._+-]+)?)+$/;
/** A statement starting like a preprocessor line is the preprocessor's (or may be): not plain. */
const PREPROCESSOR = /^#[ \t]*(?:include|define|undef|if|elif|else|endif|error|warning|pragma|line)/;
const CELL_BITS = new Set([8, 16, 32, 64]);
/** Properties of a node looked through for a name defined twice before the body keeps a set of them. */
const FEW = 16;
/** The labels of everything unlabelled (the tree replaces, never appends to, a labels list; frozen, so that code that did would fail loudly). */
const NO_LABELS = Object.freeze([]) as readonly string[] as string[];

/**
 * What the reader's statements build: the tree (TreeBuilder, below), or a
 * DTB written as the text is read (dts-plain-dtb.ts). A builder that meets
 * what it does not take gives up with notPlain(), as the reader does.
 * Scopes are the builder's handles of open bodies.
 */
export interface PlainBuilder<S, R> {
  memreserve(address: bigint, size: bigint, labels: string[]): void;
  /** The body of `/` (ref undefined) or of the node a reference names, with the labels before it. */
  topLevel(ref: DtRef | undefined, labels: string[]): S;
  /** A child node in `parent`'s body: `full` is `name` or `name@unit`. */
  child(parent: S, full: string, labels: string[]): S;
  /** A property defined in the body (an empty value: a boolean property). */
  property(scope: S, name: string, labels: string[], value: DtChunk[]): void;
  /** The body's `};`. */
  close(scope: S): void;
  /** A reference written in a value (before the property that holds it), in the order of the text. */
  reference(ref: DtRef): void;
  /** The text is read. */
  finish(): R;
}

/** The tree of plain DTS text, or undefined when the text is not plain (see above). */
export function parsePlainDts(text: string): DtTree | undefined {
  return readPlainDts(text, new TreeBuilder());
}

/** What `builder` makes of plain DTS text, or undefined when the text is not plain or the builder gives up. */
export function readPlainDts<S, R>(text: string, builder: PlainBuilder<S, R>): R | undefined {
  try {
    return new PlainReader(text, builder).read();
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

/** Gives up reading (inside readPlainDts: it returns undefined). */
export function notPlain(): never {
  throw NOT_PLAIN;
}
const give = notPlain;

/** The tree, through the same assembly (dts-assembly.ts) as the tree-sitter reading. */
class TreeBuilder implements PlainBuilder<Scope, DtTree> {
  private readonly assembly = new DtsAssembly();

  memreserve(address: bigint, size: bigint, labels: string[]): void {
    this.assembly.tree.memoryReservations.push({ address, size, labels });
  }

  topLevel(ref: DtRef | undefined, labels: string[]): Scope {
    const a = this.assembly;
    const target = ref === undefined ? a.tree.root : ((ref.kind === 'label' ? a.labels.get(ref.label) : nodeAtPath(a.tree.root, ref.path)) ?? give());
    a.addLabels(target, labels);
    return a.bodyScope(target);
  }

  child(scope: Scope, full: string, labels: string[]): Scope {
    const a = this.assembly;
    if (a.duplicateNode(scope, full)) give();
    const child = scope.fresh ? a.freshChild(scope.target!, full) : a.child(scope.target!, full);
    a.addLabels(child, labels);
    return a.bodyScope(child);
  }

  property(scope: Scope, name: string, labels: string[], value: DtChunk[]): void {
    const target = scope.target!;
    if (!scope.fresh) {
      this.assembly.setProperty(target, { name, labels, value });
      return;
    }
    // A fresh body's node has only what this body defined, all appended here: a name twice is in its list (dtc's
    // error, tree-sitter's to report). Most nodes have a few properties, so the list is looked through rather
    // than a set made per body; a long one gets the set, which keeps a wide node linear.
    const properties = target.properties;
    if (properties.length < FEW ? properties.some((p) => p.name === name) : this.assembly.duplicateProperty(scope, name)) give();
    properties.push({ name, labels, value });
    if (properties.length === FEW) for (const p of properties) this.assembly.duplicateProperty(scope, p.name);
  }

  close(scope: Scope): void {
    // A list grown by appending keeps room for 17 entries: the node's own lists at their size, as they stay.
    if (!scope.fresh) return;
    const target = scope.target!;
    if (target.properties.length < 17) target.properties = target.properties.slice();
    if (target.children.length > 0 && target.children.length < 17) target.children = target.children.slice();
  }

  /** References written in values: one that names no node once all is read is the tree-sitter reading's to report, where it is written. */
  private readonly references: DtRef[] = [];

  reference(ref: DtRef): void {
    this.references.push(ref);
  }

  finish(): DtTree {
    // Plain text has no deletions: the labels and nodes now are the finished tree's.
    const references = this.references;
    for (let i = 0; i < references.length; i++) if (!this.assembly.resolves(references[i]!)) give();
    return this.assembly.finish();
  }
}

/**
 * Why the reader is careful with what it keeps: a large tree is tens of
 * thousands of properties and every object they hold survives to the end, so
 * the garbage collector copies each of them (at 2.2 MB of DTS it was a third
 * of the CPU). Arrays are made at their final size (a grown array keeps room
 * for 17 elements), names that repeat are one string, and a property without
 * labels shares one empty list.
 */
class PlainReader<S, R> {
  private i = 0;
  /** Each property name once, however many properties have it, by a hash of its characters (first come keeps a slot). */
  private readonly names = new Map<number, string>();
  /** The run of name characters labels() read last and found no label in: where it starts and ends, and its hash. */
  private runStart = -1;
  private runEnd = -1;
  private runHash = 0;
  /** Cells of the list being read, copied out at their count. */
  private readonly scratch: DtCell[] = [];
  constructor(
    private readonly text: string,
    private readonly builder: PlainBuilder<S, R>,
  ) {}

  read(): R {
    const t = this.text;
    for (;;) {
      this.skip();
      if (this.i >= t.length) break;
      if (this.keyword('/dts-v1/')) {
        this.expect(0x3b); // ;
        continue;
      }
      const labels = this.labels();
      if (this.keyword('/memreserve/')) {
        const address = BigInt(this.integer());
        const size = BigInt(this.integer());
        this.expect(0x3b);
        this.builder.memreserve(address, size, labels);
        continue;
      }
      const scope = this.builder.topLevel(this.topLevelTarget(), labels);
      this.expect(0x7b); // {
      this.body(scope);
    }
    return this.builder.finish();
  }

  /** `/` (undefined), `&label` or `&{/path}` before a top-level body. */
  private topLevelTarget(): DtRef | undefined {
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 0x2f) {
      // `/` alone: a path or keyword after it is not plain.
      const next = t.charCodeAt(this.i + 1);
      if (isClass(next, PROPERTY) || next === 0x2f) give();
      this.i++;
      return undefined;
    }
    if (c !== 0x26) give();
    return this.reference();
  }

  /** A node body, after its `{`, to the `};` that closes it; children without recursion. */
  private body(first: S): void {
    const t = this.text;
    const stack: S[] = [first];
    const open = (scope: S, full: string, labels: string[]) => {
      if (stack.length >= FDT_MAX_DEPTH) give();
      stack.push(this.builder.child(scope, full, labels));
    };
    while (stack.length > 0) {
      this.skip();
      const scope = stack[stack.length - 1]!;
      const c = t.charCodeAt(this.i);
      if (c === 0x7d) {
        // }
        this.i++;
        this.expect(0x3b);
        this.builder.close(stack.pop()!);
        continue;
      }
      const labels = this.labels();
      const start = this.i;
      const name = this.propertyName();
      if (name === '' || (t.charCodeAt(start) === 0x23 && PREPROCESSOR.test(t.slice(start, start + 10)))) give();
      if (t.charCodeAt(this.i) === 0x40) {
        // @unit: a child node
        this.i++;
        const unit = this.name(NODE);
        if (unit === '' || !NODE_NAME.test(name)) give();
        this.expect(0x7b);
        open(scope, `${name}@${unit}`, labels);
        continue;
      }
      this.skip();
      const next = t.charCodeAt(this.i);
      if (next === 0x7b) {
        if (!NODE_NAME.test(name)) give();
        this.i++;
        open(scope, name, labels);
        continue;
      }
      if (next !== 0x3b && next !== 0x3d) give();
      this.i++;
      this.builder.property(scope, name, labels, next === 0x3b ? [] : this.value());
    }
  }

  /** `label:` prefixes (the colon right after the name, as dtc writes them); none is the one shared empty list. */
  private labels(): string[] {
    const t = this.text;
    let labels: string[] | undefined;
    for (;;) {
      const start = this.i;
      let end = start;
      let hash = 0;
      for (let c = t.charCodeAt(end); isClass(c, PROPERTY); c = t.charCodeAt(++end)) hash = (Math.imul(hash, 31) + c) | 0;
      if (end === start || t.charCodeAt(end) !== 0x3a) {
        // Not a label: the name that follows, which propertyName takes from here rather than reading it again.
        this.runStart = start;
        this.runEnd = end;
        this.runHash = hash;
        return labels ?? NO_LABELS;
      }
      const name = t.slice(start, end);
      if (!LABEL_NAME.test(name)) give();
      this.i = end + 1;
      (labels ??= []).push(name);
      this.skip();
    }
  }

  /** The value after `=`, through its `;`. */
  private value(): DtChunk[] {
    const t = this.text;
    this.skip();
    let bits: DtCellBits = 32;
    if (this.keyword('/bits/')) {
      const n = Number(this.integer());
      if (!CELL_BITS.has(n)) give();
      bits = n as DtCellBits;
    }
    this.skip();
    const first = this.chunk(bits);
    this.skip();
    // Most values are one chunk: a list of exactly one.
    if (t.charCodeAt(this.i) === 0x3b) {
      this.i++;
      return [first];
    }
    const chunks: DtChunk[] = [first];
    for (;;) {
      const c = t.charCodeAt(this.i++);
      if (c === 0x3b) return chunks;
      if (c !== 0x2c) give(); // ,
      this.skip();
      chunks.push(this.chunk(32));
      this.skip();
    }
  }

  private chunk(bits: DtCellBits): DtChunk {
    const t = this.text;
    const start = this.i;
    switch (t.charCodeAt(start)) {
      case 0x3c: // <
        return this.cells(bits);
      case 0x22: // "
        return stringChunk(t.slice(start, this.stringEnd()));
      case 0x5b: {
        // [
        let j = start + 1;
        for (let c = t.charCodeAt(j); isHex(c) || isSpace(c); c = t.charCodeAt(++j));
        if (t.charCodeAt(j) !== 0x5d) give();
        this.i = j + 1;
        return bytesChunk(t.slice(start, this.i), give) ?? give();
      }
      case 0x26: // &
        return { kind: 'path', ref: this.valueReference() };
      default:
        return give();
    }
  }

  /** `<...>` of plain numbers and references only (expressions, macros and comments are not plain). */
  private cells(bits: DtCellBits): DtChunk {
    const t = this.text;
    // Written by index, never emptied (`length = 0` would drop its room and grow it again per list).
    const cells = this.scratch;
    let n = 0;
    this.i++;
    for (;;) {
      while (isSpace(t.charCodeAt(this.i))) this.i++;
      const c = t.charCodeAt(this.i);
      if (c === 0x3e) {
        this.i++;
        return { kind: 'cells', bits, cells: cells.slice(0, n) };
      }
      let cell: DtCell;
      if (c === 0x26) cell = this.valueReference();
      else if (isDigit(c)) {
        const v = this.integer();
        cell = typeof v === 'bigint' && v > U64 ? v & U64 : v;
      }
      else return give();
      const end = t.charCodeAt(this.i);
      if (!isSpace(end) && end !== 0x3e) give();
      const checked = checkedCell(cell, bits);
      if (typeof checked === 'object' && 'code' in checked) give();
      cells[n++] = checked as DtCell;
    }
  }

  /**
   * A number as the grammar's integer_literal and parseNumber both read it:
   * decimal (octal with a leading 0) or 0x hex. Computed from the digits as a
   * number while it stays exact (up to 13 hex or 15 decimal digits: every
   * cell of a generated tree), else by parseNumber as a bigint.
   */
  private integer(): number | bigint {
    const t = this.text;
    this.skip();
    const start = this.i;
    let j = start;
    let n = 0;
    if (t.charCodeAt(j) === 0x30 && t.charCodeAt(j + 1) === 0x78) {
      j += 2;
      if (!isHex(t.charCodeAt(j))) give();
      for (let c = t.charCodeAt(j); isHex(c); c = t.charCodeAt(++j)) n = n * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
      if (j - start > 15) n = -1;
    } else {
      const radix = t.charCodeAt(j) === 0x30 ? 8 : 10;
      for (let c = t.charCodeAt(j); isDigit(c); c = t.charCodeAt(++j)) {
        if (c - 0x30 >= radix) give(); // `08`: no octal digit, which parseNumber refuses too
        n = n * radix + (c - 0x30);
      }
      if (j - start > 15) n = -1;
    }
    // A letter, digit or `_` right after it (a suffix, `0x`, `12ab`) is something else.
    if (isClass(t.charCodeAt(j), LABEL)) give();
    this.i = j;
    return n >= 0 ? n : (parseNumber(t.slice(start, j)) ?? give());
  }

  private valueReference(): DtRef {
    const ref = this.reference();
    this.builder.reference(ref);
    return ref;
  }

  /** `&label` or `&{/path}`. */
  private reference(): DtRef {
    const t = this.text;
    this.i++;
    if (t.charCodeAt(this.i) === 0x7b) {
      const close = t.indexOf('}', this.i);
      const path = close < 0 ? give() : t.slice(this.i + 1, close);
      if (!REF_PATH.test(path)) give();
      this.i = close + 1;
      return { kind: 'path', path };
    }
    const label = this.name(LABEL);
    if (!LABEL_NAME.test(label)) give();
    return { kind: 'label', label };
  }

  /** End of the string literal at i (past its closing quote); escapes as the grammar takes them, no newline. */
  private stringEnd(): number {
    const t = this.text;
    for (let j = this.i + 1; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c === 0x22) return (this.i = j + 1);
      if (c === 0x0a || c === 0x0d) give();
      if (c === 0x5c) {
        const e = t.charCodeAt(++j);
        // `\u`, `\U`, a `\x` without two hex digits and an escaped line end are read differently, or not at all.
        if (e === 0x75 || e === 0x55 || e === 0x0a || e === 0x0d || Number.isNaN(e)) give();
        if (e === 0x78 && !(isHex(t.charCodeAt(j + 1)) && isHex(t.charCodeAt(j + 2)))) give();
      }
    }
    return give();
  }

  /** A property name (the longest run of its characters, possibly empty), the same string each time it repeats. */
  private propertyName(): string {
    const t = this.text;
    const start = this.runStart;
    const end = this.runEnd;
    if (start !== this.i) return this.name(PROPERTY);
    this.i = end;
    // A name seen before is found by its hash and compared in place: no string is made for it.
    const known = this.names.get(this.runHash);
    if (known !== undefined && known.length === end - start && t.startsWith(known, start)) return known;
    const name = t.slice(start, end);
    if (known === undefined) this.names.set(this.runHash, name);
    return name;
  }

  /** The longest run of `cls` characters at i (possibly empty). */
  private name(cls: number): string {
    const t = this.text;
    const start = this.i;
    while (isClass(t.charCodeAt(this.i), cls)) this.i++;
    return t.slice(start, this.i);
  }

  /**
   * A `/keyword/` at i, consumed. Followed by a name character or `/`, the
   * grammar reads a longer token (a node path), so that is not plain.
   */
  private keyword(word: string): boolean {
    if (!this.text.startsWith(word, this.i)) return false;
    this.i += word.length;
    const next = this.text.charCodeAt(this.i);
    if (isClass(next, PROPERTY) || next === 0x2f) give();
    return true;
  }

  private expect(code: number): void {
    this.skip();
    if (this.text.charCodeAt(this.i) !== code) give();
    this.i++;
  }

  /** Whitespace and comments (a `//` comment with a backslash may continue on the next line: not plain). */
  private skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (isSpace(c)) {
        this.i++;
        continue;
      }
      if (c !== 0x2f) return;
      const next = t.charCodeAt(this.i + 1);
      if (next === 0x2a) {
        const end = t.indexOf('*/', this.i + 2);
        if (end < 0) give();
        this.i = end + 2;
      } else if (next === 0x2f) {
        let end = t.indexOf('\n', this.i);
        if (end < 0) end = t.length;
        for (let j = this.i; j < end; j++) if (t.charCodeAt(j) === 0x5c) give();
        this.i = end;
      } else {
        return;
      }
    }
  }
}
