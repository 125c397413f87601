/**
 * The C preprocessor's macro expansion, as far as DTS files need it:
 * object-like and function-like macros by token substitution (no `#` or
 * `##`), rescanned, a macro never expanding inside itself, bounded.
 */
import { LimitCode, MAX_DTS_MACRO_TOKENS } from '../limits.js';
import { ExprError, isOp, matchingParen, type Token } from './dts-tokens.js';

export interface Macro {
  params?: string[];
  body: Token[];
}

export type Macros = Map<string, Macro>;

/** Tokens expansion has produced per macro table (one table per parse), against MAX_DTS_MACRO_TOKENS. */
const produced = new WeakMap<Macros, number>();

/** One token list being rescanned: the input, or a macro's replacement (`name` is then the macro's). */
interface Frame {
  tokens: readonly Token[];
  i: number;
  name?: string;
}

/**
 * Macro expansion: every identifier that names a macro not already being
 * expanded is replaced by its body (arguments substituted), rescanned. The
 * replacement tokens take the span of the invocation, so errors and
 * unresolved cells point at the text the user wrote. In `cpp` mode,
 * `defined NAME` / `defined(NAME)` become 1 or 0 first.
 *
 * Rescanning uses a stack of frames, not recursion (a chain of macros sets
 * its depth), and every token a replacement produces counts against
 * MAX_DTS_MACRO_TOKENS for the whole parse: `#define A B B` chains double
 * at each step. As before, a function-like macro takes its arguments from
 * the list it appears in.
 */
export function expand(tokens: readonly Token[], macros: Macros, cpp = false): Token[] {
  const out: Token[] = [];
  const stack: Frame[] = [{ tokens, i: 0 }];
  /** Macros being expanded, with how many frames expand each (a name is active while its count is non-zero). */
  const active = new Map<string, number>();
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    const list = frame.tokens;
    if (frame.i >= list.length) {
      stack.pop();
      if (frame.name !== undefined) active.set(frame.name, active.get(frame.name)! - 1);
      continue;
    }
    const i = frame.i;
    const t = list[i]!;
    frame.i++;
    if (t.kind !== 'id') {
      out.push(t);
      continue;
    }
    if (cpp && t.name === 'defined') {
      const paren = isOp(list[i + 1], '(');
      const name = list[i + (paren ? 2 : 1)];
      if (name?.kind !== 'id' || (paren && !isOp(list[i + 3], ')'))) throw new ExprError('defined needs a macro name', t.start);
      out.push({ kind: 'num', value: macros.has(name.name) ? 1n : 0n, start: t.start, end: name.end });
      frame.i = i + (paren ? 4 : 2);
      continue;
    }
    const macro = macros.get(t.name);
    if (!macro || (active.get(t.name) ?? 0) > 0 || (macro.params && !isOp(list[i + 1], '('))) {
      out.push(t);
      continue;
    }
    let body = macro.body;
    let end = t.end;
    if (macro.params) {
      const close = matchingParen(list, i + 1);
      if (close < 0) throw new ExprError(`unterminated arguments of ${t.name}`, t.start);
      const args = splitArguments(list.slice(i + 2, close));
      if (args.length !== macro.params.length && !(macro.params.length === 0 && args.length === 1 && args[0]!.length === 0)) {
        throw new ExprError(`${t.name} takes ${macro.params.length} arguments, given ${args.length}`, t.start);
      }
      body = body.flatMap((b) => (b.kind === 'id' && macro.params!.includes(b.name) ? args[macro.params!.indexOf(b.name)]! : [b]));
      end = list[close]!.end;
      frame.i = close + 1;
    }
    const total = (produced.get(macros) ?? 0) + body.length;
    if (total > MAX_DTS_MACRO_TOKENS) {
      throw new ExprError(`macro expansion goes over ${MAX_DTS_MACRO_TOKENS} tokens (at ${t.name})`, t.start, LimitCode.dtsExpressionLimit);
    }
    produced.set(macros, total);
    active.set(t.name, (active.get(t.name) ?? 0) + 1);
    stack.push({ tokens: body.map((b) => ({ ...b, start: t.start, end })), i: 0, name: t.name });
  }
  return out;
}

function splitArguments(tokens: readonly Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (isOp(t, '(')) depth++;
    if (isOp(t, ')')) depth--;
    if (depth === 0 && isOp(t, ',')) args.push([]);
    else args.at(-1)!.push(t);
  }
  return args;
}

