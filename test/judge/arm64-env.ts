/**
 * What the arm64 judge tests need: scripts/judge-assets.sh --arch arm64's
 * kernel and busybox, qemu-system-aarch64 and EDK2 for the ACPI boots. Without
 * them the tests are skipped with a message, unless CI is set (CI fetches and
 * installs them): then one test fails saying what is missing.
 */
import { join } from 'node:path';
import { findJudgeAssets } from '../../src/judge/assets.js';
import { missingQemu } from '../interop/qemu-env.js';
import { REPO_ROOT } from '../support/paths.js';
import { reportMissing } from './missing-prerequisite.js';

export const ARM64_CACHE = process.env['RIDMAP_JUDGE_CACHE'] ?? join(REPO_ROOT, '.judge-cache');
export const arm64Assets = findJudgeAssets(ARM64_CACHE, 'arm64');
/** Why the arm64 boots cannot run here, or undefined. */
export const missingArm64 = arm64Assets === undefined
  ? `no arm64 kernel in ${join(ARM64_CACHE, 'arm64')} (run scripts/judge-assets.sh --arch arm64)`
  : missingQemu('arm');
/** Two TCG boots at once on a loaded 2-core machine; one takes 4-7 s alone. */
export const ARM64_BOOT_MS = 240_000;

/** Call once per file: warns (or, in CI, fails) when the boots cannot run. */
export function reportMissingArm64(what: string): void {
  reportMissing(what, missingArm64, 'its arm64 kernel, qemu-system-aarch64 and EDK2');
}
