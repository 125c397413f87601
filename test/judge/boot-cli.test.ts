/**
 * `ridmap boot` (issue 15) as a user runs it: the refusals need no kernel;
 * the boot itself needs scripts/judge-assets.sh's kernel and QEMU (skipped with
 * a message without them; boot-dmar.test.ts fails in CI when they are missing).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findJudgeAssets } from '../../src/judge/assets.js';
import { missingQemu } from '../interop/qemu-env.js';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';

const cache = process.env['RIDMAP_JUDGE_CACHE'] ?? join(REPO_ROOT, '.judge-cache');
const skip = findJudgeAssets(cache) === undefined || missingQemu('x86') !== undefined;

describe('ridmap boot: what it refuses before booting', () => {
  it('refuses a topology export qemu refuses, with its reasons (exit 2)', async () => {
    const run = await runCli('boot', join(TABLES_DIR, 'x86-server-dmar.yaml'), '--assets', '/nonexistent');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/x86-server-dmar\.yaml:iommus\[1\]: error \[qemu-export-refused\]: a second IOMMU/);
    expect(run.stdout).toBe('');
  });

  it('says where the kernel should be and how to fetch it (exit 2)', async () => {
    const run = await runCli('boot', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--assets', '/nonexistent');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no kernel and busybox in \/nonexistent\/amd64: run scripts\/judge-assets\.sh \/nonexistent/);
  });

  it('refuses a VIOT with a kernel that has no virtio-iommu driver, saying what to fetch (exit 2, before booting)', async () => {
    // Debian 12's 6.1 as judge-assets.sh leaves it: its config lines have no VIRTIO_IOMMU.
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-boot-assets-'));
    try {
      mkdirSync(join(dir, 'amd64'));
      for (const [name, text] of Object.entries({
        vmlinuz: '', busybox: '', 'kernel-version': '6.1.0-99-amd64\n', 'modules.order': 'pci-stub.ko\n',
        'config.txt': 'CONFIG_ACPI_TABLE_UPGRADE=y\nCONFIG_PCI_STUB=m\nCONFIG_INTEL_IOMMU=y\n',
      })) writeFileSync(join(dir, 'amd64', name), text);
      const run = await runCli('boot', join(TABLES_DIR, 'q35-virtio-iommu-pxb.yaml'), '--assets', dir, '--qemu', '/nonexistent/qemu');
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/\[boot-failed\]: Linux 6\.1\.0-99-amd64 has no virtio-iommu driver \(CONFIG_VIRTIO_IOMMU is not set; Debian 12's 6\.1 has none\), so it cannot judge a VIOT: fetch Debian 13's 6\.12 with scripts\/judge-assets\.sh \.judge-cache\/trixie --release trixie/);
      expect(run.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip)('ridmap boot: a real boot', () => {
  it('prints every device with Linux\'s answer beside ridmap\'s and exits 0 on agreement', async () => {
    const run = await runCli('boot', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--assets', cache, '--format', 'json');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { agree: boolean; tables: string; devices: { id: string; linux: { iommu: string } }[] };
    expect(out.agree).toBe(true);
    expect(out.tables).toBe('ridmap');
    expect(out.devices.find((d) => d.id === 'nic1')!.linux.iommu).toBe('vtd@0xfed90000');
  }, 240_000);
});
