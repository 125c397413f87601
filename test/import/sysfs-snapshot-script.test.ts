/**
 * `ridmap snapshot` and scripts/ridmap-snapshot.sh against a fake /sys
 * (sysfs-fake.ts, through the script's RIDMAP_SYSFS_ROOT), read back by
 * readSysfsSnapshot: every fact the script records reaches HostSnapshot, in
 * every form the snapshot may come in (.tar.gz, .tar, unpacked directory),
 * under dash and under busybox sh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acsIsolates } from '../../src/import/host/config-space.js';
import type { HostSnapshot } from '../../src/import/host/host-snapshot.js';
import { readSysfsSnapshot } from '../../src/import/sysfs/read-sysfs-snapshot.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { type FakeSysfs, makeFakeSysfs, makeManyFunctions } from './sysfs-fake.js';

const SCRIPT = join(REPO_ROOT, 'scripts/ridmap-snapshot.sh');
const BUSYBOX = '/var/cache/ridmap/reference-root/bin/busybox';
const asRoot = process.getuid?.() === 0;

let fake: FakeSysfs;
let work: string;

beforeAll(() => {
  fake = makeFakeSysfs();
  work = mkdtempSync(join(tmpdir(), 'ridmap-snapshot-test-'));
});
afterAll(() => {
  rmSync(fake.root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** Runs `ridmap snapshot ARGS` with the fake as /sys. */
async function snapshotCli(...args: string[]) {
  const before = process.env['RIDMAP_SYSFS_ROOT'];
  process.env['RIDMAP_SYSFS_ROOT'] = fake.root;
  try {
    return await runCli('snapshot', ...args);
  } finally {
    if (before === undefined) delete process.env['RIDMAP_SYSFS_ROOT'];
    else process.env['RIDMAP_SYSFS_ROOT'] = before;
  }
}

function expectFakeFacts(s: HostSnapshot): void {
  expect(s.functions.map((f) => f.sbdf)).toEqual(['0000:00:00.0', '0000:00:00.2', '0000:00:1c.0', '0000:01:00.0']);
  const [host, ivhd, port, nvme] = s.functions;
  // The AMD-Vi unit's function has a directory named iommu (its class device), not an iommu link.
  expect(ivhd).toMatchObject({ parent: null, iommu: null, group: null, vendorId: 0x1022 });
  expect(host).toMatchObject({ parent: null, iommu: 'dmar0', group: '0', driver: null, vendorId: 0x8086, classCode: 0x060000 });
  expect(port).toMatchObject({ parent: null, group: '1', driver: 'pcieport', headerType: 1, secondaryBus: 1, subordinateBus: 1, pcieType: 'root-port' });
  expect(port!.config?.length).toBe(4096);
  expect(acsIsolates(port!.acs)).toBe(true);
  expect(nvme).toMatchObject({ parent: '0000:00:1c.0', iommu: 'dmar0', group: '1', pcieType: 'endpoint', vendorId: 0x1b36, deviceId: 0x0010, acs: null });
  expect(s.rootBuses).toEqual([{ segment: 0, bus: 0, acpiPath: '\\_SB_.PCI0' }]);
  expect(s.iommus).toEqual([
    { name: 'dmar0', address: 0xfed90000n, registers: { cap: 0xd2008c22260286n, ecap: 0xf00f5en } },
    // amd-iommu/features is EFR:EFR2 (Linux's amd_iommu_show_features).
    { name: 'ivhd0', pciFunction: '0000:00:00.2', registers: { cap: 0x1f03000fn, features: 0x29d3n, features2: 1n } },
  ]);
  // Only the IOMMU tables and MCFG/APIC are copied: the fake's DSDT is not, nor the EFI stub's Device Tree.
  expect(s.tables.map((t) => t.name)).toEqual(['DMAR']);
  expect(s.tables[0]!.bytes).toEqual(fake.dmar);
  expect(s.cmdline).toBe('console=ttyS0 intel_iommu=on');
  expect(s.kernel).toMatch(/\S/);
  expect(s.privileged).toBe(asRoot);
}

describe('ridmap snapshot', () => {
  it('--print-script prints the shipped script, byte for byte', async () => {
    const r = await runCli('snapshot', '--print-script');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(SCRIPT, 'utf8'));
  });

  it('-o FILE writes a .tar.gz that readSysfsSnapshot reads back whole', async () => {
    const out = join(work, 'cli.tar.gz');
    const r = await snapshotCli('-o', out);
    expect(r.stderr).toContain(`wrote ${out}`);
    expect(r.code).toBe(0);
    expectFakeFacts(await readSysfsSnapshot(out));
  });

  it('an archive that cannot be written: the script says so and ridmap snapshot exits 2', async () => {
    const out = join(work, 'no-such-dir', 'x.tar.gz');
    const r = await snapshotCli('-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ridmap-snapshot: writing ${out} failed`);
    expect(existsSync(out)).toBe(false);
  });

  it('the same snapshot reads the same as a .tar and as the unpacked directory', async () => {
    const gz = join(work, 'forms.tar.gz');
    expect((await snapshotCli('-o', gz)).code).toBe(0);
    const tar = join(work, 'forms.tar');
    writeFileSync(tar, gunzipSync(readFileSync(gz)));
    expectFakeFacts(await readSysfsSnapshot(tar));
    const dir = join(work, 'unpacked');
    mkdirSync(dir);
    execFileSync('tar', ['xf', tar, '-C', dir]);
    expectFakeFacts(await readSysfsSnapshot(dir));
    expectFakeFacts(await readSysfsSnapshot(join(dir, 'ridmap-snapshot')));
  });

  it('the manifest has one fact a line, links as names and paths as sysfs shows them', async () => {
    const out = join(work, 'manifest.tar.gz');
    expect((await snapshotCli('-o', out)).code).toBe(0);
    const manifest = execFileSync('tar', ['xzf', out, '-O', 'ridmap-snapshot/manifest.txt'], { encoding: 'utf8' });
    expect(manifest).toMatch(/^ridmap-snapshot version 1$/m);
    expect(manifest).toContain('pci 0000:01:00.0 path /sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0\n');
    expect(manifest).toContain('pci 0000:00:1c.0 driver pcieport\n');
    expect(manifest).toContain('group 1 device 0000:01:00.0\n');
    expect(manifest).toContain('iommu dmar0 intel-iommu/address fed90000\n');
    expect(manifest).toContain(`snapshot config-space ${asRoot ? 'full' : 'first-64-bytes'}\n`);
    expect(manifest).not.toContain(fake.root);
  });

  it.skipIf(!existsSync(BUSYBOX))('runs under busybox sh and records the same facts as under dash', () => {
    const manifests = [['/bin/sh'], [BUSYBOX, 'sh']].map(([shell, ...pre]) => {
      const out = join(work, `${pre.length ? 'busybox' : 'dash'}.tar.gz`);
      const r = spawnSync(shell!, [...pre, SCRIPT, '-o', out], { env: { ...process.env, RIDMAP_SYSFS_ROOT: fake.root }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const text = execFileSync('tar', ['xzf', out, '-O', 'ridmap-snapshot/manifest.txt'], { encoding: 'utf8' });
      return text.replace(/^snapshot date .*$/m, '');
    });
    expect(manifests[1]).toBe(manifests[0]);
  });

  it('a Device Tree machine (no /sys/firmware/acpi): its /sys/firmware/fdt is kept', async () => {
    const dt = mkdtempSync(join(tmpdir(), 'ridmap-fake-dt-'));
    try {
      const fdt = new Uint8Array([0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x28, 1, 2, 3]);
      mkdirSync(join(dt, 'sys', 'firmware'), { recursive: true });
      writeFileSync(join(dt, 'sys', 'firmware', 'fdt'), fdt);
      const out = join(work, 'dt.tar.gz');
      const r = spawnSync('/bin/sh', [SCRIPT, '-o', out], { env: { ...process.env, RIDMAP_SYSFS_ROOT: dt }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`ridmap-snapshot: no PCI function under ${dt}/sys/bus/pci/devices (not Linux, or sysfs not mounted there): the snapshot lists none`);
      const s = await readSysfsSnapshot(out);
      expect(s.tables).toEqual([{ name: 'fdt', bytes: fdt }]);
      expect(s.functions).toEqual([]);
    } finally {
      rmSync(dt, { recursive: true, force: true });
    }
  });

  it('runs one program per function (cat), not one per fact: 100 functions cost ~100 programs, not thousands', () => {
    // Each command substitution or pipeline per fact was a fork: a 512-function machine took 4 minutes
    // on a loaded host, 6 s without them. Every external program the script runs is counted through PATH.
    const many = makeManyFunctions(100);
    const shims = mkdtempSync(join(tmpdir(), 'ridmap-shims-'));
    const log = join(shims, 'log');
    try {
      for (const tool of ['cat', 'wc', 'mkdir', 'tr', 'sed', 'rm', 'mv', 'tar', 'gzip', 'date', 'uname', 'id', 'head', 'od', 'readlink', 'ls']) {
        const real = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        if (!real.startsWith('/')) continue;
        writeFileSync(join(shims, tool), `#!/bin/sh\necho ${tool} >>'${log}'\nexec ${real} "$@"\n`);
        chmodSync(join(shims, tool), 0o755);
      }
      const out = join(work, 'many.tar.gz');
      const r = spawnSync('/bin/sh', [SCRIPT, '-o', out], { env: { ...process.env, RIDMAP_SYSFS_ROOT: many, PATH: `${shims}:${process.env['PATH']}` }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const runs = readFileSync(log, 'utf8').trim().split('\n');
      expect(runs.filter((t) => t === 'cat')).toHaveLength(100);
      expect(runs.length).toBeLessThan(100 + 20);
    } finally {
      rmSync(many, { recursive: true, force: true });
      rmSync(shims, { recursive: true, force: true });
    }
  });

  it.skipIf(!asRoot || spawnSync('setpriv', ['--version']).status !== 0)('as another user: says so, and the manifest and snapshot say so too', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'ridmap-nobody-'));
    try {
      chmodSync(shared, 0o777);
      chmodSync(fake.root, 0o755);
      const out = join(shared, 'nobody.tar.gz');
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '/bin/sh', SCRIPT, '-o', out], {
        env: { ...process.env, RIDMAP_SYSFS_ROOT: fake.root, TMPDIR: shared }, cwd: shared, encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('ridmap-snapshot: not run as root: Linux gives other users 64 bytes of each config space (no capabilities, so no ACS) and no ACPI table; run it as root for a whole snapshot');
      const s = await readSysfsSnapshot(out);
      expect(s.privileged).toBe(false);
      expect(s.warnings.join('\n')).toContain('taken without root');
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('without -o: ridmap-snapshot-HOST-DATE.tar.gz in the current directory', async () => {
    const here = mkdtempSync(join(tmpdir(), 'ridmap-cwd-'));
    try {
      const r = spawnSync('/bin/sh', [SCRIPT], { env: { ...process.env, RIDMAP_SYSFS_ROOT: fake.root }, cwd: here, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const written = /wrote (ridmap-snapshot-[A-Za-z0-9._-]+-\d{8}T\d{6}Z\.tar\.gz)$/m.exec(r.stderr)?.[1];
      expect(written, r.stderr).toBeDefined();
      expectFakeFacts(await readSysfsSnapshot(join(here, written!)));
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });

  it('-o - writes the archive to stdout', () => {
    const r = spawnSync('/bin/sh', [SCRIPT, '-o', '-'], { env: { ...process.env, RIDMAP_SYSFS_ROOT: fake.root } });
    expect(r.status).toBe(0);
    expect([...r.stdout.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it('an unknown argument is refused with the usage (exit 2)', async () => {
    const r = spawnSync('/bin/sh', [SCRIPT, '--bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: ridmap-snapshot.sh [-o FILE]');
  });
});
