/**
 * Where the shipped snapshot script is: `ridmap snapshot` runs or prints it,
 * the judge runs it in a guest to make test fixtures.
 */
import { join } from 'node:path';
import { packagedFile } from '../../io/packaged-file.js';

export const SNAPSHOT_SCRIPT_FILE = join('scripts', 'ridmap-snapshot.sh');

/** scripts/ridmap-snapshot.sh wherever ridmap is installed. */
export function snapshotScriptPath(): string | undefined {
  return packagedFile(SNAPSHOT_SCRIPT_FILE);
}
