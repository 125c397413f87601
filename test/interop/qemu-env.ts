/**
 * Whether this machine can run the QEMU interop suite: the two QEMU system
 * emulators and the Arm firmware. Without them the suite is skipped with a
 * message, unless CI is set: CI installs QEMU, so a missing QEMU there is a
 * broken job, and the suite fails instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ARM_FIRMWARE } from '../../scripts/qemu-capture/invocation.mjs';

export type Arch = 'x86' | 'arm';

export const QEMU_BINARY: Record<Arch, string> = { x86: 'qemu-system-x86_64', arm: 'qemu-system-aarch64' };

/** Debian packages that provide everything the suite runs. */
export const APT_PACKAGES = 'qemu-system-x86 qemu-system-arm seabios qemu-efi-aarch64 ipxe-qemu';

/** CI=true (or any value but false/0), as CI services set it. */
export const IN_CI = !['', '0', 'false'].includes((process.env['CI'] ?? '').toLowerCase());

/** Why `arch` cannot run here, or undefined when it can. */
export function missingQemu(arch: Arch): string | undefined {
  const run = spawnSync(QEMU_BINARY[arch], ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return `${QEMU_BINARY[arch]} not found`;
  if (arch === 'arm' && !ARM_FIRMWARE.some((f) => existsSync(f))) return `no AArch64 EDK2 firmware (${ARM_FIRMWARE.join(' or ')})`;
  return undefined;
}
