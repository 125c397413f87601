/**
 * The C preprocessor lines of a DTS, over tree-sitter's nodes for them:
 * `#define` / `#undef` into the macro table, the branch of an
 * `#if`/`#ifdef`/`#elif`/`#else` chain that cpp would keep (over the macros
 * the files themselves define; an unknown name in `#if` is 0, as in cpp),
 * and the file an `#include` names. Reading the included file is the
 * parser's job.
 */
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { evaluateCondition } from './dts-expr.js';
import type { Macros } from './dts-macros.js';
import { ExprError, tokenize } from './dts-tokens.js';

/** `#include "f"` / `<f>`: the path without its quotes or brackets, and the line as written. */
export function includeTarget(n: SyntaxNode): { path: string; written: string } {
  const path = n.childForFieldName('path')!;
  return { path: path.type === 'identifier' ? path.text : path.text.slice(1, -1), written: `#include ${path.text}` };
}

/** `#define` (object-like or function-like) and `#undef`; false for any other node. */
export function defineMacro(n: SyntaxNode, macros: Macros): boolean {
  if (n.type === 'preproc_undef') {
    macros.delete(n.childForFieldName('name')!.text);
    return true;
  }
  if (n.type !== 'preproc_def' && n.type !== 'preproc_function_def') return false;
  const name = n.childForFieldName('name')!.text;
  const params = n.childForFieldName('parameters')?.namedChildren.map((p) => p!.text);
  try {
    macros.set(name, { body: tokenize(n.childForFieldName('value')?.text ?? ''), ...(params ? { params } : {}) });
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    // Not an expression (a string, a token paste): its uses are reported as needing cpp.
    macros.delete(name);
  }
  return true;
}

export interface Branch {
  /** The node whose statements are kept. */
  node: SyntaxNode;
  /** The text range of its lines (where `/include/` points in it fall). */
  start: number;
  end: number;
}

export type BranchError = (at: SyntaxNode, offset: number, code: string, message: string) => void;

/** Longest condition text quoted in a message. */
const QUOTED_CONDITION = 60;

/** The branch of an `#if`/`#ifdef` chain that cpp would keep, or undefined when none is (a loop: `#elif` chains can be long). */
export function chooseBranch(first: SyntaxNode, macros: Macros, onError: BranchError): Branch | undefined {
  for (let n: SyntaxNode | null = first; n; n = n.childForFieldName('alternative')) {
    const alternative = n.childForFieldName('alternative');
    const range = { node: n, start: n.startIndex, end: alternative?.startIndex ?? n.endIndex };
    if (n.type === 'preproc_else') return range;
    const directive = n.child(0)!.type;
    let taken: boolean;
    if (directive.endsWith('def')) {
      const defined = macros.has(n.childForFieldName('name')!.text);
      taken = directive.endsWith('ndef') ? !defined : defined;
    } else {
      const condition = n.childForFieldName('condition')!;
      try {
        taken = evaluateCondition(condition.text, macros);
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        const text = condition.text.length > QUOTED_CONDITION ? `${condition.text.slice(0, QUOTED_CONDITION)}...` : condition.text;
        if (e.code) onError(condition, e.at, e.code, `#if ${text}: ${e.message}`);
        else onError(condition, e.at, 'dts-needs-preprocessing', `needs preprocessing: #if ${text} (${e.message})`);
        taken = false;
      }
    }
    if (taken) return range;
  }
  return undefined;
}
