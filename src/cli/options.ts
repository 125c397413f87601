/** Options shared by several commands, declared once. */
import { Option } from 'commander';
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
