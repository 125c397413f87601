/** Options shared by several commands, declared once. */
import { InvalidArgumentError, Option } from 'commander';
import { bothQemuOptions, qemuBinaryVersion } from '../import/qemu/qemu-binary.js';
import { formatQemuVersion } from '../import/qemu/qemu-version.js';
import { IASL_FORMS } from '../codec/index.js';
import { LOCK_WAIT_MS } from '../io/dir-lock.js';
import { DEFAULT_LINUX_PROFILE, FIRMWARE_INTERFACES, LINUX_PROFILES, linuxProfile, type FirmwareInterface, type LinuxTarget } from '../model/linux-profile.js';
import { NUMBERING_POLICIES } from '../model/numbering.js';
import { parseSignatures } from '../io/signatures.js';

export function numberingOption(): Option {
  return new Option('-n, --numbering <policy>', 'bus-numbering policy')
    .choices(NUMBERING_POLICIES.map((p) => p.name))
    .default('firmware');
}

/** `--os linux-X.Y`: the kernel series whose behaviour the map predicts (model/linux-profile.ts). */
export function osOption(): Option {
  return new Option('--os <kernel>', 'the Linux series the map predicts for (its IOMMU drivers and ACS handling differ)')
    .choices(LINUX_PROFILES.map((p) => p.id))
    .default(DEFAULT_LINUX_PROFILE.id);
}

/** `--firmware acpi|dt`: how the platform describes its IOMMUs to Linux (groups differ: model/linux-profile.ts). */
export function firmwareOption(): Option {
  return new Option('--firmware <interface>', 'the firmware interface Linux boots with: ACPI tables or a Device Tree')
    .choices([...FIRMWARE_INTERFACES])
    .default('acpi');
}

/** The target the two options name (commander has checked the choices). */
export function linuxTarget(opts: { os: string; firmware?: string }): LinuxTarget {
  return { profile: linuxProfile(opts.os) ?? DEFAULT_LINUX_PROFILE, firmware: (opts.firmware ?? 'acpi') as FirmwareInterface };
}

/** `--iasl-format current|2020`: which iasl release's text decode prints (codec/iasl-form.ts). */
export function iaslFormatOption(): Option {
  const forms = [...IASL_FORMS.values()];
  return new Option('--iasl-format <form>', `the iasl text to print: ${forms.map((f) => `${f.name} (iasl ${f.iaslVersion})`).join(', ')}`)
    .choices(forms.map((f) => f.name))
    .default('current');
}

/** `--signature DMAR,IORT` (repeatable, any case): only the ACPI tables of these signatures (io/signatures.ts). */
export function signatureOption(): Option {
  return new Option('--signature <sig,...>', 'only the ACPI tables of these signatures (DMAR,IORT: comma-separated or repeated, any case); device trees are kept')
    .argParser((value: string, previous: string[] | undefined) => {
      try {
        return [...(previous ?? []), ...parseSignatures(value)];
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    });
}

/** The lowest severity of finding that makes a command exit 1 (DESIGN.md's findings exit code). */
export type FailOn = 'error' | 'warning';

/**
 * `--fail-on warning` and its alias `--strict`: for CI, where a warning (a
 * VIOT that bus renumbering breaks) must fail the pipeline. Default `error`:
 * the exit codes are what they were.
 */
export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'exit 1 on findings of this severity or worse (warning: for CI)').choices(['error', 'warning']).default('error');
}

export function strictOption(): Option {
  return new Option('--strict', 'the same as --fail-on warning').implies({ failOn: 'warning' });
}

/** Under --fail-on warning, whether these findings (warnings or worse, never info) make the exit code 1. */
export function failsOnWarnings(findings: readonly { severity: string }[], failOn: FailOn): boolean {
  return failOn === 'warning' && findings.some((d) => d.severity === 'warning' || d.severity === 'error');
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

/** import/export qemu: --qemu-version as given, or the release --qemu's emulator names; both: a usage error. */
export function cliQemuVersion(opts: { qemuVersion?: string; qemu?: string }): string | undefined {
  if (opts.qemu === undefined) return opts.qemuVersion;
  if (opts.qemuVersion !== undefined) throw bothQemuOptions();
  return formatQemuVersion(qemuBinaryVersion(opts.qemu));
}
