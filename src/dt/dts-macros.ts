/**
 * The C preprocessor's macro expansion, as far as DTS files need it:
 * object-like and function-like macros by token substitution (no `#` or
 * `##`), rescanned, a macro never expanding inside itself.
 */
import { ExprError, isOp, matchingParen, type Token } from './dts-tokens.js';

export interface Macro {
  params?: string[];
  body: Token[];
}

export type Macros = Map<string, Macro>;

/**
 * Macro expansion: every identifier that names a macro not already being
 * expanded is replaced by its body (arguments substituted), rescanned. The
 * replacement tokens take the span of the invocation, so errors and
 * unresolved cells point at the text the user wrote. In `cpp` mode,
 * `defined NAME` / `defined(NAME)` become 1 or 0 first.
 */
export function expand(tokens: readonly Token[], macros: Macros, cpp = false, active: ReadonlySet<string> = new Set()): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'id') {
      out.push(t);
      continue;
    }
    if (cpp && t.name === 'defined') {
      const paren = isOp(tokens[i + 1], '(');
      const name = tokens[i + (paren ? 2 : 1)];
      if (name?.kind !== 'id' || (paren && !isOp(tokens[i + 3], ')'))) throw new ExprError('defined needs a macro name', t.start);
      out.push({ kind: 'num', value: macros.has(name.name) ? 1n : 0n, start: t.start, end: name.end });
      i += paren ? 3 : 1;
      continue;
    }
    const macro = macros.get(t.name);
    if (!macro || active.has(t.name) || (macro.params && !isOp(tokens[i + 1], '('))) {
      out.push(t);
      continue;
    }
    let body = macro.body;
    let end = t.end;
    if (macro.params) {
      const close = matchingParen(tokens, i + 1);
      if (close < 0) throw new ExprError(`unterminated arguments of ${t.name}`, t.start);
      const args = splitArguments(tokens.slice(i + 2, close));
      if (args.length !== macro.params.length && !(macro.params.length === 0 && args.length === 1 && args[0]!.length === 0)) {
        throw new ExprError(`${t.name} takes ${macro.params.length} arguments, given ${args.length}`, t.start);
      }
      body = body.flatMap((b) => (b.kind === 'id' && macro.params!.includes(b.name) ? args[macro.params!.indexOf(b.name)]! : [b]));
      end = tokens[close]!.end;
      i = close;
    }
    const placed = body.map((b) => ({ ...b, start: t.start, end }));
    out.push(...expand(placed, macros, cpp, new Set([...active, t.name])));
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

