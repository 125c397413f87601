/**
 * The files of one snapshot, whatever form it came in: the .tar.gz (or .tar)
 * `ridmap snapshot` writes, or the directory unpacked from it (the
 * `ridmap-snapshot/` directory itself or the one holding it). Names are
 * relative to `ridmap-snapshot/`, as the manifest's sysfs paths are.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputName, readInputBytes } from '../../io/read-input.js';
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

/**
 * The archive's files under the directory holding its manifest: `ridmap-snapshot/`
 * as the script writes it, or another top directory (or none) when someone
 * unpacked and packed it again under another name.
 */
function archiveFiles(file: string): SnapshotFiles {
  // `-`: standard input, named <stdin>.
  const path = inputName(file);
  const files = readTar(unpackGzip(readInputBytes(file), path), path);
  const manifests = files.map((f) => f.name).filter((n) => n === MANIFEST || /^[^/]+\/manifest\.txt$/.test(n));
  const top = manifests.includes(`${SNAPSHOT_DIR}/${MANIFEST}`) ? `${SNAPSHOT_DIR}/${MANIFEST}` : manifests[0];
  if (top === undefined) throw snapshotInvalid(path, `no ${SNAPSHOT_DIR}/${MANIFEST} in the archive: not a ridmap snapshot (make one with \`ridmap snapshot\` or scripts/ridmap-snapshot.sh)`);
  const prefix = top.slice(0, top.length - MANIFEST.length);
  const entries = new Map<string, Uint8Array>();
  for (const f of files) if (f.name.startsWith(prefix)) entries.set(f.name.slice(prefix.length), f.bytes);
  return { source: path, manifestName: `${path}:${top}`, file: (name) => entries.get(name) };
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
