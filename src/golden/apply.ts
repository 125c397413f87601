/**
 * `golden update`: every new or changed file is first written to a flushed
 * temporary file beside its target (stageAll); only when all are written are
 * they renamed into place, and stale outputs removed. A failure while writing
 * removes the temporary files and leaves every old file as it was.
 */
import { rmSync } from 'node:fs';
import { stageAll, stageFile } from '../io/atomic-write.js';

export interface FileWrite {
  path: string;
  data: string;
}

export function applyUpdate(writes: readonly FileWrite[], removals: readonly string[], stage: typeof stageFile = stageFile): void {
  for (const s of stageAll(writes, stage)) s.commit();
  for (const path of removals) rmSync(path, { force: true });
}
