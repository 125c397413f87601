/**
 * `ridmap boot` on arm64 (issue 15) as a user runs it: Debian's arm64 kernel
 * boots Arm virt under QEMU (TCG) through both firmware interfaces, ACPI
 * (ridmap's IORT by table upgrade under EDK2) and Device Tree (ridmap's
 * iommu-map/msi-map on QEMU's board, no firmware), on ridmap's tables and on
 * QEMU's own, and every device's IOMMU and the group partition must be what
 * ridmap's map predicts. The refusals need no kernel.
 *
 * The topologies are test fixtures imported from QEMU command lines: the
 * bundled tables/arm-smmuv3-its.yaml has a platform device and an expander
 * without its pxb-pcie function, which export qemu refuses (tested below).
 * The interop suite's command lines are judged in boot-arm64-interop (ACPI)
 * and boot-arm64-dt-aliases (DT, and the alias cases).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { ARM64_BOOT_MS, ARM64_CACHE, missingArm64, reportMissingArm64 } from './arm64-env.js';

const JUDGE_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'judge');
/** A bundled example (tables/) or one of the judge's own fixtures. */
const fixturePath = (name: string) => (existsSync(join(TABLES_DIR, name)) ? join(TABLES_DIR, name) : join(JUDGE_FIXTURES, name));

reportMissingArm64('ridmap boot on arm64');

describe('ridmap boot on arm64: what it refuses before booting', () => {
  it('refuses the bundled Arm server example, which export qemu refuses, with its reasons (exit 2)', async () => {
    const run = await runCli('boot', join(TABLES_DIR, 'arm-smmuv3-its.yaml'), '--assets', '/nonexistent');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/arm-smmuv3-its\.yaml:platformDevices\[0\]: error \[qemu-export-refused\]: a platform \(MMIO\) device/);
    expect(run.stdout).toBe('');
  });

  it('says where the arm64 kernel should be and how to fetch it (exit 2)', async () => {
    const run = await runCli('boot', join(JUDGE_FIXTURES, 'arm-virt-rciep.yaml'), '--assets', '/nonexistent');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no kernel and busybox in \/nonexistent\/arm64: run scripts\/judge-assets\.sh \/nonexistent --arch arm64/);
  });

  it('refuses --firmware dt for an x86 topology (exit 2)', async () => {
    const run = await runCli('boot', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--firmware', 'dt', '--assets', '/nonexistent');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--firmware dt: .*q35-vtd-pci-bridge\.yaml boots on qemu-system-x86_64; a Device Tree boot is for arm64/);
  });
});

interface BootJson {
  kernel: string;
  os: string;
  arch: string;
  firmware: string;
  tables: string;
  elapsedMs: number;
  agree: boolean;
  devices: { id: string | null; sbdf: string; linux: { iommu: string | null; group: string | null } | null }[];
  groupDifferences: string[];
}

const CASES = [
  { fixture: 'arm-virt-rciep.yaml', firmware: 'acpi', tables: 'ridmap', devices: 4 },
  { fixture: 'arm-virt-rciep.yaml', firmware: 'acpi', tables: 'qemu', devices: 4 },
  { fixture: 'arm-virt-rciep.yaml', firmware: 'dt', tables: 'ridmap', devices: 4 },
  { fixture: 'arm-virt-rciep.yaml', firmware: 'dt', tables: 'qemu', devices: 4 },
  { fixture: 'arm-virt-smmuv3.yaml', firmware: 'acpi', tables: 'ridmap', devices: 8 },
  { fixture: 'arm-virt-smmuv3.yaml', firmware: 'acpi', tables: 'qemu', devices: 8 },
  // Root ports grouped with what is below them under DT: the map predicts it for --firmware dt.
  { fixture: 'arm-virt-smmuv3.yaml', firmware: 'dt', tables: 'ridmap', devices: 8 },
  { fixture: 'arm-virt-smmuv3.yaml', firmware: 'dt', tables: 'qemu', devices: 8 },
] as const;

describe.skipIf(missingArm64 !== undefined)('ridmap boot on arm64: real boots agree with ridmap\'s map', () => {
  for (const c of CASES) {
    it(`${c.fixture} through ${c.firmware === 'dt' ? 'a Device Tree' : 'ACPI (UEFI)'} on ${c.tables === 'qemu' ? "QEMU's" : "ridmap's"} tables: every device agrees (exit 0)`, async () => {
      const run = await runCli('boot', fixturePath(c.fixture), '--assets', ARM64_CACHE, '--firmware', c.firmware, '--tables', c.tables, '--format', 'json');
      expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
      const out = JSON.parse(run.stdout) as BootJson;
      console.info(`${c.fixture} ${c.firmware} on ${c.tables}'s tables: Linux ${out.kernel} booted in ${out.elapsedMs} ms`);
      expect(out).toMatchObject({ arch: 'arm64', os: 'linux-6.1', firmware: c.firmware, tables: c.tables, agree: true, groupDifferences: [] });
      expect(out.devices).toHaveLength(c.devices);
      expect(out.devices.every((d) => d.linux?.iommu === 'smmuv3@0x9050000')).toBe(true);
    }, ARM64_BOOT_MS);
  }

  it('prints the comparison as text with the firmware interface named', async () => {
    const run = await runCli('boot', join(JUDGE_FIXTURES, 'arm-virt-rciep.yaml'), '--assets', ARM64_CACHE, '--firmware', 'dt');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Linux (\S+) on ridmap's Device Tree \(no firmware\), booted in \d+\.\d s\nridmap's map for --os linux-6\.\d+ --firmware dt\n\n/);
    expect(run.stdout).toContain('nic1                   0000:00:02.0  smmuv3@0x9050000 group g2  smmuv3@0x9050000 group 2  ok');
    expect(run.stdout).toMatch(/Linux agrees with ridmap\n$/);
  }, ARM64_BOOT_MS);
});
