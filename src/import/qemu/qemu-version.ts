/**
 * Which QEMU a command line is for. QEMU's defaults and devices change
 * between releases (intel-iommu aw-bits 39 → 48 in 9.2, IORT ID counts fixed
 * in 9.1, user-created arm-smmuv3 in 10.1, RIMT in 10.1, pcie-root-port
 * without disable-acs in 11.1), so import and export take the version and
 * every rule that depends on it names the release it starts at, here.
 */
import { InputError } from '../../diagnostic.js';

/** major.minor: the micro release never changes what the importer knows. */
export type QemuVersion = readonly [number, number];

/** The oldest QEMU whose machines the importer's facts describe (machines.ts, catalog.ts: QEMU 7.2, Debian 12's). */
export const OLDEST_QEMU: QemuVersion = [7, 2];

/**
 * The newest QEMU the facts were checked against (the reference root's 11.1,
 * scripts/reference-root.sh): import's default, since a command line written
 * today is for today's QEMU.
 */
export const NEWEST_VERIFIED_QEMU: QemuVersion = [11, 1];

export const formatQemuVersion = (v: QemuVersion): string => `${v[0]}.${v[1]}`;

/** The same major.minor release. */
export const sameQemu = (a: QemuVersion, b: QemuVersion): boolean => a[0] === b[0] && a[1] === b[1];

/** v is `since` or newer. */
export const qemuAtLeast = (v: QemuVersion, since: QemuVersion): boolean => v[0] > since[0] || (v[0] === since[0] && v[1] >= since[1]);

const versionError = (text: string, why: string, source?: string) =>
  new InputError([{ severity: 'error', code: 'usage', message: `${source ?? `--qemu-version ${text}`}: ${why}` }]);

/**
 * `major.minor[.micro]` as a QemuVersion; older than OLDEST_QEMU or not a
 * version: a usage error naming where the version came from (default the
 * --qemu-version option).
 */
export function parseQemuVersion(text: string, source?: string): QemuVersion {
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text);
  if (!m) throw versionError(text, 'give major.minor, e.g. 7.2', source);
  const version: QemuVersion = [Number(m[1]), Number(m[2])];
  if (!qemuAtLeast(version, OLDEST_QEMU)) {
    throw versionError(text, `ridmap's QEMU facts are those of QEMU ${formatQemuVersion(OLDEST_QEMU)} and later`, source);
  }
  return version;
}

/** A usage error about a version the topology or command line cannot work with. */
export const qemuVersionRefused = versionError;
