/**
 * `--qemu BINARY`: the QEMU a command line is for, asked from the emulator
 * itself (`BINARY --version`), so that import and export apply that
 * release's defaults without the user looking its version up.
 */
import { spawnSync } from 'node:child_process';
import { InputError } from '../../diagnostic.js';
import { parseQemuVersion, type QemuVersion } from './qemu-version.js';

/** `--version` answers at once; a binary that does not within this is not a QEMU (or hangs), and the user hears so. */
export const QEMU_VERSION_TIMEOUT_MS = 10_000;

const usage = (binary: string, why: string) =>
  new InputError([{ severity: 'error', code: 'usage', message: `--qemu ${binary}: ${why}` }]);

/** The release `binary --version` names ("QEMU emulator version 11.1.3 (...)"); anything else is a usage error naming the binary. */
export function qemuBinaryVersion(binary: string): QemuVersion {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: QEMU_VERSION_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const error = run.error as NodeJS.ErrnoException | undefined;
  if (error?.code === 'ENOENT') throw usage(binary, 'no such program');
  if (error?.code === 'ETIMEDOUT') throw usage(binary, `\`${binary} --version\` did not answer within ${QEMU_VERSION_TIMEOUT_MS / 1000} s`);
  if (error) throw usage(binary, `cannot run it (${error.code ?? error.message})`);
  if (run.status !== 0) throw usage(binary, `\`${binary} --version\` failed (exit ${run.status ?? run.signal})`);
  const m = /QEMU emulator version (\d+\.\d+)/.exec(run.stdout);
  if (!m) throw usage(binary, `\`${binary} --version\` does not say "QEMU emulator version X.Y": not a QEMU system emulator?`);
  return parseQemuVersion(m[1]!, `--qemu ${binary} (QEMU ${m[1]})`);
}

/** --qemu-version and --qemu say the same thing: give one. */
export function bothQemuOptions(): InputError {
  return new InputError([{ severity: 'error', code: 'usage', message: '--qemu-version and --qemu both name the QEMU: give one of them' }]);
}
