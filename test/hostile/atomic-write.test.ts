/**
 * Output files are written atomically: a `build` or `golden update` whose
 * writing fails half-way (the disk fills up in the middle of a file, here by
 * a write that stores half its bytes and then fails) leaves every old file
 * as it was and no temporary file behind; so does a rename that fails
 * half-way through replacing the set (the files already renamed are put
 * back from their backups).
 * (test/golden/golden.test.ts fails `golden update` one level up, in its
 * staging function; this fails the file system call itself.)
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { GOLDEN_DIR, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

/** Which writeSync call of the run is cut short, and which renameSync call fails (counting from 1), or 0 for none. */
const disk = vi.hoisted(() => ({ failAt: 0, calls: 0, renameFailAt: 0, renames: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  // stageFile's form only: writeSync(fd, bytes, offset, length).
  const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    disk.calls++;
    if (disk.failAt && disk.calls === disk.failAt) return real.writeSync(fd, buffer, offset, Math.max(1, length >> 1));
    if (disk.failAt && disk.calls > disk.failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return real.writeSync(fd, buffer, offset, length);
  }) as unknown as typeof real.writeSync;
  const renameSync = ((from: string, to: string) => {
    if (++disk.renames === disk.renameFailAt) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO', syscall: 'rename', path: from });
    return real.renameSync(from, to);
  }) as typeof real.renameSync;
  return { ...real, default: { ...real, writeSync, renameSync }, writeSync, renameSync };
});

beforeEach(() => {
  disk.failAt = 0;
  disk.calls = 0;
  disk.renameFailAt = 0;
  disk.renames = 0;
});

/** Every file of a directory tree with its content. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    if (fs.statSync(p).isFile()) out.set(name, readFileSync(p, 'latin1'));
  }
  return out;
}

const temporaries = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((n) => /\.(tmp|bak)$|\.ridmap-lock$/.test(n));

/** Gives every file of `dir` a content no run would write, so that "unchanged" is unmistakable. */
function markOld(dir: string): void {
  for (const name of snapshot(dir).keys()) if (!name.endsWith('case.yaml')) writeFileSync(join(dir, name), `old ${name}\n`);
}

describe('an interrupted write leaves the old files and no temporary file', () => {
  it('build: the disk fills up while the third output is written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-build-'));
    const topology = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    markOld(out);
    const before = snapshot(out);
    expect(before.size).toBeGreaterThan(3);

    disk.failAt = 3;
    const run = await runCli('build', topology, '--out', out);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('ENOSPC');
    expect(snapshot(out)).toEqual(before);
    expect(temporaries(out)).toEqual([]);
  });

  it('golden update: the disk fills up while the second file is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-golden-'));
    cpSync(join(GOLDEN_DIR, 'q35-vtd-pci-bridge'), join(dir, 'q35'), { recursive: true });
    writeFileSync(join(dir, 'q35', 'case.yaml'), `topology: ${join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml')}\n`);
    markOld(dir);
    const before = snapshot(dir);

    disk.failAt = 2;
    const run = await runCli('golden', 'update', dir);
    expect(run.code).not.toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(temporaries(dir)).toEqual([]);
  });

  it('build: a rename fails half-way; the outputs already replaced, and the stale ones already removed, are put back', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-build-'));
    expect((await runCli('build', join(TABLES_DIR, 'arm-smmuv3-its.yaml'), '--out', out)).code).toBe(0);
    markOld(out);
    const before = snapshot(out);
    expect(before.has('IORT.dat')).toBe(true); // stale for the next build: removed only when the whole set commits

    // q35 renames its 6 outputs into place, then the arm build's IORT.dat, board.dts and board.dtb away.
    for (const failAt of [4, 8]) {
      disk.renames = 0;
      disk.renameFailAt = failAt;
      const run = await runCli('build', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--out', out);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('EIO');
      expect(snapshot(out)).toEqual(before);
      expect(temporaries(out)).toEqual([]);
    }
  });

  it('build: an output that is a symbolic link is put back as the link when a later rename fails', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-build-'));
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'ridmap-target-')), 'kept.dat');
    writeFileSync(elsewhere, 'mine\n');
    fs.symlinkSync(elsewhere, join(out, 'DMAR.dat'));
    disk.renameFailAt = 3; // DMAR.dat is replaced first, then the second rename works, the third fails
    const run = await runCli('build', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--out', out);
    expect(run.code).toBe(2);
    expect(fs.readlinkSync(join(out, 'DMAR.dat'))).toBe(elsewhere);
    expect(readFileSync(elsewhere, 'utf8')).toBe('mine\n');
    expect(readdirSync(out)).toEqual(['DMAR.dat']);
  });

  it('golden update: a rename fails half-way; the files already replaced are put back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-golden-'));
    cpSync(join(GOLDEN_DIR, 'q35-vtd-pci-bridge'), join(dir, 'q35'), { recursive: true });
    writeFileSync(join(dir, 'q35', 'case.yaml'), `topology: ${join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml')}\n`);
    markOld(dir);
    const before = snapshot(dir);

    disk.renameFailAt = 3;
    const run = await runCli('golden', 'update', dir);
    expect(run.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a rename that fails (the target is a directory) removes its temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-rename-'));
    mkdirSync(join(dir, 'DMAR.dat'));
    expect(() => writeFileAtomic(join(dir, 'DMAR.dat'), new Uint8Array(8))).toThrow();
    expect(temporaries(dir)).toEqual([]);
  });
});
