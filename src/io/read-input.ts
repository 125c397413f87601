/**
 * Reading user files. Failures become InputError diagnostics (exit 2) that
 * name the file and the reason, never a stack trace.
 *
 * Every input is read the same bounded way, whatever it is: a regular file
 * over MAX_INPUT_BYTES is refused from its size before reading; anything
 * else (a pipe, /dev/stdin, /dev/zero, a file that grows while read) is
 * read in chunks and refused as soon as one byte more than the limit has
 * arrived, so no input costs more than the limit in time or memory.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';
import { concatBytes } from '../codec/bytes.js';
import { InputError } from '../diagnostic.js';
import { MAX_INPUT_BYTES } from '../limits.js';
import { decodeText } from './text-encoding.js';
import { readSomeSync } from './fd-sync.js';

const CHUNK_BYTES = 1024 * 1024;

/** `-` in place of an input file is standard input, as for dtc, iasl and most Unix tools. */
export const STDIN_ARG = '-';
/** What messages call standard input (dtc's and gcc's name for it). */
export const STDIN_NAME = '<stdin>';

/** The name messages give an input argument: `<stdin>` for `-`, a path as given. */
export function inputName(path: string): string {
  return path === STDIN_ARG ? STDIN_NAME : path;
}

/**
 * One run's standard input: a pipe can be read to its end once, so what it
 * gave is kept for the run (a snapshot is told from other inputs by its first
 * bytes, then read whole). That the user names `-` only once is the CLI's
 * rule (cli/stdin-arguments.ts).
 */
interface StdinOfRun {
  fd: number;
  bytes?: Uint8Array;
}
const stdinOfRun = new AsyncLocalStorage<StdinOfRun>();

/**
 * Runs `work` (one CLI command) with `fd` as the standard input `-` reads,
 * at most once. Scoped to the call and what it awaits, so runs in one
 * process (tests, the library) each have their own; outside one, `-` reads fd 0.
 */
export function withStdin<T>(fd: number, work: () => T): T {
  return stdinOfRun.run({ fd }, work);
}

/** The input's bytes: a file's, or standard input's for `-` (messages name it <stdin>). */
export function readInputBytes(path: string): Uint8Array {
  if (path === STDIN_ARG) return readStdin();
  const maxBytes = MAX_INPUT_BYTES;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fail(path, reason(e));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw fail(path, 'is a directory, not a file');
    if (st.isFile() && st.size > maxBytes) throw tooLarge(path, `is ${st.size} bytes`, maxBytes);
    return readBounded(fd, path, maxBytes, st.isFile() ? st.size : undefined);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fail(path, reason(e));
  } finally {
    closeSync(fd);
  }
}

/**
 * Standard input, bounded as any input is. Its size is not trusted even when
 * it is a regular file (`< file`: the shell may have read part of it), and a
 * terminal is refused: waiting for typed input is a hang to whoever forgot the pipe.
 */
function readStdin(): Uint8Array {
  const run = stdinOfRun.getStore();
  if (run?.bytes) return run.bytes;
  const fd = run?.fd ?? 0;
  if (isatty(fd)) throw fail(STDIN_NAME, 'standard input (-) is a terminal; pipe or redirect the input into it (`acpidump | ridmap decode -`)');
  try {
    const bytes = readBounded(fd, STDIN_NAME, MAX_INPUT_BYTES);
    if (run) run.bytes = bytes;
    return bytes;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fail(STDIN_NAME, reason(e));
  }
}

/** UTF-8, or UTF-16 as Windows tools write it (see text-encoding.ts). */
export function readInputText(path: string): string {
  return decodeText(readInputBytes(path));
}

/**
 * Reads to the end, or throws once more than `maxBytes` have been read. A
 * regular file's first chunk is its size and one byte more (which tells a
 * file that grew): a 100-byte table must not cost a 1 MiB chunk, which its
 * bytes would keep alive (1,000 small tables read 1 GiB).
 */
function readBounded(fd: number, path: string, maxBytes: number, size?: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    // Until the file's size is read, ask for the rest and one byte more; past it (a file that grew), in chunks.
    const want = size !== undefined && total <= size ? size + 1 - total : CHUNK_BYTES;
    const chunk = new Uint8Array(Math.min(want, maxBytes + 1 - total));
    const n = readSomeSync(fd, chunk);
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) throw tooLarge(path, `gave more than ${maxBytes} bytes`, maxBytes);
    // All of a regular file's stated size and not the byte more: that is its end, and asking again only to read 0 is
    // one more system call per file (1,000 in a batch). Not on any short read: sysfs gives a table a page at a time.
    if (total === size && n < chunk.length) break;
  }
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
}

function tooLarge(path: string, what: string, maxBytes: number): InputError {
  return fail(path, `${what}; inputs are limited to ${maxBytes} bytes`);
}

function fail(path: string, reason: string): InputError {
  return new InputError([{ severity: 'error', code: 'unreadable-input', file: path, message: `cannot read ${path}: ${reason}` }]);
}
