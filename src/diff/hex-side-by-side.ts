/**
 * `diff --hex`: the bytes behind each difference, A on the left and B on the
 * right, in the hexy layout the rest of ridmap prints (codec/hexdump.ts),
 * each at its own offset in its own table (the same structure often sits
 * elsewhere in the other table).
 */
import { hexDumpLines } from '../codec/index.js';
import type { ByteRange } from './structure-diff.js';

/** Longest dump shown per side; a bigger range is cut with a note (the structural lines say what changed). */
const MAX_LINES = 8;

export interface HexBlock {
  title: string;
  a?: { bytes: Uint8Array; range: ByteRange };
  b?: { bytes: Uint8Array; range: ByteRange };
}

export function sideBySide(block: HexBlock): string[] {
  const left = dump(block.a);
  const right = dump(block.b);
  const width = Math.max(32, ...left.map((l) => l.length));
  const rows = Math.max(left.length, right.length);
  const out = [`  ${block.title}`, `    ${'A'.padEnd(width)}  | B`];
  for (let i = 0; i < rows; i++) out.push(`    ${(left[i] ?? '').padEnd(width)}  | ${right[i] ?? ''}`.trimEnd());
  return out;
}

function dump(side: HexBlock['a']): string[] {
  if (!side) return ['(absent)'];
  const [start, end] = side.range;
  const bytes = side.bytes.subarray(start, Math.min(end, start + MAX_LINES * 16));
  const lines = hexDumpLines(bytes, start, '');
  if (end - start > MAX_LINES * 16) lines.push(`... ${end - start - MAX_LINES * 16} more byte(s)`);
  return lines.length ? lines : ['(no bytes)'];
}

/** Runs of differing bytes of two buffers at the same offsets (for tables compared byte by byte), at most `limit`. */
export function differingRuns(a: Uint8Array, b: Uint8Array, limit = 4): ByteRange[] {
  const runs: ByteRange[] = [];
  const n = Math.max(a.length, b.length);
  const differs = (i: number) => a[i] !== b[i];
  for (let i = 0; i < n && runs.length < limit; i++) {
    if (!differs(i)) continue;
    // Differences less than a dump line apart are one run.
    let last = i;
    for (let j = i + 1; j < n && j <= last + 16; j++) if (differs(j)) last = j;
    runs.push([i, last + 1]);
    i = last;
  }
  return runs;
}
