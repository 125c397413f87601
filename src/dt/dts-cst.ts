/**
 * Reading tree-sitter-devicetree's syntax tree: the statements of a body,
 * labels, node names, positions, and the syntax errors tree-sitter marked
 * (ERROR and MISSING nodes).
 */
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { lineColumn } from './dts-source.js';

/**
 * The statements inside a node, document or preprocessor branch: named
 * children that fill no field. Walked with a cursor: indexing children one
 * by one costs O(index) each in tree-sitter, quadratic for a wide node.
 */
export function contentOf(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = n.walk();
  try {
    for (let more = cursor.gotoFirstChild(); more; more = cursor.gotoNextSibling()) {
      if (cursor.nodeIsNamed && cursor.currentFieldName === null && cursor.nodeType !== 'comment') out.push(cursor.currentNode);
    }
  } finally {
    cursor.delete();
  }
  return out;
}

export function labelsOf(n: SyntaxNode): string[] {
  return n.childrenForFieldName('label').flatMap((l) => (l ? [l.text] : []));
}

/** `name@unit` of a `node` or `delete_node`. */
export function nodeNameOf(n: SyntaxNode): string {
  const name = n.childForFieldName('name')!.text;
  const unit = n.namedChildren.find((c) => c?.type === 'unit_address');
  return unit ? `${name}@${unit.text}` : name;
}

/** 1-based line and column of `offset` characters into a node's text, in the parsed text. */
export function positionIn(node: SyntaxNode, offset = 0): { line: number; column: number } {
  const within = lineColumn(node.text, offset);
  return {
    line: node.startPosition.row + within.line,
    column: within.line === 1 ? node.startPosition.column + within.column : within.column,
  };
}

export interface SyntaxError {
  node: SyntaxNode;
  /** Characters into the node's text where the error is (the end of the text, for an unexpected end of file). */
  offset: number;
  message: string;
}

/**
 * The first place tree-sitter marked (an ERROR or MISSING node, in document
 * order), described as dtc's parser would meet it: what was expected where
 * something is missing, what was found where something is unexpected, or the
 * end of the file when an ERROR runs to it (an unclosed body: dtc too reports
 * that at the end). Only the first: after it, what tree-sitter's recovery
 * marks is a guess about what the author meant, and dtc stops there too.
 *
 * `quote` puts the text found in the message; it is off for included files,
 * which may be no DTS at all (`/include/ "/proc/self/environ"`), so that an
 * error never copies their content into a log.
 */
export function firstSyntaxError(root: SyntaxNode, quote = true): SyntaxError | undefined {
  if (!root.hasError) return undefined;
  const at = firstMarked(root);
  if (!at) return undefined;
  if (at.isMissing) {
    const next = nextToken(root, at.endIndex);
    const found = next ? (quote ? `before ${quoted(next.text)}` : 'here') : 'at the end of the file';
    return { node: at, offset: 0, message: `syntax error: expected ${quoted(at.type)} ${found}` };
  }
  if (restIsBlank(root, at.endIndex)) {
    return { node: at, offset: at.text.length, message: 'syntax error: unexpected end of the file (a node or statement before it is not closed)' };
  }
  const found = firstLeaf(at);
  return { node: at, offset: 0, message: quote ? `syntax error: unexpected ${quoted(found.text)}` : 'syntax error (the text of an included file is not quoted)' };
}

/** The outermost ERROR or MISSING node that comes first, found without recursion. */
function firstMarked(root: SyntaxNode): SyntaxNode | undefined {
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.isMissing || n.isError) return n;
    if (n.hasError) for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i)!);
  }
  return undefined;
}

function firstLeaf(n: SyntaxNode): SyntaxNode {
  let leaf = n;
  while (leaf.childCount > 0) leaf = leaf.child(0)!;
  return leaf;
}

/** The first token (not a comment, not a MISSING one) that starts at or after `index`. */
function nextToken(root: SyntaxNode, index: number): SyntaxNode | undefined {
  let n: SyntaxNode | null = root.descendantForIndex(index);
  while (n) {
    if (n.childCount === 0 && n.startIndex >= index && n.type !== 'comment' && !n.isMissing) return n;
    // Into a node that reaches past index (its first children may end before it: nextNode skips them); else onwards.
    n = n.childCount > 0 && n.endIndex > index && n.type !== 'comment' ? n.child(0) : nextNode(n);
  }
  return undefined;
}

function nextNode(n: SyntaxNode): SyntaxNode | null {
  for (let at: SyntaxNode | null = n; at; at = at.parent) {
    if (at.nextSibling) return at.nextSibling;
  }
  return null;
}

/** Nothing but comments after `index`. */
function restIsBlank(root: SyntaxNode, index: number): boolean {
  return nextToken(root, index) === undefined;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
