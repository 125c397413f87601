/**
 * A lexical pass over DTS text before tree-sitter sees it, for two things
 * dtc handles in its lexer but the tree-sitter grammar does not:
 *   - character literals (`'a'`, `'\n'`) become decimal numbers padded to
 *     the same width, so every position after them stays where it was;
 *   - `/include/ "file"` may stand anywhere (dtc includes it lexically), the
 *     grammar accepts it only at the top level: every one is blanked out and
 *     recorded as an include point, which the parser splices in by position.
 * Comments and strings are skipped, so nothing inside them is touched.
 */
import { utf8ToByteString } from './byte-string.js';
import { unescapeDts } from './dts-strings.js';

export interface IncludePoint {
  /** Offset of `/include/` in the text. */
  index: number;
  line: number;
  column: number;
  path: string;
}

export interface PreparedSource {
  text: string;
  includes: IncludePoint[];
}

const CHAR_LITERAL = /^'((?:\\[0-7]{1,3}|\\x[0-9a-fA-F]{1,2}|\\.|[^\\'\n]))'/;
const INCLUDE = /^\/include\/([ \t]*)"((?:\\.|[^"\\\n])*)"/;

const INTERESTING = /[/"']/g;

export function prepareSource(text: string): PreparedSource {
  const out: string[] = [];
  const includes: IncludePoint[] = [];
  // Lines are counted from the previous include point on, not from the top for each one.
  let counted = { index: 0, line: 1, lineStart: 0 };
  const position = (index: number) => {
    let { line, lineStart } = counted;
    for (let j = text.indexOf('\n', counted.index); j >= 0 && j < index; j = text.indexOf('\n', j + 1)) {
      line++;
      lineStart = j + 1;
    }
    counted = { index, line, lineStart };
    return { line, column: index - lineStart + 1 };
  };
  let i = 0;
  const copyTo = (end: number) => {
    out.push(text.slice(i, end));
    i = end;
  };

  while (i < text.length) {
    INTERESTING.lastIndex = i;
    const found = INTERESTING.exec(text);
    if (!found) break;
    copyTo(found.index);
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      copyTo(end < 0 ? text.length : end);
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      copyTo(end < 0 ? text.length : end + 2);
    } else if (c === '"') {
      copyTo(stringEnd(text, i));
    } else if (c === "'" && !/\w/.test(text[i - 1] ?? '')) {
      const m = CHAR_LITERAL.exec(text.slice(i, i + 8));
      const value = m ? utf8ToByteString(unescapeDts(m[1]!)) : '';
      if (m && value.length === 1) {
        out.push(String(value.charCodeAt(0)).padStart(m[0].length, ' '));
        i += m[0].length;
      } else {
        copyTo(i + 1);
      }
    } else {
      const m = c === '/' ? INCLUDE.exec(text.slice(i, i + 4096)) : null;
      if (m) {
        includes.push({ index: i, ...position(i), path: unescapeDts(m[2]!) });
        out.push(' '.repeat(m[0].length));
        i += m[0].length;
      } else {
        copyTo(i + 1);
      }
    }
  }
  copyTo(text.length);
  return { text: out.join(''), includes };
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let j = text.indexOf('\n'); j >= 0 && j < index; j = text.indexOf('\n', j + 1)) {
    line++;
    lineStart = j + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** Index just past the closing quote of the string starting at `start` (or the end of its line). */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
    else if (c === '\n') return j;
  }
  return text.length;
}
