/**
 * DTS text to the live tree, with dtc's semantics over tree-sitter's syntax
 * tree. A body (`{ ... }`) that defines a node for the first time builds it;
 * a later body for the same node (`/ { }` again, `&label { }`, a child of
 * either) merges into it statement by statement, as dtc's merge_nodes does:
 * a property defined again takes the new value in its old place,
 * `/delete-property/` and `/delete-node/` remove what exists at that point,
 * and a deleted property defined again comes back in its old place (dtc only
 * marks it deleted). In a body that builds its node, dtc ignores deletions
 * (nothing exists yet to delete); so does this. Labels and references stay
 * symbolic (layout.ts assigns phandles).
 *
 * Known differences: a node deleted and then defined again starts empty here
 * (dtc revives its old properties one by one as they are redefined); the
 * tree-sitter grammar takes `/bits/ N` only before a property's first value
 * (dtc before any cell list) and no labels inside values, so those are
 * syntax errors here.
 *
 * Includes: `/include/ "f"` and `#include "f"` / `<f>` read text through the
 * caller's `readInclude` (the parser does no I/O; where files may come from
 * is the reader's rule), at any depth: an included file's own includes are
 * resolved from the name the reader gave it. Their number and total size are
 * capped (MAX_DTS_INCLUDES, MAX_DTS_SOURCE_CHARS), and a syntax error in an
 * included file is reported at its line without quoting it: the reader may
 * have been pointed at a file that is no DTS at all. What needs the C
 * preprocessor and is not available (a dt-bindings header, a macro defined
 * there) is reported precisely as `dts-needs-preprocessing`, naming the
 * include or macro; `#define`, `#undef`, `#if`/`#ifdef` over what the files
 * themselves define are handled. A cell naming an undefined macro is kept as
 * an unresolved cell, so the rest of the value (e.g. the row count of an
 * `iommu-map`) is still right.
 */
import type { Node as SyntaxNode, Parser } from 'web-tree-sitter';
import type { Diagnostic, Severity } from '../diagnostic.js';
import type { Macros } from './dts-macros.js';
import { chooseBranch, defineMacro, includeTarget } from './dts-preprocessor.js';
import { parseNumber } from './dts-tokens.js';
import { contentOf, firstSyntaxError, labelsOf, nodeNameOf, positionIn, type SyntaxError } from './dts-cst.js';
import { prepareSource, type IncludePoint } from './dts-source.js';
import { propertyValue, referenceOf, type ValueSink } from './dts-values.js';
import { layoutTree, refText } from './layout.js';
import { FDT_MAX_DEPTH } from './fdt.js';
import { nodeAtPath, type DtNode, type DtRef, type DtTree } from './tree.js';
import { dtsParser } from './ts-parser.js';
import { DtsAssembly, type Scope } from './dts-assembly.js';
import { parsePlainDts } from './dts-plain.js';
import { LimitCode, MAX_DTS_CONDITIONAL_DEPTH, MAX_DTS_INCLUDES, MAX_DTS_SOURCE_CHARS } from '../limits.js';
import { lowerBound } from '../lower-bound.js';

/** An included file as the reader found it: the name it goes by (in diagnostics, and as `from` for its own includes) and its text. */
export interface IncludedFile {
  file: string;
  text: string;
}

/** The reader found the file but will not read it (outside the directories includes may come from, too large): why, without its content. */
export interface IncludeRefused {
  refused: string;
}

export interface ParseDtsOptions {
  /**
   * An included file, or undefined when it is not available. `path` is as
   * written (`"board.dtsi"`, `<dt-bindings/gpio/gpio.h>` without the quotes
   * or brackets); `from` is the name of the file that includes it. A plain
   * string is the text of a file that goes by `path`.
   */
  readInclude?: (path: string, from: string) => string | IncludedFile | IncludeRefused | undefined;
}

export interface DtsParse {
  tree: DtTree;
  diagnostics: Diagnostic[];
}

/** Includes nest at most this deep (a cycle is caught earlier; this bounds the rest). */
export const MAX_INCLUDE_DEPTH = 32;

/**
 * Plain DTS (dts-plain.ts) is read in one pass without loading the grammar;
 * anything else through tree-sitter.
 */
export async function parseDts(text: string, file: string, opts: ParseDtsOptions = {}): Promise<DtsParse> {
  return parsePlain(text) ?? parseDtsWithTreeSitter(await dtsParser(), text, file, opts);
}

/**
 * parseDts with the grammar already loaded (dtsParser()): parsing itself is
 * synchronous, so work that parses again later (a round trip) need not be
 * done up front.
 */
export function parseDtsWith(parser: Parser, text: string, file: string, opts: ParseDtsOptions = {}): DtsParse {
  return parsePlain(text) ?? parseDtsWithTreeSitter(parser, text, file, opts);
}

/** The tree-sitter reading alone, whatever the text (what plain DTS must give the same tree as). */
export function parseDtsWithTreeSitter(parser: Parser, text: string, file: string, opts: ParseDtsOptions = {}): DtsParse {
  return new DtsBuilder(parser, opts).run(text, file);
}

/** The reading of plain DTS (dts-plain.ts), without the grammar; undefined when the text is not plain. */
export function parsePlain(text: string): DtsParse | undefined {
  const tree = parsePlainDts(text);
  return tree && { tree, diagnostics: [] };
}

/** One parsed file (or included text) and how its positions map back to what the user wrote. */
interface Source {
  file: string;
  /** Lines added in front of the text (a body wrapped as `/ {`). */
  lineOffset: number;
  indexOffset: number;
  includes: IncludePoint[];
}

type Item = { node: SyntaxNode } | { include: IncludePoint };

/** Thrown at the first syntax error to stop reading, as dtc does; never escapes run(). */
class SyntaxStop {
  constructor(readonly diagnostic: Diagnostic) {}
}

/** Where a reference in a value is written, in the user's file. */
interface ReferenceSite {
  file: string;
  line: number;
  column: number;
}

/**
 * The problems for which dtc refuses a source outright, before any of its
 * checks: one cannot be read past (a syntax error), the others name a node
 * that is not there (dtc's phandle_references and path_references, and a
 * `&label { }` body for an undefined label). What reads such a file as
 * input takes it as unreadable, not as a tree to check.
 */
export const DTS_REFUSED = new Set(['dts-syntax', 'dts-dangling-reference', 'dts-unknown-label']);

class DtsBuilder {
  private readonly assembly = new DtsAssembly();
  private readonly tree = this.assembly.tree;
  private readonly macros: Macros = new Map();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly labels = this.assembly.labels;
  private readonly includeStack: string[] = [];
  /** Includes read so far, and characters parsed so far (the file itself and every include). */
  private includeCount = 0;
  private sourceChars = 0;
  private includeLimitReported = false;
  /** `#if` branches being read, outermost first. */
  private conditionalDepth = 0;
  /** Node bodies being read, outermost first. */
  private depth = 0;
  private readonly missingIncludes: string[] = [];
  private readonly missingMacros = new Map<string, { uses: number; first: Diagnostic }>();
  /** Every reference written in a value, by identity: the ones the finished tree cannot resolve are reported where they are written. */
  private readonly referenceSites = new Map<DtRef, ReferenceSite>();

  constructor(
    private readonly parser: Parser,
    private readonly opts: ParseDtsOptions,
  ) {}

  run(text: string, file: string): DtsParse {
    this.sourceChars = text.length;
    try {
      this.source(text, file, this.assembly.topScope(), false);
    } catch (e) {
      if (!(e instanceof SyntaxStop)) throw e;
      // One message, at the first error: what tree-sitter's recovery marks after it would be guesses (a cascade).
      return { tree: this.tree, diagnostics: [e.diagnostic] };
    }
    this.assembly.finish();
    for (const [name, { uses, first }] of this.missingMacros) {
      const times = uses === 1 ? '' : ` (used ${uses} times; first use here)`;
      this.diagnostics.push({ ...first, message: `needs preprocessing: macro ${name} is not defined in what was parsed${times}` });
    }
    this.danglingReferences();
    return { tree: this.tree, diagnostics: this.diagnostics };
  }

  /**
   * References in the finished tree that name no node, where they are
   * written: dtc refuses the source for them (after deletions and
   * /omit-if-no-ref/, so a reference in a deleted node does not count). The
   * layout is the encoder's, so this finds exactly what it would refuse.
   */
  private danglingReferences(): void {
    if (this.referenceSites.size === 0) return;
    for (const { path, ref } of layoutTree(this.tree, { bytes: false }).dangling) {
      const site = this.referenceSites.get(ref);
      const at = site ?? {};
      if (this.missingIncludes.length > 0) {
        this.diagnostics.push({ severity: 'error', code: 'dts-needs-preprocessing', ...at, path,
          message: `needs preprocessing: ${refText(ref)} is not defined in what was parsed (missing: ${this.missingIncludes.join(', ')})` });
      } else {
        this.diagnostics.push({ severity: 'error', code: 'dts-dangling-reference', ...at, path, message: `reference ${refText(ref)} names no node` });
      }
    }
  }

  // ---- diagnostics -------------------------------------------------------

  private report(src: Source, at: { line: number; column: number }, severity: Severity, code: string, message: string): Diagnostic {
    const d: Diagnostic = { severity, code, message, file: src.file, line: at.line, column: at.column };
    this.diagnostics.push(d);
    return d;
  }

  /** Position of `offset` characters into a CST node's text, in the user's file. */
  private position(src: Source, node: SyntaxNode, offset = 0): { line: number; column: number } {
    const at = positionIn(node, offset);
    return { line: at.line - src.lineOffset, column: at.column };
  }

  private sink(src: Source): ValueSink {
    return {
      error: (node, offset, code, message) => this.report(src, this.position(src, node, offset), 'error', code, message),
      missingMacro: (name, node, offset) => {
        const seen = this.missingMacros.get(name);
        if (seen) seen.uses++;
        else {
          const first: Diagnostic = { severity: 'error', code: 'dts-needs-preprocessing', message: '', file: src.file, ...this.position(src, node, offset) };
          this.missingMacros.set(name, { uses: 1, first });
        }
      },
      reference: (ref, node, offset) => {
        if (!this.referenceSites.has(ref)) this.referenceSites.set(ref, { file: src.file, ...this.position(src, node, offset) });
      },
    };
  }

  // ---- sources and includes -----------------------------------------------

  /** Parses text and applies it at the top level, or as part of a node's body (an include inside a node). */
  private source(text: string, file: string, scope: Scope, included: boolean): void {
    const prepared = prepareSource(text);
    const wrap = scope.target !== undefined;
    const cst = this.parser.parse(wrap ? `/ {\n${prepared.text}\n};` : prepared.text);
    if (!cst) throw new Error('tree-sitter returned no tree');
    const src: Source = { file, lineOffset: wrap ? 1 : 0, indexOffset: wrap ? 4 : 0, includes: prepared.includes };
    try {
      const error = firstSyntaxError(cst.rootNode, !included);
      this.includeStack.push(file);
      const container = wrap ? cst.rootNode.namedChildren.find((n) => n?.type === 'node') : cst.rootNode;
      // At the top level every include point counts: tree-sitter's document node starts at its first
      // statement, so an /include/ before it (a file that only includes another) would fall outside.
      if (container) {
        const items = this.itemsOf(src, contentOf(container), wrap ? container.startIndex : 0, wrap ? container.endIndex : Infinity);
        // Before a syntax error, what comes earlier is read (its includes may hold an earlier error: dtc reads in order).
        this.items(src, error ? items.filter((item) => this.endOf(src, item) <= error.node.startIndex) : items, scope);
      }
      if (error) this.stop(src, error);
    } finally {
      this.includeStack.pop();
      cst.delete();
    }
  }

  private endOf(src: Source, item: Item): number {
    return 'node' in item ? item.node.endIndex : item.include.index + src.indexOffset;
  }

  private stop(src: Source, error: SyntaxError): never {
    const d: Diagnostic = { severity: 'error', code: 'dts-syntax', message: error.message, file: src.file, ...this.position(src, error.node, error.offset) };
    throw new SyntaxStop(d);
  }

  /** Statements in order, with the `/include/` points that fall between them. */
  private itemsOf(src: Source, children: SyntaxNode[], start: number, end: number): Item[] {
    const items: Item[] = children.map((node) => ({ node }));
    // Include points are in text order: find this range's by binary search, not by a pass over all of them per body.
    const at = (p: IncludePoint) => p.index + src.indexOffset;
    const points = src.includes.slice(firstAtOrAfter(src.includes, start - src.indexOffset), firstAtOrAfter(src.includes, end - src.indexOffset));
    if (points.length === 0) return items;
    // Points inside a statement belong to a body below; children and points are both in text order, so walk them together.
    let c = 0;
    for (const point of points) {
      while (c < children.length && children[c]!.endIndex <= at(point)) c++;
      if (!(c < children.length && children[c]!.startIndex <= at(point))) items.push({ include: point });
    }
    const pos = (item: Item) => ('node' in item ? item.node.startIndex : at(item.include));
    return items.sort((a, b) => pos(a) - pos(b));
  }

  private include(src: Source, path: string, at: { line: number; column: number }, scope: Scope, how: 'dtc' | 'cpp', written: string): void {
    if (this.includeStack.length >= MAX_INCLUDE_DEPTH) {
      this.report(src, at, 'error', 'dts-include-depth', `${written}: includes nest deeper than ${MAX_INCLUDE_DEPTH}`);
      return;
    }
    if (this.includeCount >= MAX_DTS_INCLUDES) {
      this.includeLimit(src, at, written, `more than ${MAX_DTS_INCLUDES} includes in all (each counted every time it is included)`);
      return;
    }
    const found = this.opts.readInclude?.(path, src.file);
    if (found === undefined) {
      this.missingIncludes.push(written);
      if (how === 'dtc') this.report(src, at, 'error', 'dts-include-not-found', `${written}: file not found`);
      else this.report(src, at, 'error', 'dts-needs-preprocessing', `needs preprocessing: ${written} (not available)`);
      return;
    }
    if (typeof found === 'object' && 'refused' in found) {
      this.missingIncludes.push(written);
      this.report(src, at, 'error', 'dts-include-refused', `${written}: ${found.refused}`);
      return;
    }
    const { file, text } = typeof found === 'string' ? { file: path, text: found } : found;
    if (this.includeStack.includes(file)) {
      this.report(src, at, 'error', 'dts-include-cycle', `${written} includes itself (through ${this.includeStack.join(' → ')})`);
      return;
    }
    if (this.sourceChars + text.length > MAX_DTS_SOURCE_CHARS) {
      this.includeLimit(src, at, written, `the file and its includes would be over ${MAX_DTS_SOURCE_CHARS} characters in all`);
      return;
    }
    this.includeCount++;
    this.sourceChars += text.length;
    this.source(text, file, scope, true);
  }

  /** The first include over a limit is reported; the ones after it are skipped without a word each (one error says the tree is incomplete). */
  private includeLimit(src: Source, at: { line: number; column: number }, written: string, why: string): void {
    if (this.includeLimitReported) return;
    this.includeLimitReported = true;
    this.missingIncludes.push(written);
    this.report(src, at, 'error', LimitCode.dtsIncludeLimit, `${written} is not read, nor any include after it: ${why}`);
  }

  // ---- statements ---------------------------------------------------------

  private items(src: Source, items: readonly Item[], scope: Scope): void {
    for (const item of items) {
      if ('include' in item) {
        const p = item.include;
        // Include points were found in the text before any wrapping: their positions are the user's already.
        this.include(src, p.path, { line: p.line, column: p.column }, scope, 'dtc', `/include/ "${p.path}"`);
      } else if (!this.preprocessor(src, item.node, scope)) {
        if (scope.target) this.member(src, item.node, scope);
        else this.topLevel(src, item.node);
      }
    }
  }

  private topLevel(src: Source, n: SyntaxNode): void {
    switch (n.type) {
      case 'file_version':
        return;
      case 'plugin':
        this.report(src, this.position(src, n), 'warning', 'dts-plugin-unsupported', '/plugin/ overlays are not supported; read as a plain tree');
        return;
      case 'memory_reservation': {
        const address = parseNumber(n.childForFieldName('address')?.text ?? '');
        const size = parseNumber(n.childForFieldName('length')?.text ?? '');
        if (address === undefined || size === undefined) {
          this.report(src, this.position(src, n), 'error', 'dts-bad-expression', '/memreserve/ needs two numbers');
          return;
        }
        this.tree.memoryReservations.push({ address, size, labels: labelsOf(n) });
        return;
      }
      case 'node':
        this.topLevelNode(src, n);
        return;
      case 'delete_node': {
        const name = n.childForFieldName('name')!;
        const target = name.type === 'reference' ? this.lookup(src, name, referenceOf(name)) : this.lookupPath(src, name);
        if (target) this.deleteNode(target);
        return;
      }
      case 'omit_if_no_ref': {
        const inner = n.namedChildren.find((c) => c?.type === 'node' || c?.type === 'reference');
        const target = inner?.type === 'node' ? this.topLevelNode(src, inner) : inner && this.lookup(src, inner, referenceOf(inner));
        if (target) this.assembly.omitIfNoRef.add(target);
        return;
      }
      default:
        return this.unexpected(src, n);
    }
  }

  private topLevelNode(src: Source, n: SyntaxNode): DtNode | undefined {
    const name = n.childForFieldName('name')!;
    let target: DtNode | undefined;
    if (name.type === 'reference') target = this.lookup(src, name, referenceOf(name));
    else if (name.text === '/') target = this.tree.root;
    else this.report(src, this.position(src, name), 'error', 'dts-syntax', `a top-level node is / or &label, not ${name.text}`);
    if (!target) return undefined;
    this.addLabels(target, labelsOf(n));
    this.body(src, n, target);
    return target;
  }

  private body(src: Source, n: SyntaxNode, target: DtNode): void {
    // The walk recurses once per level: stop where a DTB would (FDT_MAX_DEPTH) instead of overflowing the stack.
    if (this.depth >= FDT_MAX_DEPTH) {
      this.report(src, this.position(src, n), 'error', 'dts-too-deep', `nodes nest deeper than ${FDT_MAX_DEPTH} levels; the rest is not read`);
      return;
    }
    const scope = this.assembly.bodyScope(target);
    this.depth++;
    try {
      this.items(src, this.itemsOf(src, contentOf(n), n.startIndex, n.endIndex), scope);
    } finally {
      this.depth--;
    }
  }

  private member(src: Source, n: SyntaxNode, scope: Scope): void {
    const target = scope.target!;
    switch (n.type) {
      case 'property': {
        const name = n.childForFieldName('name')!.text;
        // dtc refuses a name twice in a body that builds its node; in a merging body the second simply wins.
        if (this.assembly.duplicateProperty(scope, name)) {
          this.report(src, this.position(src, n), 'error', 'dts-duplicate-property', `property ${name} is defined twice in this node`);
        }
        const value = propertyValue(n, this.macros, this.sink(src));
        // Replaces the first property of that name, deleted or not, in its place (dtc revives a deleted one).
        if (value) this.assembly.setProperty(target, { name, labels: labelsOf(n), value });
        return;
      }
      case 'node': {
        const name = n.childForFieldName('name')!;
        // `/ { }` and `&label { }` inside a node: dtc's syntax error (a child named "/" is a node DTS cannot print back).
        if (name.type === 'reference' || name.text === '/') {
          this.report(src, this.position(src, name), 'error', 'dts-syntax', `${name.text} { } goes at the top level`);
          return;
        }
        const full = nodeNameOf(n);
        if (this.assembly.duplicateNode(scope, full)) this.report(src, this.position(src, n), 'error', 'dts-duplicate-node', `node ${full} is defined twice in this node`);
        const child = this.assembly.child(target, full);
        this.addLabels(child, labelsOf(n));
        this.body(src, n, child);
        return;
      }
      case 'delete_property': {
        const name = n.childForFieldName('name')!.text;
        const victim = target.properties.find((p) => p.name === name);
        if (victim && !scope.fresh) this.assembly.tombstones.add(victim);
        return;
      }
      case 'delete_node': {
        if (scope.fresh) return;
        const name = n.childForFieldName('name')!;
        const victim = name.type === 'reference' ? this.lookup(src, name, referenceOf(name)) : this.childrenOf(target).get(nodeNameOf(n));
        if (victim) this.deleteNode(victim);
        return;
      }
      case 'omit_if_no_ref': {
        const inner = n.namedChildren.find((c) => c?.type === 'node');
        if (!inner) return this.unexpected(src, n);
        this.member(src, inner, scope);
        const child = this.childrenOf(target).get(nodeNameOf(inner));
        if (child) this.assembly.omitIfNoRef.add(child);
        return;
      }
      default:
        return this.unexpected(src, n);
    }
  }

  private unexpected(src: Source, n: SyntaxNode): void {
    // Comments come through as named nodes; syntax errors were reported already.
    if (n.type === 'comment' || n.isError) return;
    this.report(src, this.position(src, n), 'error', 'dts-syntax', `unexpected ${n.type}`);
  }

  // ---- the preprocessor ---------------------------------------------------

  /** Handles a preprocessor line; false when `n` is not one. */
  private preprocessor(src: Source, n: SyntaxNode, scope: Scope): boolean {
    if (n.type === 'preproc_include') {
      const { path, written } = includeTarget(n);
      this.include(src, path, this.position(src, n), scope, 'cpp', written);
      return true;
    }
    if (defineMacro(n, this.macros)) return true;
    if (n.type !== 'preproc_if' && n.type !== 'preproc_ifdef') return false;
    const branch = chooseBranch(n, this.macros, (at, offset, code, message) => this.report(src, this.position(src, at, offset), 'error', code, message));
    if (!branch) return true;
    // Branches are read by recursion: their nesting is capped like node bodies'.
    if (this.conditionalDepth >= MAX_DTS_CONDITIONAL_DEPTH) {
      this.report(src, this.position(src, n), 'error', 'dts-too-deep', `#if blocks nest deeper than ${MAX_DTS_CONDITIONAL_DEPTH}; the rest of this one is not read`);
      return true;
    }
    this.conditionalDepth++;
    try {
      this.items(src, this.itemsOf(src, contentOf(branch.node), branch.start, branch.end), scope);
    } finally {
      this.conditionalDepth--;
    }
    return true;
  }

  // ---- labels and references ----------------------------------------------

  private addLabels(node: DtNode, labels: readonly string[]): void {
    this.assembly.addLabels(node, labels);
  }

  private childrenOf(node: DtNode): Map<string, DtNode> {
    return this.assembly.childrenOf(node);
  }

  private deleteNode(victim: DtNode): void {
    this.assembly.deleteNode(victim);
  }

  private lookupPath(src: Source, name: SyntaxNode): DtNode | undefined {
    return this.lookup(src, name, { kind: 'path', path: name.text });
  }

  /** The node a reference names now; when it names none, says so (and what may be missing). */
  private lookup(src: Source, at: SyntaxNode, ref: DtRef): DtNode | undefined {
    const node = ref.kind === 'label' ? this.labels.get(ref.label) : nodeAtPath(this.tree.root, ref.path);
    if (node) return node;
    if (this.missingIncludes.length > 0) {
      this.report(
        src,
        this.position(src, at),
        'error',
        'dts-needs-preprocessing',
        `needs preprocessing: ${refText(ref)} is not defined in what was parsed (missing: ${this.missingIncludes.join(', ')})`,
      );
    } else {
      this.report(src, this.position(src, at), 'error', 'dts-unknown-label', `${refText(ref)} names no node defined before it`);
    }
    return undefined;
  }
}

/** Index of the first include point at or after text offset `index` (points are sorted by offset). */
function firstAtOrAfter(points: readonly IncludePoint[], index: number): number {
  return lowerBound(points.length, (i) => points[i]!.index < index);
}
