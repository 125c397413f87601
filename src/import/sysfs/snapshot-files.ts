/**
 * The files of one snapshot, whatever form it came in: the .tar.gz (or .tar)
 * `ridmap snapshot` writes, or the directory unpacked from it (the
 * `ridmap-snapshot/` directory itself or the one holding it). Names are
 * relative to `ridmap-snapshot/`, as the manifest's sysfs paths are.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readInputBytes } from '../../io/read-input.js';
import { snapshotInvalid } from './snapshot-error.js';
import { readTar, unpackGzip } from './tar-archive.js';

/** The directory every snapshot keeps its files in. */
export const SNAPSHOT_DIR = 'ridmap-snapshot';
export const MANIFEST = 'manifest.txt';

export interface SnapshotFiles {
  /** What was read, for messages: the path given, and the manifest inside it. */
  source: string;
  manifestName: string;
  /** A file's bytes by its name under `ridmap-snapshot/` (`sys/bus/pci/devices/0000:00:1f.2/config`); undefined when absent. */
  file(name: string): Uint8Array | undefined;
}

export function openSnapshotFiles(path: string): SnapshotFiles {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // readInputBytes below says why the path cannot be read.
  }
  return isDir ? directoryFiles(path) : archiveFiles(path);
}

function archiveFiles(path: string): SnapshotFiles {
  const entries = new Map<string, Uint8Array>();
  for (const f of readTar(unpackGzip(readInputBytes(path), path), path)) {
    if (f.name.startsWith(`${SNAPSHOT_DIR}/`)) entries.set(f.name.slice(SNAPSHOT_DIR.length + 1), f.bytes);
  }
  if (!entries.has(MANIFEST)) throw snapshotInvalid(path, `no ${SNAPSHOT_DIR}/${MANIFEST} in the archive: not a ridmap snapshot (make one with \`ridmap snapshot\` or scripts/ridmap-snapshot.sh)`);
  return { source: path, manifestName: `${path}:${SNAPSHOT_DIR}/${MANIFEST}`, file: (name) => entries.get(name) };
}

function directoryFiles(path: string): SnapshotFiles {
  const top = existsSync(join(path, MANIFEST)) ? path : join(path, SNAPSHOT_DIR);
  if (!existsSync(join(top, MANIFEST))) throw snapshotInvalid(path, `no ${MANIFEST} in ${path} or ${join(path, SNAPSHOT_DIR)}: not an unpacked ridmap snapshot`);
  return {
    source: path,
    manifestName: join(top, MANIFEST),
    file: (name) => {
      // Names come from the manifest: one that climbs out of the snapshot is never opened.
      if (name.startsWith('/') || name.split('/').includes('..')) return undefined;
      const file = join(top, name);
      return existsSync(file) ? readInputBytes(file) : undefined;
    },
  };
}
