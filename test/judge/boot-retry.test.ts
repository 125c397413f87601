/**
 * A judge boot that hangs before Linux printed its banner (TCG does that now
 * and then between the EFI stub and the console) is booted once more; one that
 * hangs after it is not, since Linux then ran and its hang is the answer. A
 * stand-in QEMU (a shell script that records each start and never exits) shows
 * both, in about two seconds.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JudgeAssets } from '../../src/judge/assets.js';
import { bootJudge, JudgeError } from '../../src/judge/boot.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-boot-retry-'));
const file = (name: string, text = '') => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const assets = (arch: 'amd64' | 'arm64'): JudgeAssets => ({
  arch, kernelVersion: '6.12.0-test', vmlinuz: file('vmlinuz'), busybox: file('busybox'), modules: [], config: new Map(),
} as unknown as JudgeAssets);

/** A QEMU that appends a line to `starts` each time it runs, prints `say`, and then hangs. */
function hangingQemu(name: string, say: string): { qemu: string; starts: () => number } {
  const starts = join(dir, `${name}.starts`);
  const qemu = file(name, `#!/bin/sh\necho started >> '${starts}'\nprintf '%s\\n' '${say}'\nexec sleep 30\n`);
  chmodSync(qemu, 0o755);
  return { qemu, starts: () => readFileSync(starts, 'utf8').split('\n').filter(Boolean).length };
}

describe('judge boot: a hang before Linux starts is booted again, once', () => {
  it('no banner: a second boot, and the error says both hung', async () => {
    const { qemu, starts } = hangingQemu('qemu-no-banner', 'EFI stub: Exiting boot services...');
    const boot = bootJudge({ assets: assets('arm64'), firmware: 'dt', machineArgs: ['-M', 'virt'], tables: [], qemu, timeoutMs: 800 });
    await expect(boot).rejects.toThrow(JudgeError);
    await expect(boot).rejects.toThrow(/no Linux banner within 800 ms, twice: the boot hung before Linux started/);
    expect(starts()).toBe(2);
  });

  it('no banner by its deadline: stopped there, long before the boot timeout, so a second boot fits in the test time', async () => {
    const { qemu, starts } = hangingQemu('qemu-no-banner-early', 'EFI stub: Exiting boot services...');
    const begun = Date.now();
    const boot = bootJudge({ assets: assets('arm64'), firmware: 'dt', machineArgs: ['-M', 'virt'], tables: [], qemu, timeoutMs: 60_000, bannerWithinMs: 500 });
    await expect(boot).rejects.toThrow(/no Linux banner within 500 ms, twice: the boot hung before Linux started/);
    expect(starts()).toBe(2);
    // Two boots stopped at their banner deadline, not at the 60 s timeout (the stand-in sleeps 30 s).
    expect(Date.now() - begun).toBeLessThan(20_000);
  });

  it('banner printed: Linux ran, so its hang is the answer and there is no second boot', async () => {
    const { qemu, starts } = hangingQemu('qemu-banner', 'Linux version 6.12.0-test (a stand-in)');
    const boot = bootJudge({ assets: assets('arm64'), firmware: 'dt', machineArgs: ['-M', 'virt'], tables: [], qemu, timeoutMs: 800 });
    await expect(boot).rejects.toThrow(/timed out after 800 ms\)/);
    expect(starts()).toBe(1);
  });
});
