/**
 * `import qemu --qemu BINARY` (and export qemu's): the release comes from
 * the emulator's own `--version`, and with it that release's defaults
 * (intel-iommu aw-bits: 39 in QEMU 7.2, 48 in 11.1). QEMU 11.1 is the
 * reference root's, run through a chroot wrapper; its half is skipped when the
 * root is absent, the host half when the host has no qemu-system-x86_64.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceRootPath } from '../../src/judge/reference-root.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-qemu-binary-'));
const script = (name: string, body: string) => {
  const file = join(tmp, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};
const HOST_QEMU = spawnSync('qemu-system-x86_64', ['--version']).status === 0;
const ROOT = referenceRootPath();
const HAVE_ROOT = existsSync(join(ROOT, 'usr/bin/qemu-system-x86_64'));
const Q35 = ['-M', 'q35', '-nodefaults', '-device', 'intel-iommu'];
const width = (yaml: string) => /hostAddressWidth: (\d+)/.exec(yaml)?.[1];

describe('import qemu --qemu BINARY', () => {
  it.skipIf(!HOST_QEMU)('takes the host QEMU\'s release (Debian 12: 7.2, aw-bits 39)', async () => {
    const run = await runCli('import', 'qemu', '--qemu', 'qemu-system-x86_64', '--', ...Q35);
    expect(run.code, run.stderr).toBe(0);
    const [major, minor] = /version (\d+)\.(\d+)/.exec(spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).stdout)!.slice(1).map(Number);
    expect(width(run.stdout)).toBe(major! > 9 || (major === 9 && minor! >= 2) ? '48' : '39');
    expect(run.stdout).toContain(`default for QEMU ${major}.${minor}`);
  });

  it.skipIf(!HAVE_ROOT)('takes the reference root\'s QEMU 11.1 (through a chroot wrapper): aw-bits 48', async () => {
    const q111 = script('q111', `exec chroot ${ROOT} qemu-system-x86_64 "$@"`);
    const run = await runCli('import', 'qemu', '--qemu', q111, '--', ...Q35);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('default for QEMU 11.1');
    expect(width(run.stdout)).toBe('48');
  });

  it('refuses a missing program, one that is no QEMU, one that fails, and both options (usage, exit 2)', async () => {
    const cases: [string[], string][] = [
      [['--qemu', join(tmp, 'nope')], `--qemu ${join(tmp, 'nope')}: no such program`],
      [['--qemu', script('hello', 'echo hello')], 'does not say "QEMU emulator version X.Y"'],
      [['--qemu', script('fails', 'exit 3')], 'failed (exit 3)'],
      [['--qemu', script('old', 'echo "QEMU emulator version 6.2.0"')], 'QEMU 6.2): ridmap\'s QEMU facts are those of QEMU 7.2 and later'],
      [['--qemu', 'qemu-system-x86_64', '--qemu-version', '7.2'], '--qemu-version and --qemu both name the QEMU'],
    ];
    for (const [opts, message] of cases) {
      const run = await runCli('import', 'qemu', ...opts, '--', ...Q35);
      expect(run.code, opts.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('export qemu --qemu BINARY', () => {
  const topology = join(REPO_ROOT, 'tables/q35-vtd-pci-bridge.yaml');

  it('reads the release the same way, and refuses what import refuses', async () => {
    const fake = script('q111-fake', 'echo "QEMU emulator version 11.1.3 (Debian)"');
    const ok = await runCli('export', 'qemu', topology, '--qemu', fake);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli('export', 'qemu', topology, '--qemu', join(tmp, 'nope'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no such program');
  });
});
