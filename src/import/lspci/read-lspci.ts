/**
 * `readLspci`: lspci text pasted by a user as a HostSnapshot, for people who
 * can only paste text (issue 19). One text may hold several outputs in any
 * order (`lspci -tvnn`, `lspci -vvvnn`, `lspci -xxxx`, with or without -D),
 * with shell prompts and blank lines between; each line is recognised by its
 * shape:
 *   - a tree starts with `-[dddd:bb]-` or `-+-[dddd:bb]-` in column 0 and
 *     goes on with lines of blanks and bars then `+-` or `\-` (tree.ts);
 *   - a device line starts with a slot (`00:1f.2 ` or `0000:00:1f.2 `), its
 *     indented lines are its fields, its `00: 86 80 ...` lines its hex dump
 *     (block.ts, hex-dump.ts); a blank line ends it;
 *   - a shell prompt or command line (holding `lspci`, or ending in `$`,
 *     `#`, `%` or `>` before the command), lspci's own complaints and
 *     Markdown code fences are passed over.
 * Anything else is not lspci's: the first such line is an error naming it.
 */
import type { HostSnapshot } from '../host/host-snapshot.js';
import { MAX_INPUT_BYTES, MAX_LSPCI_FUNCTIONS, MAX_LSPCI_LINE_CHARS } from '../../limits.js';
import { isDeviceLine, readDeviceLine, readField, type LspciBlock } from './block.js';
import { isDumpLine, readDumpLine } from './hex-dump.js';
import { LspciCode, lspciError } from './lspci-text.js';

export { LspciCode } from './lspci-text.js';
import { mergeLspci } from './merge.js';
import { TreeReader } from './tree.js';

const EXPECTED =
  'expected lspci output: a tree (`lspci -tvnn`, starting `-[0000:00]-+-00.0`), device blocks (`lspci -vvvnn`, starting `00:1f.2 SATA controller [0106]: ...`) or hex dumps (`lspci -xxxx`, lines `00: 86 80 ...`)';

/**
 * A shell prompt, a command line, lspci's own complaint on stderr (`lspci:
 * Unable to load libkmod resources`), or the fence of a Markdown code block
 * the text was pasted in (a bug report).
 */
function isShellLine(line: string): boolean {
  return /\blspci\b|^pcilib: |^(?:```|~~~)/.test(line) || /^\S*[$#%>](?:\s|$)/.test(line);
}

export function readLspci(input: string, source: string): HostSnapshot {
  if (input.length > MAX_INPUT_BYTES) {
    lspciError(source, undefined, LspciCode.tooLarge, `${input.length} characters of lspci text; the limit is ${MAX_INPUT_BYTES} (MAX_INPUT_BYTES)`);
  }
  // CRLF (a paste from Windows) and lone CR line ends become LF once, so that each line is found by one search.
  const text = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const tree = new TreeReader(source);
  const blocks: LspciBlock[] = [];
  let inTree = false;
  let block: LspciBlock | undefined;
  const tooMany = (n: number): void => {
    if (blocks.length + tree.functions.length <= MAX_LSPCI_FUNCTIONS) return;
    lspciError(source, n, LspciCode.tooLarge, `more than ${MAX_LSPCI_FUNCTIONS} functions shown (MAX_LSPCI_FUNCTIONS, each section's showing counted); the largest machines have tens of thousands`);
  };
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    const lf = text.indexOf('\n', start);
    const eol = lf < 0 ? text.length : lf;
    if (eol - start > MAX_LSPCI_LINE_CHARS) {
      lspciError(source, n, LspciCode.tooLarge, `a line of ${eol - start} characters; lspci prints none over ${MAX_LSPCI_LINE_CHARS} (MAX_LSPCI_LINE_CHARS)`);
    }
    const line = text.slice(start, eol).trimEnd();
    start = eol + 1;

    if (line === '') {
      inTree = false;
      block = undefined;
      continue;
    }
    if (TreeReader.starts(line)) {
      tree.begin(line, n);
      tooMany(n);
      inTree = true;
      block = undefined;
      continue;
    }
    if (inTree) {
      if (TreeReader.continues(line)) {
        tree.continue(line, n);
        tooMany(n);
        continue;
      }
      // `lspci -tvv` prints a function's regions under it, indented by blanks and bars.
      if (/^[ |]+\S/.test(line)) continue;
      inTree = false;
    }
    if (isDeviceLine(line)) {
      block = readDeviceLine(line, n, source);
      blocks.push(block);
      tooMany(n);
      continue;
    }
    if (block && /^[ \t]/.test(line)) {
      readField(block, line);
      continue;
    }
    if (isDumpLine(line)) {
      readDumpLine(block, line, n, source);
      continue;
    }
    if (isShellLine(line)) {
      block = undefined;
      continue;
    }
    if (!blocks.length && !tree.functions.length) lspciError(source, n, LspciCode.noOutput, `not lspci output; ${EXPECTED}`);
    lspciError(source, n, LspciCode.badLine, `a line lspci does not print here; ${EXPECTED}`);
  }
  if (!blocks.length && !tree.functions.length) lspciError(source, undefined, LspciCode.noOutput, `no PCI function in the text; ${EXPECTED}`);
  return mergeLspci(source, tree.functions, tree.rootBuses, blocks);
}
