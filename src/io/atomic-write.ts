/**
 * Atomic file output: write a temporary file beside the target, flush it,
 * then rename over the target. An interrupted build leaves the old file (or
 * no file), never half of a new one.
 *
 * stageFile splits the two steps so that a caller replacing several files
 * (`build`, `golden update`, file-set.ts) can write every one before renaming
 * any: a failure while writing leaves all the old files as they were.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface StagedFile {
  /** The target path. */
  path: string;
  /** Renames the flushed temporary file over the target. */
  commit(): void;
  /** Removes the temporary file; the target is untouched. */
  abort(): void;
}

/**
 * A fresh name beside `path` for a temporary or backup file. It does not
 * derive from the target's name, so that it stays within NAME_MAX (255 bytes)
 * whatever the target is called; the leading dot keeps it out of listings and
 * out of the golden outputs (golden/outputs.ts).
 */
export function siblingName(path: string, suffix: 'tmp' | 'bak'): string {
  return join(dirname(path), `.ridmap-${randomBytes(6).toString('hex')}.${suffix}`);
}

/**
 * Text made a piece at a time: `pieces` hands each piece to `put`, which
 * writes it out, so the whole text is never one string (a million-endpoint
 * build's map.txt, map-text.ts writeMapText).
 */
export interface TextPieces {
  pieces: (put: (text: string) => void) => void;
}

/**
 * Characters of text encoded and written at a time: a text of hundreds of MB
 * (a million-endpoint build's map.json) encoded whole was as large a buffer
 * again, outside the heap, and slow (~15 % of that build).
 */
const TEXT_CHUNK_CHARS = 1 << 20;
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** Writes `data` to a flushed temporary file beside `path`; nothing is visible at `path` until commit(). */
export function stageFile(path: string, data: string | Uint8Array | TextPieces): StagedFile {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = siblingName(path, 'tmp');
  const fd = openSync(tmp, 'wx', 0o644);
  const writeAll = (bytes: Uint8Array): void => {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  };
  // One buffer per file that every chunk is encoded into, not a new one per chunk: at a million endpoints the map
  // forms were ~5,000 buffers each, whose native memory and collection made the collector's every pass slower (issue 21).
  let chunk: Buffer | undefined;
  const writeText = (text: string): void => {
    for (let at = 0; at < text.length; ) {
      let end = Math.min(at + TEXT_CHUNK_CHARS, text.length);
      // A chunk never ends between the two halves of a surrogate pair (each half alone would be written as U+FFFD).
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
      // A UTF-16 code unit is at most 3 bytes of UTF-8 (a pair, two units, is 4), so the chunk always fits whole.
      chunk ??= Buffer.allocUnsafe(3 * TEXT_CHUNK_CHARS);
      writeAll(chunk.subarray(0, chunk.write(text.slice(at, end), 0, 'utf8')));
      at = end;
    }
  };
  try {
    if (typeof data === 'string') writeText(data);
    else if (data instanceof Uint8Array) writeAll(data);
    else data.pieces(writeText);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  const abort = (): void => rmSync(tmp, { force: true });
  const commit = (): void => {
    try {
      renameSync(tmp, path);
    } catch (e) {
      abort(); // a failed rename (the target is a directory, say) must not leave the temporary file behind
      throw e;
    }
  };
  return { path, commit, abort };
}

/**
 * A file's content, or a function that makes it when the file is staged: a
 * set of large outputs (a million-endpoint build's map forms, hundreds of MB
 * of text) then holds one of them in memory at a time, not all until the
 * last is made, and the set is still committed as one.
 */
export type FileData = string | Uint8Array | TextPieces | (() => string | Uint8Array | TextPieces);

/** Stages every file, or none: when one cannot be written, those already staged are removed and the error is thrown. */
export function stageAll(files: readonly { path: string; data: FileData }[], stage: typeof stageFile = stageFile): StagedFile[] {
  const staged: StagedFile[] = [];
  try {
    for (const f of files) staged.push(stage(f.path, typeof f.data === 'function' ? f.data() : f.data));
  } catch (e) {
    for (const s of staged) s.abort();
    throw e;
  }
  return staged;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  stageFile(path, data).commit();
}
