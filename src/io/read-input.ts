/**
 * Reading user files. Failures become InputError diagnostics (exit 2) that
 * name the file and the reason, never a stack trace.
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../diagnostic.js';
import { MAX_INPUT_BYTES } from '../limits.js';
import { decodeText } from './text-encoding.js';

export function readInputBytes(path: string): Uint8Array {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw fail(path, 'is a directory, not a file');
    if (st.size > MAX_INPUT_BYTES) {
      throw fail(path, `is ${st.size} bytes; inputs are limited to ${MAX_INPUT_BYTES} bytes`);
    }
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw fail(path, reason);
  }
}

/** UTF-8, or UTF-16 as Windows tools write it (see text-encoding.ts). */
export function readInputText(path: string): string {
  return decodeText(readInputBytes(path));
}

function fail(path: string, reason: string): InputError {
  return new InputError([{ severity: 'error', code: 'unreadable-input', file: path, message: `cannot read ${path}: ${reason}` }]);
}
