/**
 * The reference root the judge tests run their peers in (scripts/reference-root.sh):
 * found, or why not. Without it the tests skip with a message, and fail when
 * CI is set (CI builds it).
 */
import type { JudgeArch, JudgeAssets } from '../../src/judge/assets.js';
import { bookwormRoot, findReferenceRoot, referenceKernel } from '../../src/judge/reference-root.js';
import { reportMissing } from './missing-prerequisite.js';

export const ROOT_LOOKUP = findReferenceRoot();
export const NESTED_LOOKUP = ROOT_LOOKUP.root ? bookwormRoot(ROOT_LOOKUP.root) : undefined;
export const ROOT_MISSING: string | undefined = ROOT_LOOKUP.missing ?? NESTED_LOOKUP?.missing
  ?? (process.getuid?.() === 0 ? undefined : 'running peers in the reference root needs chroot, so root');

/** Says, once per test file, that the root is missing: a failure under CI, a warning elsewhere. */
export function reportMissingRoot(what: string): void {
  reportMissing(what, ROOT_MISSING, 'the reference root (scripts/reference-root.sh)');
}

/** A kernel an interop judge suite boots, and the root whose QEMU boots it (none: the host's). */
export interface InteropKernel {
  /** `6.1`, `6.12`, or the host kernel's release. */
  label: string;
  assets: JudgeAssets;
  root?: string;
}

/**
 * The kernels the interop judge suites boot each scenario on: Debian's 6.1
 * and 6.12 under the reference root's nested QEMU 7.2 (the QEMU the interop
 * suite's captures come from), whatever the host's release. Without the root
 * (a developer's machine), the host's cached kernel under the host's QEMU.
 */
export function interopKernels(arch: JudgeArch, host: JudgeAssets | undefined, series: readonly string[] = ['6.1', '6.12']): InteropKernel[] {
  const nested = NESTED_LOOKUP?.root;
  if (ROOT_MISSING === undefined && nested) {
    return series.flatMap((s) => {
      const k = referenceKernel(nested, s, arch);
      return k ? [{ label: s, assets: k.assets, root: nested.path }] : [];
    });
  }
  return host ? [{ label: host.kernelVersion, assets: host }] : [];
}
