/**
 * Where a DTS's includes come from on disk. dtc and cpp look for an included
 * file beside the file that includes it, then in the `-I` directories; so
 * does this. What is read is confined to the directory of the DTS the user
 * named and the `-I` directories they gave: an include (or a chain of them,
 * `..` or symlinks) that lands anywhere else is refused by name, never read,
 * since its content could end up in a message or a log (`/include/
 * "/proc/self/environ"`). `-I /` widens it to everything.
 *
 * Each file is read from disk once per input however often it is included
 * (the parser still counts every inclusion against its own caps), and no
 * file larger than an input may be is read.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { IncludedFile, IncludeRefused } from '../dt/index.js';
import { MAX_INPUT_BYTES } from '../limits.js';

export type IncludeReader = (path: string, from: string) => IncludedFile | IncludeRefused | undefined;

function realDir(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined; // a search directory that does not exist holds nothing, as for dtc
  }
}

/** The reader for the includes of `file`, allowed `includeDirs` besides its own directory. */
export function dtsIncludeReader(file: string, includeDirs: readonly string[] = []): IncludeReader {
  // Resolved when an include comes: most inputs are tables, read by the hundred (a realpath each costs).
  let roots: string[] | undefined;
  const inside = (real: string) => (roots ??= [dirname(file), ...includeDirs].flatMap((d) => realDir(d) ?? [])).some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
  const cache = new Map<string, string>();

  return (path, from) => {
    const candidates = isAbsolute(path) ? [path] : [resolve(dirname(from), path), ...includeDirs.map((d) => resolve(d, path))];
    let refused: IncludeRefused | undefined;
    for (const candidate of candidates) {
      let real: string;
      try {
        real = realpathSync(candidate);
        if (!statSync(real).isFile()) continue;
      } catch {
        continue;
      }
      if (!inside(real)) {
        refused ??= { refused: `${candidate} is outside the directories includes are read from (the DTS's own and -I DIR ones); give -I with its directory to allow it` };
        continue;
      }
      let text = cache.get(real);
      if (text === undefined) {
        if (statSync(real).size > MAX_INPUT_BYTES) return { refused: `${candidate} is larger than ${MAX_INPUT_BYTES} bytes, the limit of any input` };
        text = readFileSync(real, 'utf8');
        cache.set(real, text);
      }
      return { file: candidate, text };
    }
    return refused;
  };
}
