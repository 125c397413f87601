/**
 * Every check, in one table (DESIGN practice 5). Each module exports its rows
 * and this list concatenates them; the order is the order findings are
 * listed in. A format adds its checks the way DMAR does: a directory
 * checks/<format>/ exporting `<FORMAT>_CHECKS` (records whose needs name the
 * format), one entry in FORMAT_CHECKS (format-checks.ts), and a negative fixture per id
 * under test/fixtures/checks/.
 */
import type { Check } from './check.js';
import { CONSISTENCY_CHECKS } from './consistency.js';
import { decodeChecks } from './decode-checks.js';
import { FORMAT_CHECKS } from './format-checks.js';
import { renumberingChangesDevice } from './renumbering.js';
import { tableRepeated } from './repeated-tables.js';
import { roundTrip } from './round-trip.js';
import { TOPOLOGY_CHECKS } from './topology-checks.js';

export const CHECKS: readonly Check[] = [
  ...TOPOLOGY_CHECKS,
  // A decode diagnostic under a format check's id is that check's, not a structure finding.
  ...decodeChecks(new Set(FORMAT_CHECKS.map((c) => c.id))),
  roundTrip,
  tableRepeated,
  ...FORMAT_CHECKS,
  ...CONSISTENCY_CHECKS,
  renumberingChangesDevice,
];

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

// A malformed or repeated id is a programming error: fail at load, not in a user's run.
// One pass with a set: this runs at every start of every command (decode included), not only where checks run.
const seen = new Set<string>();
for (const c of CHECKS) {
  if (!KEBAB.test(c.id)) throw new Error(`check id "${c.id}" is not kebab-case`);
  if (seen.has(c.id)) throw new Error(`check id "${c.id}" is listed twice`);
  seen.add(c.id);
}

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
