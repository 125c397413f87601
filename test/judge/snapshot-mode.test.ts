/**
 * The judge's snapshot mode without QEMU: /init runs the snapshot script
 * only when asked, after binding pci-stub and between the report's markers;
 * the initramfs carries the script; parse.ts puts the base64 lines back
 * together into the archive, and refuses a garbled one rather than returning
 * bytes with a hole.
 */
import { describe, expect, it } from 'vitest';
import { judgeInitScript, SNAPSHOT_SCRIPT } from '../../src/judge/init-script.js';
import { judgeInitramfs } from '../../src/judge/initramfs.js';
import { parseJudgeConsole } from '../../src/judge/parse.js';

/** Stands for an archive: every byte value, so any base64 slip shows. */
const ARCHIVE = Uint8Array.from({ length: 3001 }, (_, i) => (i * 131 + 7) & 0xff);

/** The archive as busybox base64 prints it: 76 characters a line. */
function snapshotLines(bytes: Uint8Array): string[] {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(`RIDMAP-JUDGE SNAPSHOT ${b64.slice(i, i + 76)}`);
  return lines;
}

const consoleOf = (lines: readonly string[]) => ['RIDMAP-JUDGE BEGIN', 'RIDMAP-JUDGE DEVICE 0000:00:00.0 dmar0 0 pci-stub', ...lines, 'RIDMAP-JUDGE END'].join('\r\n');

describe('snapshot mode of the judge', () => {
  it('/init runs the script only when asked: after the pci-stub binding, before END', () => {
    expect(judgeInitScript({ signatures: [] })).not.toContain(SNAPSHOT_SCRIPT);
    const script = judgeInitScript({ signatures: [], snapshot: true });
    const at = script.indexOf(`sh /${SNAPSHOT_SCRIPT} -o /tmp/snapshot.tar.gz`);
    expect(at).toBeGreaterThan(script.indexOf('drivers_probe'));
    expect(at).toBeGreaterThan(script.indexOf('RIDMAP-JUDGE BEGIN'));
    expect(at).toBeLessThan(script.indexOf('RIDMAP-JUDGE END'));
    expect(script).toContain('base64 /tmp/snapshot.tar.gz | while read -r line; do echo "RIDMAP-JUDGE SNAPSHOT $line"; done');
  });

  it('the initramfs carries the script at /ridmap-snapshot.sh', () => {
    const script = new TextEncoder().encode('#!/bin/sh\necho snapshot\n');
    const cpio = Buffer.from(judgeInitramfs({ busybox: new Uint8Array(0), modules: [], signatures: [], snapshotScript: script })).toString('latin1');
    expect(cpio).toContain(`${SNAPSHOT_SCRIPT}\0`);
    expect(cpio).toContain('#!/bin/sh\necho snapshot\n');
    expect(cpio).toContain(`sh /${SNAPSHOT_SCRIPT}`);
  });

  it('parse puts the base64 lines back into the archive, byte for byte', () => {
    const report = parseJudgeConsole(consoleOf(snapshotLines(ARCHIVE)));
    expect(report.complete).toBe(true);
    expect(report.snapshot).toEqual(ARCHIVE);
  });

  it('no SNAPSHOT line: no snapshot; a failed script or a garbled line: null', () => {
    expect(parseJudgeConsole(consoleOf([])).snapshot).toBeUndefined();
    expect(parseJudgeConsole(consoleOf(['RIDMAP-JUDGE SNAPSHOT -'])).snapshot).toBeNull();
    const lines = snapshotLines(ARCHIVE);
    lines[1] = `${lines[1]!.slice(0, 40)}[    3.1] kernel says`;
    expect(parseJudgeConsole(consoleOf(lines)).snapshot).toBeNull();
  });
});
