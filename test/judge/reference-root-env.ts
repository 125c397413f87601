/**
 * The reference root the judge tests run their peers in (scripts/reference-root.sh):
 * found, or why not. Without it the tests skip with a message, and fail when
 * CI is set (CI builds it).
 */
import { describe, it } from 'vitest';
import { bookwormRoot, findReferenceRoot } from '../../src/judge/reference-root.js';
import { IN_CI } from '../interop/qemu-env.js';

export const ROOT_LOOKUP = findReferenceRoot();
export const NESTED_LOOKUP = ROOT_LOOKUP.root ? bookwormRoot(ROOT_LOOKUP.root) : undefined;
export const ROOT_MISSING: string | undefined = ROOT_LOOKUP.missing ?? NESTED_LOOKUP?.missing
  ?? (process.getuid?.() === 0 ? undefined : 'running peers in the reference root needs chroot, so root');

/** Says, once per test file, that the root is missing: a failure under CI, a warning elsewhere. */
export function reportMissingRoot(what: string): void {
  if (ROOT_MISSING === undefined) return;
  if (IN_CI) {
    describe(what, () => {
      it('has the reference root (CI runs scripts/reference-root.sh before the tests)', () => {
        throw new Error(`CI is set but ${ROOT_MISSING}`);
      });
    });
  } else {
    console.warn(`${what} skipped: ${ROOT_MISSING}`);
  }
}
