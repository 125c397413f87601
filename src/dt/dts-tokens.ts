/**
 * Tokens of DTS cell expressions and of C preprocessor lines: numbers (C
 * literals with U/L suffixes; a leading 0 is octal, as strtoull reads it),
 * identifiers, references (`&label`, `&{/path}`: dtc's lexer takes `&`
 * followed by a name as a reference) and operators. Whitespace, comments and
 * line continuations are skipped.
 */
import type { DtRef } from './tree.js';

export type Token =
  | { kind: 'num'; value: bigint; start: number; end: number }
  | { kind: 'id'; name: string; start: number; end: number }
  | { kind: 'ref'; ref: DtRef; start: number; end: number }
  | { kind: 'op'; op: string; start: number; end: number };

export const U64 = (1n << 64n) - 1n;

/** A problem in the text, at an offset into it; `code` names a limit that was hit (else the caller's code applies). */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', ...'+-*/%<>&|^!~?:(),'];
const NUMBER = /^(0[xX][0-9a-fA-F]+|[0-9]+)([uU]?[lL]{0,2}[uU]?)/;
const IDENT = /^[A-Za-z_]\w*/;
const SPACE = /^(?:\s|\\\r?\n|\/\*[\s\S]*?\*\/|\/\/[^\n]*)+/;

export function parseNumber(text: string): bigint | undefined {
  if (/^0[xX]/.test(text)) return BigInt(text);
  if (/^0[0-7]*$/.test(text)) return BigInt(`0o${text.slice(1) || '0'}`);
  return /^[1-9][0-9]*$/.test(text) ? BigInt(text) : undefined;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i, i + 256);
    const space = SPACE.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num && !/\w/.test(rest[num[0].length] ?? '')) {
      const value = parseNumber(num[1]!);
      if (value === undefined) throw new ExprError(`bad number ${num[0]}`, i);
      tokens.push({ kind: 'num', value: value & U64, start: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      tokens.push({ kind: 'id', name: id[0], start: i, end: i + id[0].length });
      i += id[0].length;
      continue;
    }
    const ref = reference(text, i);
    if (ref) {
      tokens.push(ref);
      i = ref.end;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character ${JSON.stringify(text[i])}`, i);
    tokens.push({ kind: 'op', op, start: i, end: i + op.length });
    i += op.length;
  }
  return tokens;
}

/** `&label` or `&{/path}` at i (dtc's lexer takes `&` followed by a name as a reference). */
function reference(text: string, i: number): Token | undefined {
  if (text[i] !== '&' || text[i + 1] === '&') return undefined;
  if (text[i + 1] === '{') {
    const close = text.indexOf('}', i);
    if (close < 0) throw new ExprError('unterminated &{path} reference', i);
    return { kind: 'ref', ref: { kind: 'path', path: text.slice(i + 2, close) }, start: i, end: close + 1 };
  }
  const label = IDENT.exec(text.slice(i + 1, i + 257));
  return label ? { kind: 'ref', ref: { kind: 'label', label: label[0] }, start: i, end: i + 1 + label[0].length } : undefined;
}

export const isOp = (t: Token | undefined, op: string) => t?.kind === 'op' && t.op === op;

/** Index of the `)` matching the `(` at `open`, or -1. */
export function matchingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'op') continue;
    if (t.op === '(') depth++;
    else if (t.op === ')' && --depth === 0) return j;
  }
  return -1;
}
