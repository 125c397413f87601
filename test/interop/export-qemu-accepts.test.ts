/**
 * QEMU itself accepts what `ridmap export qemu` prints: each exported
 * command line (every exportable example of tables/ and the export of every
 * interop command line) starts a real QEMU, held before the first
 * instruction (-S, no display, no monitor, no serial). Still running after
 * HOLD_MS means QEMU built the machine; exiting means it refused, and its
 * stderr says why. Without QEMU the test is skipped with a message, unless
 * CI is set (CI installs QEMU: then it fails). Arm virt needs no firmware
 * to be built and held.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedExportable, exportedArgv, importedFile, scratchDir } from '../export/support.js';
import { TABLES_DIR } from '../support/paths.js';
import { APT_PACKAGES, IN_CI, QEMU_BINARY } from './qemu-env.js';
import { SCENARIOS } from './scenarios.js';

/** How long QEMU must stay up: building the machine (device realize) takes well under a second. */
const HOLD_MS = 1500;
const HELD = ['-S', '-display', 'none', '-nodefaults', '-monitor', 'none', '-serial', 'none'];

interface Run {
  running: boolean;
  code: number | null;
  stderr: string;
}

/** Starts QEMU on `argv` (binary first) and reports whether it was still running after HOLD_MS; then stops it. */
function hold(argv: readonly string[]): Promise<Run> {
  const [binary, ...args] = argv;
  const child = spawn(binary!, [...HELD, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    let running = true;
    const timer = setTimeout(() => child.kill('SIGKILL'), HOLD_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running = signal === 'SIGKILL';
      resolve({ running, code, stderr });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ running: false, code: null, stderr: String(e) });
    });
  });
}

const missing = Object.values(QEMU_BINARY).filter((b) => {
  const run = spawnSync(b, ['--version'], { encoding: 'utf8' });
  return run.error !== undefined || run.status !== 0;
});

const expectAccepted = async (argv: readonly string[]) => {
  const run = await hold(argv);
  expect(run.running, `QEMU exited (${run.code}) on ${argv.join(' ')}:\n${run.stderr}`).toBe(true);
};

if (missing.length > 0 && IN_CI) {
  describe('QEMU accepts export qemu', () => {
    it('has QEMU (CI installs it)', () => {
      throw new Error(`CI is set but ${missing.join(', ')} not found; install: apt-get install -y ${APT_PACKAGES}`);
    });
  });
} else if (missing.length > 0) {
  console.warn(`QEMU accepts export qemu: skipped (${missing.join(', ')} not found); to run it: apt-get install -y ${APT_PACKAGES}`);
} else {
  describe('QEMU accepts export qemu', () => {
    it('sees a QEMU that refuses (negative control)', async () => {
      const run = await hold([QEMU_BINARY.x86, '-M', 'q35', '-device', 'pcie-root-port,id=rp,bus=nowhere']);
      expect(run.running).toBe(false);
      expect(run.stderr).toMatch(/nowhere/);
    });

    for (const example of expectedExportable()) {
      it(`tables/${example}`, async () => expectAccepted(await exportedArgv(join(TABLES_DIR, example))), 20_000);
    }

    for (const s of SCENARIOS) {
      it(`interop ${s.name}`, async () => {
        const imported = await importedFile(scratchDir(), s.name, s.argv);
        await expectAccepted(await exportedArgv(imported));
      }, 20_000);
    }
  });
}
