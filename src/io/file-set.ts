/**
 * Replacing a set of files as one (`build`, `golden update`, `encode`): the
 * outputs of one run belong together (a DMAR.dat and the map.json that
 * explains it), so a run either replaces all of them or none.
 *
 * 1. Every new file is staged: written and flushed under a temporary name
 *    (a failure here removes the temporaries; nothing else was touched).
 * 2. Each target is replaced in turn: its old file is first kept under a
 *    backup name (a hard link, so the target never goes missing), then the
 *    staged file is renamed over it. Files the run no longer produces are
 *    renamed to backups.
 * 3. When a step of 2 fails, the targets already replaced are put back from
 *    their backups (or removed, when there was no old file), the remaining
 *    temporaries removed, and the error thrown: the old set is left whole.
 * 4. On success the backups are removed.
 *
 * Two runs into one directory must not interleave their renames; callers
 * hold the directory's lock (dir-lock.ts) around this.
 */
import { copyFileSync, linkSync, lstatSync, renameSync, rmSync } from 'node:fs';
import { siblingName, stageAll, stageFile, type FileData, type StagedFile } from './atomic-write.js';

export interface FileWrite {
  path: string;
  /** The content, or what makes it when the file is staged (atomic-write.ts FileData). */
  data: FileData;
}

/** One replaced or removed target, and where its old file is kept until the set is committed. */
interface Replaced {
  path: string;
  backup?: string;
}

/** Writes every file of `writes` and removes every existing file of `removals`, all or nothing. */
export function replaceFileSet(writes: readonly FileWrite[], removals: readonly string[] = [], stage: typeof stageFile = stageFile): void {
  const staged = stageAll(writes, stage);
  const replaced: Replaced[] = [];
  try {
    for (const s of staged) {
      const kept = keepOld(s.path, 'link');
      try {
        s.commit();
      } catch (e) {
        if (kept.backup) rmSync(kept.backup, { force: true }); // the target was not replaced: its backup is a spare link
        throw e;
      }
      replaced.push({ path: s.path, ...kept });
    }
    for (const path of removals) {
      const kept = keepOld(path, 'move');
      if (kept.backup) replaced.push({ path, ...kept });
    }
  } catch (e) {
    rollBack(staged, replaced);
    throw e;
  }
  for (const r of replaced) if (r.backup) rmSync(r.backup, { force: true });
}

/**
 * Keeps the file (or symbolic link) at `path` under a backup name: as a second link (the target
 * stays in place until the staged file replaces it) or moved away (a removal).
 * Nothing to keep when there is no file; a directory in the way is left for
 * the rename to refuse.
 */
function keepOld(path: string, how: 'link' | 'move'): { backup?: string } {
  const st = lstatSync(path, { throwIfNoEntry: false });
  // A symbolic link is kept as the link (link(2) does not follow it), so that a roll-back restores the link itself.
  if (!st || !(st.isFile() || st.isSymbolicLink())) return {};
  const backup = siblingName(path, 'bak');
  if (how === 'move') renameSync(path, backup);
  else {
    try {
      linkSync(path, backup);
    } catch {
      copyFileSync(path, backup); // file systems without hard links
    }
  }
  return { backup };
}

/** Undoes what was replaced, newest first, and drops every temporary file; keeps going past a failure to restore as much as it can. */
function rollBack(staged: readonly StagedFile[], replaced: readonly Replaced[]): void {
  for (const r of [...replaced].reverse()) {
    try {
      if (r.backup) renameSync(r.backup, r.path);
      else rmSync(r.path, { force: true });
    } catch {
      // Best effort: the error that started the roll-back is the one reported.
    }
  }
  for (const s of staged) s.abort();
}
