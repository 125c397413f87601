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
  message: string;
}

/**
 * ERROR and MISSING nodes, outermost only, in document order. `quote` puts
 * the start of the text in the message; it is off for included files, which
 * may be no DTS at all (`/include/ "/proc/self/environ"`), so that an error
 * never copies their content into a log.
 */
export function syntaxErrors(root: SyntaxNode, quote = true): SyntaxError[] {
  const out: SyntaxError[] = [];
  if (!root.hasError) return out;
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.isMissing) {
      out.push({ node: n, message: `syntax error: missing ${n.type}` });
    } else if (n.isError) {
      const excerpt = n.text.length > 40 ? `${n.text.slice(0, 40)}...` : n.text;
      out.push({ node: n, message: quote ? `syntax error at ${JSON.stringify(excerpt)}` : 'syntax error (the text of an included file is not quoted)' });
    } else if (n.hasError) {
      for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i)!);
    }
  }
  return out;
}
