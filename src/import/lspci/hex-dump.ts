/**
 * `lspci -x` / `-xxx` / `-xxxx` dump lines under a device line: `00: 86 80
 * 29 29 07 04 10 00 ...`, the offset in 2 hex digits (3 past 0xff, so a dump ends by 4096 bytes), a
 * colon, then exactly 16 bytes. The dump is the function's configuration
 * space, 64, 256 or 4096 bytes (128 for a CardBus bridge's -x): the same
 * bytes sysfs's `config` file holds, read by config-space.ts.
 */
import type { LspciBlock } from './block.js';
import { LspciCode, lspciError } from './lspci-text.js';

/** Whether `line` is meant as a dump line: an offset, a colon, a blank and a hex byte. */
export function isDumpLine(line: string): boolean {
  return /^[0-9a-fA-F]{2,3}: [0-9a-fA-F]{2}(?: |$)/.test(line);
}

/** Adds one dump line to `block`; a line cut short or off its offset is an error naming it. */
export function readDumpLine(block: LspciBlock | undefined, line: string, n: number, source: string): void {
  if (!block) lspciError(source, n, LspciCode.badDump, 'a hex dump line with no device line above it (lspci -x prints `00:1f.2 ...` first)');
  const colon = line.indexOf(':');
  const offset = parseInt(line.slice(0, colon), 16);
  const text = line.slice(colon + 1).trimEnd();
  const m = /^(?: [0-9a-fA-F]{2}){16}$/.exec(text);
  if (!m) {
    const got = (text.match(/ [0-9a-fA-F]{2}(?= |$)/g) ?? []).length;
    lspciError(source, n, LspciCode.badDump, `a dump line holds 16 bytes after its offset; this one has ${got === 16 ? 'something else besides' : got} (was the paste cut short?)`);
  }
  if (offset !== block.dump.length) {
    lspciError(source, n, LspciCode.badDump, `dump offset ${hex(offset)} where ${hex(block.dump.length)} comes next for ${block.sbdf} (a line is missing or repeated)`);
  }
  for (let i = 1; i < text.length; i += 3) block.dump.push(parseInt(text.slice(i, i + 2), 16));
}

const hex = (n: number) => `0x${n.toString(16)}`;
