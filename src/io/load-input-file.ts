/**
 * The CLI's side of the input reader (io/load-input.ts, which touches no
 * files): a file read from disk, with a DTS's includes read from disk too,
 * as dtc resolves them, from the directories dts-include-reader.ts allows.
 */
import { loadInput, type LoadedInput } from './load-input.js';
import { dtsIncludeReader } from './dts-include-reader.js';
import { readInputBytes } from './read-input.js';

export interface LoadFileOptions {
  /** Directories a DTS's includes may come from besides its own (`-I DIR`). */
  includeDirs?: readonly string[];
}

export function loadInputFile(file: string, options: LoadFileOptions = {}): Promise<LoadedInput> {
  return loadInput(file, readInputBytes(file), { readInclude: dtsIncludeReader(file, options.includeDirs) });
}

/** Several files in order, so that the first unreadable one is the one reported. */
export async function loadInputFiles(files: readonly string[], options: LoadFileOptions = {}): Promise<LoadedInput[]> {
  const loaded: LoadedInput[] = [];
  for (const file of files) loaded.push(await loadInputFile(file, options));
  return loaded;
}
