/** Options shared by several commands, declared once. */
import { InvalidArgumentError, Option } from 'commander';
import { LOCK_WAIT_MS } from '../io/dir-lock.js';
import { NUMBERING_POLICIES } from '../model/numbering.js';

export function numberingOption(): Option {
  return new Option('-n, --numbering <policy>', 'bus-numbering policy')
    .choices(NUMBERING_POLICIES.map((p) => p.name))
    .default('firmware');
}

export function verboseOption(): Option {
  return new Option('-v, --verbose', 'also print info-level diagnostics').default(false);
}

/**
 * Info diagnostics (a table ridmap does not model, an unresolved subtree)
 * are noise in a whole-machine dump; they show with --verbose.
 */
export function visibleDiagnostics<T extends { severity: string }>(ds: readonly T[], verbose: boolean): T[] {
  return verbose ? [...ds] : ds.filter((d) => d.severity !== 'info');
}

/**
 * `-I DIR` (repeatable): a directory a DTS's includes may also come from. By
 * default they come only from the DTS's own directory (io/dts-include-reader.ts).
 */
export function includeDirOption(): Option {
  return new Option('-I, --include-dir <dir>', "a directory DTS includes may also come from (repeatable; by default only the DTS's own directory)")
    .argParser((dir: string, previous: string[] | undefined) => [...(previous ?? []), dir]);
}

/** How long a command writing into a directory waits for another run's lock on it (io/dir-lock.ts). */
export function lockWaitOption(): Option {
  return new Option('--lock-wait <seconds>', 'how long to wait for another ridmap writing into the same directory')
    .default(LOCK_WAIT_MS / 1000)
    .argParser((text) => {
      const seconds = Number(text);
      if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
        throw new InvalidArgumentError('expected a number of seconds from 0 to 3600');
      }
      return seconds;
    });
}
