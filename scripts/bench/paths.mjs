// Where the bench finds ridmap and writes its scratch inputs. One place, so
// that every generator and runner agrees on them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(REPO_ROOT, 'dist');
/**
 * The CLI the bench times: what package.json's `bin` names (what users run
 * after installing), falling back to tsc's own entry.
 */
export const RIDMAP_BIN = (() => {
  const bin = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin;
  const rel = typeof bin === 'string' ? bin : bin?.ridmap;
  return join(REPO_ROOT, rel ?? 'dist/cli/bin.js');
})();
/** Generated inputs and peer outputs; rewritten every run, never committed (.gitignore). */
export const DEFAULT_SCRATCH = join(REPO_ROOT, 'bench-out');

/**
 * Imports a module of the build (`dist/<rel>`). The generators use ridmap's
 * own encoders, so the bench needs `npm run build` first; say so plainly
 * rather than fail with a module-not-found trace.
 */
export async function importDist(rel) {
  const file = join(DIST, rel);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  return import(pathToFileURL(file).href);
}
