/**
 * A file shipped with ridmap (the topology schema, the snapshot script),
 * wherever it is installed: the first directory above this module that
 * holds it. The module is src/io/, dist/io/ or, bundled, dist/bin/, so a
 * fixed number of `..` would be wrong in one of them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packagedFile(relativePath: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    if (existsSync(join(dir, relativePath))) return join(dir, relativePath);
  }
  return undefined;
}
