/**
 * What a judge test file does when what it boots is not there: CI fetches and
 * installs every prerequisite (.ci/run), so there a missing one is a failing
 * test; elsewhere the file's boots skip and this says why.
 */
import { describe, it } from 'vitest';
import { IN_CI } from '../interop/qemu-env.js';

/** Call once per test file. `what` names the tests, `needs` what the failing test says they need. */
export function reportMissing(what: string, missing: string | undefined, needs: string): void {
  if (missing === undefined) return;
  if (IN_CI) {
    describe(what, () => {
      it(`has ${needs} (CI fetches and installs them)`, () => {
        throw new Error(`CI is set but ${missing}`);
      });
    });
  } else {
    console.warn(`${what} skipped: ${missing}`);
  }
}
