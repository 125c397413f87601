/**
 * The CLI's side of the input reader (io/load-input.ts, which touches no
 * files): a file read from disk, with a DTS's includes read from disk too,
 * as dtc resolves them, from the directories dts-include-reader.ts allows.
 */
import { loadInput, type LoadedInput } from './load-input.js';
import { dtsIncludeReader } from './dts-include-reader.js';
import { inputName, readInputBytes } from './read-input.js';

export interface LoadFileOptions {
  /** Directories a DTS's includes may come from besides its own (`-I DIR`). */
  includeDirs?: readonly string[];
}

/** `-` is standard input, named <stdin>; its DTS includes come from the current directory, as dtc's do. */
export function loadInputFile(file: string, options: LoadFileOptions = {}): Promise<LoadedInput> {
  const name = inputName(file);
  return loadInput(name, readInputBytes(file), { readInclude: dtsIncludeReader(name, options.includeDirs) });
}

/** Several files in order, so that the first unreadable one is the one reported. */
export async function loadInputFiles(files: readonly string[], options: LoadFileOptions = {}): Promise<LoadedInput[]> {
  const loaded: LoadedInput[] = [];
  for (const file of files) loaded.push(await loadInputFile(file, options));
  return loaded;
}
