/**
 * The CLI's side of the input reader (checks/load-input.ts, which touches no
 * files): a file read from disk, with a DTS's `/include/`s read from disk
 * too, relative to the including file as dtc resolves them.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadInput, type LoadedInput } from '../checks/load-input.js';
import { readInputBytes } from './read-input.js';

export function loadInputFile(file: string): Promise<LoadedInput> {
  return loadInput(file, readInputBytes(file), { readInclude: readIncludeBeside });
}

/** Several files in order, so that the first unreadable one is the one reported. */
export async function loadInputFiles(files: readonly string[]): Promise<LoadedInput[]> {
  const loaded: LoadedInput[] = [];
  for (const file of files) loaded.push(await loadInputFile(file));
  return loaded;
}

/** Undefined for a path that is no readable file: the parser reports the include as not found, naming it. */
function readIncludeBeside(path: string, from: string): string | undefined {
  const full = resolve(dirname(from), path);
  try {
    return statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
