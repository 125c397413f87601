/**
 * `readSysfsSnapshot(path)`: the HostSnapshot of a `ridmap snapshot`
 * (scripts/ridmap-snapshot.sh) given as its .tar.gz, a .tar, or the unpacked
 * directory. Unreadable input is an InputError naming the file and the byte
 * offset (archive) or line (manifest).
 */
import type { HostSnapshot } from '../host/host-snapshot.js';
import { buildHostSnapshot } from './build-snapshot.js';
import { parseManifest } from './manifest.js';
import { MANIFEST, openSnapshotFiles } from './snapshot-files.js';

export async function readSysfsSnapshot(path: string): Promise<HostSnapshot> {
  const files = openSnapshotFiles(path);
  const manifest = files.file(MANIFEST)!;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(manifest);
  return buildHostSnapshot(parseManifest(text, files.manifestName), files);
}
