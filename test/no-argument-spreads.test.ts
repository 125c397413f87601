/**
 * No list the input sizes is passed as arguments (issue 21). `a.push(...b)`,
 * `Math.max(...b)` and `String.fromCharCode(...b)` pass one argument per
 * element, and V8 overflows its stack at ~120k of them (fewer in a browser
 * worker): a map of 150k devices crashed the CLI that way. Lists are
 * appended with appendAll and measured with minOf/maxOf (src/append.ts);
 * bytes become text in chunks (dt/byte-string.ts, codec/reader.ts). This
 * scan of src/ and web/src/ keeps the pattern from coming back; the few
 * spreads over lists of a fixed, small size are listed here with that size.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/paths.js';

/** `file: the spread's text` for spreads whose list has a bound, with the bound. */
const BOUNDED: ReadonlyMap<string, string> = new Map([
  ['src/acpi/dsl-source/values.ts: fromCharCode(...full)', 'an ID field of a table header: at most 8 bytes'],
  ['src/acpi/ivrs/spec.ts: fromCharCode(...b)', 'an ACPI UID: UID Length is one byte, at most 255'],
  ['src/acpi/ivrs/ivhd-entries.ts: fromCharCode(...bytes)', 'an ACPI UID: UID Length is one byte, at most 255'],
]);

// A call, not a declaration's rest parameter (`function concat(...parts)`).
const SPREAD_CALL = /(?<!function )\b(?:push|unshift|Math\.max|Math\.min|fromCharCode|concat)\(\.\.\.([\w.!]+(?:\([^()]*\))?)/g;
/** A spread of a fixed-size view (`bytes.subarray(0, 8)`): as many arguments as the literals say. */
const FIXED_VIEW = /\.subarray\(\d+, \d+\)$/;
/** `.apply(null, list)` spreads just the same, unless the list is a bounded slice. */
const APPLY = /\.apply\(null, (?![^)]*\b(?:subarray|slice)\()/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every argument spread of the code (comments skipped), as `file: text`. */
function spreads(): string[] {
  const found: string[] = [];
  for (const file of [...sourceFiles(join(REPO_ROOT, 'src')), ...sourceFiles(join(REPO_ROOT, 'web/src'))]) {
    const rel = relative(REPO_ROOT, file);
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (/^\s*(\/?\*|\/\/)/.test(line)) continue;
      for (const m of line.matchAll(SPREAD_CALL)) {
        if (!FIXED_VIEW.test(m[1]!)) found.push(`${rel}: ${m[0]}${m[0].endsWith(')') ? '' : ')'}`);
      }
      if (APPLY.test(line)) found.push(`${rel}: ${line.trim()}`);
    }
  }
  return found;
}

describe('argument spreads', () => {
  it('no list is spread as arguments unless its size is bounded (and listed here)', () => {
    expect(spreads().filter((s) => !BOUNDED.has(s))).toEqual([]);
  });

  it('every listed spread is still in the code (the list does not outlive the code)', () => {
    const found = new Set(spreads());
    expect([...BOUNDED.keys()].filter((k) => !found.has(k))).toEqual([]);
  });

  it('the scan finds what it forbids', () => {
    // The scan itself, on a line that has each forbidden shape.
    const line = 'a.push(...rows); Math.max(...ends); s.concat(...parts); String.fromCharCode(...bytes.subarray(0, n)); function f(...rest)';
    expect([...line.matchAll(SPREAD_CALL)].filter((m) => !FIXED_VIEW.test(m[1]!))).toHaveLength(4);
    expect(APPLY.test('String.fromCharCode.apply(null, codes)')).toBe(true);
    expect(APPLY.test('String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK))')).toBe(false);
    expect(FIXED_VIEW.test('bytes.subarray(0, 8)')).toBe(true);
  });
});
