/**
 * Which dropped files an input of the page takes: each under MAX_INPUT_BYTES
 * (as the CLI reads files), and all of them, with what the input already
 * holds, under MAX_PAGE_INPUT_BYTES. The others are refused before they are
 * read, with a message saying which limit and what to do.
 */
import type { Diagnostic } from '../../src/diagnostic.js';
import { MAX_INPUT_BYTES, MAX_PAGE_INPUT_BYTES } from '../../src/limits.js';

export interface Admitted<T> {
  accepted: T[];
  refused: Diagnostic[];
}

/** `held` is what the input already holds, in bytes; files are taken in order while they fit. */
export function admitFiles<T extends { name: string; size: number }>(files: readonly T[], held: number): Admitted<T> {
  const accepted: T[] = [];
  const refused: Diagnostic[] = [];
  let total = held;
  for (const f of files) {
    if (f.size > MAX_INPUT_BYTES) {
      refused.push(unreadable(f.name, `is ${f.size} bytes; inputs are limited to ${MAX_INPUT_BYTES} bytes`));
    } else if (total + f.size > MAX_PAGE_INPUT_BYTES) {
      refused.push(unreadable(f.name,
        `is ${f.size} bytes, and this input already holds ${total}; the page takes at most ${MAX_PAGE_INPUT_BYTES} bytes per input ` +
        '(remove files, or use the ridmap command line for larger sets)'));
    } else {
      accepted.push(f);
      total += f.size;
    }
  }
  return { accepted, refused };
}

function unreadable(name: string, reason: string): Diagnostic {
  return { severity: 'error', code: 'unreadable-input', file: name, message: `cannot read ${name}: ${reason}` };
}
