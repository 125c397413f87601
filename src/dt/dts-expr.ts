/**
 * DTS integer expressions, over tokens with macros expanded (dts-macros.ts):
 *   - cell lists `<1 (2 + 3) &label MACRO FUNC(4)>` as dtc reads them after
 *     cpp: numbers, parenthesised C expressions, references;
 *   - `#if` conditions, where `defined NAME` works and an unknown identifier
 *     is 0, as in cpp.
 * Arithmetic is unsigned 64-bit, as in dtc. An identifier that is no macro
 * makes its cell unresolved: the caller reports it as needing preprocessing.
 */
import { LimitCode, MAX_DTS_EXPRESSION_DEPTH } from '../limits.js';
import { expand, type Macros } from './dts-macros.js';
import { ExprError, isOp, matchingParen, tokenize, U64, type Token } from './dts-tokens.js';
import type { DtCell } from './tree.js';

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const bool = (b: boolean) => (b ? 1n : 0n);

function applyBinary(op: string, a: bigint, b: bigint, at: number): bigint {
  switch (op) {
    case '+': return (a + b) & U64;
    case '-': return (a - b) & U64;
    case '*': return (a * b) & U64;
    case '/':
    case '%':
      if (b === 0n) throw new ExprError('division by zero', at);
      return op === '/' ? a / b : a % b;
    case '<<': return b >= 64n ? 0n : (a << b) & U64;
    case '>>': return b >= 64n ? 0n : a >> b;
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '&': return a & b;
    case '^': return a ^ b;
    case '|': return a | b;
    case '&&': return bool(a !== 0n && b !== 0n);
    default: return bool(a !== 0n || b !== 0n);
  }
}

/**
 * A C expression over expanded tokens (precedence climbing); an identifier is
 * 0, cpp's `#if` rule. The descent recurses per parenthesis, unary operator
 * and `?:` arm, so its depth is counted and capped (MAX_DTS_EXPRESSION_DEPTH)
 * instead of running out of stack.
 */
class Evaluator {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** Runs one nested step, refusing to go deeper than the limit. */
  private nested(at: Token | undefined, step: () => bigint): bigint {
    if (++this.depth > MAX_DTS_EXPRESSION_DEPTH) {
      throw new ExprError(`the expression nests deeper than ${MAX_DTS_EXPRESSION_DEPTH} levels`, at?.start ?? 0, LimitCode.dtsExpressionLimit);
    }
    try {
      return step();
    } finally {
      this.depth--;
    }
  }

  evaluate(): bigint {
    const v = this.conditional();
    const extra = this.tokens[this.i];
    if (extra) throw new ExprError('unexpected text after the expression', extra.start);
    return v;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private expectOp(op: string): void {
    const t = this.peek();
    if (!isOp(t, op)) throw new ExprError(`expected ${op}`, t?.start ?? this.tokens.at(-1)?.end ?? 0);
    this.i++;
  }

  private conditional(): bigint {
    const cond = this.binary(1);
    if (!isOp(this.peek(), '?')) return cond;
    const at = this.tokens[this.i++];
    const yes = this.nested(at, () => this.conditional());
    this.expectOp(':');
    const no = this.nested(at, () => this.conditional());
    return cond !== 0n ? yes : no;
  }

  private binary(minPrecedence: number): bigint {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const precedence = t?.kind === 'op' ? BINARY_PRECEDENCE[t.op] : undefined;
      if (t?.kind !== 'op' || precedence === undefined || precedence < minPrecedence) return left;
      this.i++;
      left = applyBinary(t.op, left, this.binary(precedence + 1), t.start);
    }
  }

  private unary(): bigint {
    const t = this.peek();
    if (t?.kind === 'op' && ['-', '+', '~', '!'].includes(t.op)) {
      this.i++;
      const v = this.nested(t, () => this.unary());
      if (t.op === '-') return -v & U64;
      if (t.op === '~') return ~v & U64;
      return t.op === '!' ? bool(v === 0n) : v;
    }
    return this.primary();
  }

  private primary(): bigint {
    const t = this.peek();
    if (!t) throw new ExprError('expression ends early', this.tokens.at(-1)?.end ?? 0);
    this.i++;
    if (t.kind === 'num') return t.value;
    if (isOp(t, '(')) {
      const v = this.nested(t, () => this.conditional());
      this.expectOp(')');
      return v;
    }
    // Cell lists set identifiers aside before evaluating; only cpp conditions meet them here.
    if (t.kind === 'id') return 0n;
    if (t.kind === 'ref') throw new ExprError('a reference cannot be part of an expression', t.start);
    throw new ExprError(`unexpected ${t.op}`, t.start);
  }
}

export function evaluate(tokens: readonly Token[]): bigint {
  return new Evaluator(tokens).evaluate();
}

/** A `#if` / `#elif` condition: true when non-zero. */
export function evaluateCondition(text: string, macros: Macros): boolean {
  return evaluate(expand(tokenize(text), macros, true)) !== 0n;
}

export interface CellListItem {
  cell: DtCell;
  /** Undefined macros this cell needs. */
  missing: string[];
  /** Offset of the cell in the text. */
  start: number;
}

/**
 * A cell list (the text between `<` and `>`), macros expanded: each item is
 * a reference, a number, a parenthesised expression, or an identifier that
 * no macro defines (possibly called: `GIC_SPI(3)`), which is kept as its text.
 */
export function parseCellList(text: string, macros: Macros): CellListItem[] {
  const tokens = expand(tokenize(text), macros);
  const items: CellListItem[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let last = i;
    if (isOp(t, '(')) last = matchingParen(tokens, i);
    else if (t.kind === 'id' && isOp(tokens[i + 1], '(') && tokens[i + 1]!.start === t.end) last = matchingParen(tokens, i + 1);
    else if (t.kind === 'op') throw new ExprError(`unexpected ${t.op} in a cell list (expressions go in parentheses)`, t.start);
    if (last < 0) throw new ExprError('unbalanced parentheses', t.start);

    const span = tokens.slice(i, last + 1);
    const missing = [...new Set(span.flatMap((s) => (s.kind === 'id' ? [s.name] : [])))];
    if (t.kind === 'ref') items.push({ cell: t.ref, missing, start: t.start });
    else if (missing.length > 0) {
      items.push({ cell: { kind: 'unresolved', text: text.slice(t.start, tokens[last]!.end) }, missing, start: t.start });
    } else items.push({ cell: evaluate(span), missing, start: t.start });
    i = last;
  }
  return items;
}
