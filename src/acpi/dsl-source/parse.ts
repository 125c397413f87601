/**
 * iasl's data-table source (the `.dsl` that `iasl -T SIG` writes, that
 * `iasl -d` writes, and that people edit) as a list of field lines, read the
 * way iasl's table compiler reads it (ACPICA source/compiler/dtio.c):
 *
 * - comments (`/* ... *\/` across lines, `// ...`) are dropped;
 * - a backslash at the end of a line continues it on the next (a long
 *   buffer value), the two joined by a blank;
 * - a line without `:` is no field (subtable headings, blank lines);
 * - before the label, `[...]` groups are skipped (`[000h 0000 004h]` of
 *   `iasl -d`, `[0004]` of `iasl -T`);
 * - the value ends at a `[` outside quotes (`0000 [Hardware Unit
 *   Definition]`), quotes around it are removed, and a line whose value is
 *   empty is no field (`Memory Properties : [IORT Memory Access Properties]`);
 * - every line from the first that contains "Raw Table Data" on is ignored
 *   (up to the next table's text, where ridmap's text of a dump has several).
 *
 * Flag-bit lines beneath a field (`Size (pages, log2) : 0`) are field lines
 * like any other; the compiler knows which ones they are.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { RepeatLimiter } from '../../limits.js';
import { appendAll } from '../../append.js';

export interface DslField {
  /** 1-based line where the field starts in the source. */
  line: number;
  label: string;
  /** The value text: trimmed, outer quotes removed, continuation lines joined. */
  value: string;
  /** The value was written in quotes (`""` is an empty string, not a missing value). */
  quoted: boolean;
}

export const DslSourceCode = {
  /** A quoted string or a comment runs to the end of the line or of the file (error). */
  syntax: 'dsl-syntax',
} as const;

/** What stops iasl's reader: everything from this line on is the disassembler's dump. */
export const RAW_TABLE_DATA = 'Raw Table Data';

export interface ParsedDsl {
  fields: DslField[];
  diagnostics: Diagnostic[];
}

/** What makes a line more than itself: quotes, comments, continuations, a CR. */
const PLAIN_BREAK = /["/\\\r]/;

/** The first line of another table's text after a dump: its header comment, or its Signature field. */
const NEXT_TABLE = /^[ \t]*(?:\/\*|(?:\[[^\]\n]*\][ \t]*)*Signature[ \t]*:)/;

/** One logical line: the text with comments removed, and the physical line it started on. */
interface LogicalLine {
  line: number;
  text: string;
}

/**
 * Splits the text into logical lines, as iasl's DtGetNextLine does: one pass
 * over the characters with a small state machine (no recursion, no
 * backtracking), so any input costs time linear in its length.
 */
function logicalLines(text: string, diagnostics: Diagnostic[]): LogicalLine[] {
  const lines: LogicalLine[] = [];
  // The current line is kept as slices of the text, not characters: a 64 MiB source is read in its own size.
  let parts: string[] = [];
  let from = 0;
  let line = 1;
  let start = 1;
  let inString = false;
  let inComment = false;
  let commentLine = 0;
  let done = false;
  const limiter = new RepeatLimiter();
  const flush = (to: number): void => {
    parts.push(text.slice(from, to));
    const t = parts.join('');
    parts = [];
    // iasl stops reading here: the dump after it is no source (its text column may hold quotes and slashes).
    if (t.includes(RAW_TABLE_DATA)) done = true;
    else if (t.trim() !== '') lines.push({ line: start, text: t });
  };
  let i = 0;
  /**
   * After a dump, reading goes on where another table's text starts (ridmap
   * prints a whole acpidump's tables one after the other); iasl's sources
   * have one table, and nothing after their dump is read.
   */
  const resume = (): boolean => {
    let p = from;
    while (p < text.length) {
      const nl = text.indexOf('\n', p);
      const end = nl < 0 ? text.length : nl;
      if (NEXT_TABLE.test(text.slice(p, end))) {
        from = p;
        i = p - 1;
        start = line;
        done = false;
        return true;
      }
      p = end + 1;
      line++;
    }
    return false;
  };
  for (; i < text.length && !done; i++) {
    if (i === from && !parts.length && !inComment && !inString) {
      // A whole line with nothing to strip or join (most lines) is taken at once.
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      if (!PLAIN_BREAK.test(text.slice(i, end))) {
        flush(end);
        from = end + 1;
        i = end;
        line++;
        start = line;
        if (done && !resume()) break;
        continue;
      }
    }
    const c = text[i]!;
    const eol = c === '\n' || c === '\r';
    if (inComment) {
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      else if (c === '*' && text[i + 1] === '/') {
        inComment = false;
        from = ++i + 1;
      }
      continue;
    }
    if (inString && !eol) {
      if (c === '"') inString = false;
      else if (c === '\\' && i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
      continue;
    }
    if (inString) {
      if (limiter.take(DslSourceCode.syntax, 'error')) diagnostics.push({ severity: 'error', code: DslSourceCode.syntax, line, column: 1, message: 'the quoted string is not closed on its line' });
      inString = false;
    }
    if (eol) {
      flush(i);
      if (c === '\r' && text[i + 1] === '\n') i++;
      from = i + 1;
      line++;
      start = line;
      if (done && !resume()) break;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      parts.push(text.slice(from, i));
      inComment = true;
      commentLine = line;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      parts.push(text.slice(from, i));
      while (i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
      from = i + 1;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      // A continuation: the next line goes on this one, after a blank.
      parts.push(text.slice(from, i), ' ');
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 2 : 1;
      from = i + 1;
      line++;
      continue;
    }
    if (c === '"') inString = true;
  }
  if (!done) {
    if (inComment) diagnostics.push({ severity: 'error', code: DslSourceCode.syntax, line: commentLine, column: 1, message: 'the /* comment is never closed' });
    else flush(text.length);
  }
  appendAll(diagnostics, limiter.summaries());
  return lines;
}

const VALUE_END = /["[]/g;

/** The field of one logical line, or undefined when the line is none (iasl's DtParseLine). */
function fieldOf(l: LogicalLine): DslField | undefined {
  const text = l.text;
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  let start = 0;
  while (start < colon) {
    const c = text[start]!;
    if (c === '[') {
      const close = text.indexOf(']', start);
      start = close < 0 || close > colon ? colon : close + 1;
    } else if (c === ' ' || c === '\t') start++;
    else break;
  }
  const label = text.slice(start, colon).trim();
  // The value ends after a closing quote, or before a `[` (the disassembler's comment: `[Hardware Unit Definition]`).
  VALUE_END.lastIndex = colon + 1;
  const stop = VALUE_END.exec(text);
  let end = stop ? stop.index : text.length;
  let quoted = false;
  if (stop?.[0] === '"') {
    const close = text.indexOf('"', end + 1);
    end = close < 0 ? text.length : close + 1;
    quoted = true;
  }
  let value = text.slice(colon + 1, end).trim();
  if (quoted) value = value.replace(/^"/, '').replace(/"$/, '');
  if (value === '' && !quoted) return undefined;
  return { line: l.line, label, value, quoted };
}

/** The field lines of a data-table source, up to its "Raw Table Data" dump. */
export function parseDslFields(text: string): ParsedDsl {
  const diagnostics: Diagnostic[] = [];
  const fields: DslField[] = [];
  // A byte-order mark is no part of the first label.
  for (const l of logicalLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, diagnostics)) {
    const f = fieldOf(l);
    if (f) fields.push(f);
  }
  return { fields, diagnostics };
}
