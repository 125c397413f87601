/** Paths tests share: the repository root, its examples and the shared corpus beside it. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TABLES_DIR = resolve(REPO_ROOT, 'tables');
export const GOLDEN_DIR = resolve(REPO_ROOT, 'golden');
export const CORPUS_DIR = resolve(REPO_ROOT, '../shared/corpus');
export const HAVE_CORPUS = existsSync(CORPUS_DIR);

if (!HAVE_CORPUS) {
  console.warn(`corpus not found at ${CORPUS_DIR}: corpus tests are skipped`);
}
