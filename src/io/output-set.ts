/**
 * A command's outputs in their directory, replaced as one set under the
 * directory's lock (`build`, `plan`): the files given are written, and every
 * other file the command owns that this run did not produce is removed, so
 * a DMAR.dat from a previous run never sits beside a map that no longer
 * explains it. Files the command does not own are never touched.
 */
import { join } from 'node:path';
import { withDirLock } from './dir-lock.js';
import type { FileData } from './atomic-write.js';
import { replaceFileSet } from './file-set.js';

export interface OutputFile {
  /** The file's name in the directory. */
  name: string;
  data: FileData;
}

export async function replaceOutputSet(dir: string, files: readonly OutputFile[], owned: readonly string[], lockWaitMs: number): Promise<void> {
  const produced = new Set(files.map((f) => f.name));
  const stale = owned.filter((name) => !produced.has(name)).map((name) => join(dir, name));
  await withDirLock(dir, () => {
    replaceFileSet(files.map((f) => ({ path: join(dir, f.name), data: f.data })), stale);
  }, lockWaitMs);
}
