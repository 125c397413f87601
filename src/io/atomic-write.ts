/**
 * Atomic file output: write a temporary file beside the target, flush it,
 * then rename over the target. An interrupted build leaves the old file (or
 * no file), never half of a new one.
 *
 * stageFile splits the two steps so that a caller replacing several files
 * (`golden update`) can write every one before renaming any: a failure while
 * writing leaves all the old files as they were.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface StagedFile {
  /** The target path. */
  path: string;
  /** Renames the flushed temporary file over the target. */
  commit(): void;
  /** Removes the temporary file; the target is untouched. */
  abort(): void;
}

let staged = 0;

/** Writes `data` to a flushed temporary file beside `path`; nothing is visible at `path` until commit(). */
export function stageFile(path: string, data: string | Uint8Array): StagedFile {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.${staged++}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
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

/** Stages every file, or none: when one cannot be written, those already staged are removed and the error is thrown. */
export function stageAll(files: readonly { path: string; data: string | Uint8Array }[], stage: typeof stageFile = stageFile): StagedFile[] {
  const staged: StagedFile[] = [];
  try {
    for (const f of files) staged.push(stage(f.path, f.data));
  } catch (e) {
    for (const s of staged) s.abort();
    throw e;
  }
  return staged;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  stageFile(path, data).commit();
}
