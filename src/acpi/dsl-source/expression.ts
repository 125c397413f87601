/**
 * Integer values of iasl's data-table source: an expression whose constants
 * are hex with or without `0x` (`1234` is 0x1234; ACPICA dtparser.y), with
 * C's operators and precedence (`+ - * / % << >> < > <= >= == != & ^ | && ||
 * ~ !` and parentheses), in unsigned 64-bit arithmetic. The evaluation is the
 * DTS one (dt/dts-expr.ts: same operators, depth-capped); only the numbers
 * are read otherwise. iasl's `$label` references are not supported.
 */
import { evaluate } from '../../dt/dts-expr.js';
import { ExprError, type Token } from '../../dt/dts-tokens.js';

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', ...'+-*/%<>&|^!~()'];
const isHexDigit = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (isHexDigit(c)) {
      let end = i;
      if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && isHexDigit(text[i + 2])) end += 2;
      while (end < text.length && isHexDigit(text[end])) end++;
      const digits = text.slice(i, end).replace(/^0[xX]/, '').replace(/^0+(?=.)/, '');
      if (digits.length > 16) throw new ExprError(`a constant of ${digits.length} hex digits does not fit in 64 bits`, i);
      tokens.push({ kind: 'num', value: BigInt('0x' + digits), start: i, end });
      i = end;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) {
      if (c === '$') throw new ExprError('label references ($name) are not supported; write the value', i);
      throw new ExprError(`unexpected "${c}" (values are hex numbers and expressions of them)`, i);
    }
    tokens.push({ kind: 'op', op, start: i, end: i + op.length });
    i += op.length;
  }
  return tokens;
}

export interface IntegerValue {
  value?: bigint;
  /** Why the text is no integer expression. */
  problem?: string;
}

/** The value of an integer expression, or what is wrong with it. */
export function evaluateInteger(text: string): IntegerValue {
  try {
    const tokens = tokenize(text);
    if (!tokens.length) return { problem: 'no value' };
    return { value: evaluate(tokens) };
  } catch (e) {
    if (e instanceof ExprError) return { problem: `${e.message} at column ${e.at + 1} of the value` };
    throw e;
  }
}
