/**
 * Where the shipped snapshot script is: `ridmap snapshot` runs or prints it,
 * the judge runs it in a guest to make test fixtures.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SNAPSHOT_SCRIPT_FILE = join('scripts', 'ridmap-snapshot.sh');

/**
 * scripts/ridmap-snapshot.sh wherever ridmap is installed: the first
 * directory above this module that holds it (the module is src/import/sysfs/,
 * dist/import/sysfs/ or, bundled into the CLI, dist/bin/).
 */
export function snapshotScriptPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    if (existsSync(join(dir, SNAPSHOT_SCRIPT_FILE))) return join(dir, SNAPSHOT_SCRIPT_FILE);
  }
  return undefined;
}
