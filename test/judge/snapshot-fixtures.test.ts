/**
 * The snapshot fixtures (test/fixtures/sysfs/) are what `ridmap snapshot`
 * takes in Linux guests: the judge boots each guest of snapshot-lines.ts in
 * the reference root (QEMU 11.1, Debian's kernel, busybox initramfs), runs
 * scripts/ridmap-snapshot.sh after binding pci-stub, and brings the archive
 * back on the report port. RIDMAP_UPDATE_FIXTURES=1 rewrites every fixture
 * and the README; otherwise one guest is taken again and must read the same
 * as its fixture. Skipped with a message without the reference root.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootJudge } from '../../src/judge/boot.js';
import { guestSetup } from '../../src/judge/guest.js';
import { referenceKernel } from '../../src/judge/reference-root.js';
import type { HostSnapshot } from '../../src/import/host/host-snapshot.js';
import { readSysfsSnapshot } from '../../src/import/sysfs/read-sysfs-snapshot.js';
import { REPO_ROOT } from '../support/paths.js';
import { reportMissingRoot, ROOT_LOOKUP, ROOT_MISSING } from './reference-root-env.js';
import { type SnapshotGuest, SNAPSHOT_GUESTS } from './snapshot-lines.js';

const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'sysfs');
const SCRIPT = join(REPO_ROOT, 'scripts', 'ridmap-snapshot.sh');
const BOOT_MS = 300_000;
const UPDATE = !!process.env['RIDMAP_UPDATE_FIXTURES'];

interface Taken {
  archive: Uint8Array;
  kernel: string;
  elapsedMs: number;
}

/** Boots the guest on its firmware's own tables and returns the snapshot its /init took. */
async function take(guest: SnapshotGuest): Promise<Taken> {
  const root = ROOT_LOOKUP.root!;
  const kernel = referenceKernel(root, guest.series, guest.arch);
  if (!kernel) throw new Error(`the reference root has no ${guest.series}/${guest.arch} kernel`);
  const boot = await bootJudge({
    assets: kernel.assets, machineArgs: guest.line, tables: [], reportSignatures: [], root: root.path, firmware: guest.firmware ?? 'acpi',
    snapshotScript: readFileSync(SCRIPT), timeoutMs: BOOT_MS - 20_000,
  });
  const archive = boot.report.snapshot;
  if (!archive) throw new Error(`${guest.name}: the guest printed no usable snapshot:\n${boot.console.slice(-3000)}`);
  return { archive, kernel: kernel.assets.kernelVersion, elapsedMs: boot.elapsedMs };
}

/** What must not change between two snapshots of one guest (dates, the kernel's build and the archive's bytes may). */
function essentials(s: HostSnapshot) {
  return {
    functions: s.functions.map((f) => ({ sbdf: f.sbdf, parent: f.parent, iommu: f.iommu, group: f.group, pcieType: f.pcieType, acs: f.acs, vendorId: f.vendorId, deviceId: f.deviceId })),
    iommus: s.iommus,
    tables: s.tables.map((t) => t.name),
    rootBuses: s.rootBuses,
  };
}

/** The fixtures' README: each guest's line, QEMU version and the kernel its snapshot recorded. */
async function readme(): Promise<string> {
  const qemu = ROOT_LOOKUP.root?.qemuVersion ?? '11.1';
  const lines = [
    '# Snapshots of Linux guests (`ridmap snapshot` in a judge boot)',
    '',
    'Made by test/judge/snapshot-fixtures.test.ts with RIDMAP_UPDATE_FIXTURES=1 in the reference root',
    '(scripts/reference-root.sh): QEMU boots the line (TCG; the judge adds memory, CPU, serial ports and,',
    'on arm64 under ACPI, EDK2), Debian\'s kernel boots a busybox initramfs whose /init binds every driverless device to',
    'pci-stub, runs scripts/ridmap-snapshot.sh as root and prints the archive in base64 on the report port.',
    'The guests boot on QEMU\'s own ACPI tables (or its own Device Tree). test/import/sysfs-fixtures.test.ts reads them.',
    '',
  ];
  for (const g of SNAPSHOT_GUESTS) {
    const binary = guestSetup(g.arch, g.firmware ?? 'acpi').qemu;
    const kernel = (await readSysfsSnapshot(join(FIXTURE_DIR, `${g.name}.tar.gz`))).kernel;
    lines.push(`- \`${g.name}.tar.gz\`: ${g.about}. QEMU ${qemu}, Linux ${kernel}:`);
    lines.push(`  \`${binary} ${g.line.join(' ')}\``);
  }
  return `${lines.join('\n')}\n`;
}

reportMissingRoot('guest snapshots for test/fixtures/sysfs');

describe.skipIf(ROOT_MISSING !== undefined || !UPDATE)('RIDMAP_UPDATE_FIXTURES=1: the sysfs snapshot fixtures are taken again', () => {
  for (const guest of SNAPSHOT_GUESTS) {
    it(`${guest.name}.tar.gz`, async () => {
      const taken = await take(guest);
      console.info(`${guest.name}: Linux ${taken.kernel} took its snapshot in ${taken.elapsedMs} ms (${taken.archive.length} bytes)`);
      writeFileSync(join(FIXTURE_DIR, `${guest.name}.tar.gz`), taken.archive);
      // Readable, and not empty.
      expect((await readSysfsSnapshot(join(FIXTURE_DIR, `${guest.name}.tar.gz`))).functions.length).toBeGreaterThan(3);
    }, BOOT_MS);
  }
  it('README.md', async () => {
    writeFileSync(join(FIXTURE_DIR, 'README.md'), await readme());
  });
});

describe.skipIf(ROOT_MISSING !== undefined || UPDATE)('a guest snapshot taken again reads as its fixture', () => {
  it('q35-vtd: the same functions, parents, IOMMUs, groups and tables', async () => {
    const guest = SNAPSHOT_GUESTS.find((g) => g.name === 'q35-vtd')!;
    const taken = await take(guest);
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-retaken-'));
    try {
      writeFileSync(join(dir, 'q35-vtd.tar.gz'), taken.archive);
      const [now, kept] = await Promise.all([readSysfsSnapshot(join(dir, 'q35-vtd.tar.gz')), readSysfsSnapshot(join(FIXTURE_DIR, 'q35-vtd.tar.gz'))]);
      expect(essentials(now)).toEqual(essentials(kept));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, BOOT_MS);
});
