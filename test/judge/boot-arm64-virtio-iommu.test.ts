/**
 * virtio-iommu on arm64 under DT (issue 15): Debian 13's kernel (6.12, which
 * has virtio_iommu as a module; /init loads it) boots Arm virt with a
 * virtio-iommu-pci, on ridmap's tree (iommu-map to the virtio,pci-iommu node
 * under the PCI host, grafted onto QEMU's board) and on QEMU's own, and must
 * agree with ridmap's map device by device. Under ACPI the same topology
 * needs a VIOT, which the judge injects on x86 only (a rebuilt table set laid
 * out for q35 under SeaBIOS): `ridmap boot` says so.
 * Needs Debian 13's arm64 kernel in RIDMAP_JUDGE_CACHE_TRIXIE (default
 * .judge-cache/trixie: scripts/judge-assets.sh .judge-cache/trixie --release
 * trixie --arch arm64), qemu-system-aarch64; skipped with a message without,
 * failed when CI is set (.ci/run fetches it).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findJudgeAssets } from '../../src/judge/assets.js';
import { missingQemu } from '../interop/qemu-env.js';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/paths.js';
import { ARM64_BOOT_MS, ARM64_CACHE, arm64Assets } from './arm64-env.js';
import { reportMissing } from './missing-prerequisite.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'judge', 'arm-virt-virtio-iommu.yaml');
const TRIXIE_CACHE = process.env['RIDMAP_JUDGE_CACHE_TRIXIE'] ?? join(REPO_ROOT, '.judge-cache', 'trixie');
const trixie = findJudgeAssets(TRIXIE_CACHE, 'arm64');
const missing: string | undefined = trixie === undefined
  ? `no arm64 kernel in ${join(TRIXIE_CACHE, 'arm64')} (run scripts/judge-assets.sh ${TRIXIE_CACHE} --release trixie --arch arm64)`
  : !trixie.config.has('VIRTIO_IOMMU') ? `Linux ${trixie.kernelVersion} in ${TRIXIE_CACHE} has no virtio-iommu driver` : missingQemu('arm');
reportMissing('virtio-iommu on arm64', missing, 'Debian 13\'s arm64 kernel and qemu-system-aarch64');

describe('ridmap boot of a virtio-iommu topology: what it refuses', () => {
  it.skipIf(arm64Assets === undefined || arm64Assets.config.has('VIRTIO_IOMMU') || arm64Assets.config.size === 0)(
    'on a kernel without the driver (Debian 12\'s 6.1), naming it, instead of reporting every device untranslated (exit 2)', async () => {
      const run = await runCli('boot', FIXTURE, '--firmware', 'dt', '--assets', ARM64_CACHE);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/\[boot-failed\]: Linux 6\.1\S* has no virtio-iommu driver \(CONFIG_VIRTIO_IOMMU is not set; Debian 12's 6\.1 has none\), so it cannot judge the Device Tree's virtio,pci-iommu: fetch Debian 13's 6\.12 with scripts\/judge-assets\.sh \.judge-cache\/trixie --release trixie --arch arm64/);
    });

  it.skipIf(missing !== undefined)('through ACPI, where it needs a VIOT, which the judge injects on x86 only (exit 2)', async () => {
    const run = await runCli('boot', FIXTURE, '--assets', TRIXIE_CACHE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\[boot-failed\]: the judge injects VIOT on x86 only .*: on arm64 boot the topology with --firmware dt/);
  });
});

describe.skipIf(missing !== undefined)('virtio-iommu on arm64 under DT: Linux agrees with ridmap\'s map', () => {
  for (const tables of ['ridmap', 'qemu'] as const) {
    it(`on ${tables === 'qemu' ? "QEMU's" : "ridmap's"} tree`, async () => {
      const run = await runCli('boot', FIXTURE, '--firmware', 'dt', '--tables', tables, '--assets', TRIXIE_CACHE, '--format', 'json');
      expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
      const out = JSON.parse(run.stdout) as { kernel: string; elapsedMs: number; agree: boolean; devices: { id: string; linux: { iommu: string | null } }[] };
      console.info(`virtio-iommu under DT on ${tables}'s tree: Linux ${out.kernel} booted in ${out.elapsedMs} ms`);
      expect(out.agree).toBe(true);
      // The virtio-iommu's own function is not behind itself; everything else is.
      expect(Object.fromEntries(out.devices.map((d) => [d.id, d.linux.iommu]))).toEqual({
        'gpex-root@pcie.0:00.0': 'virtio-iommu-pci@0000:00:01.0',
        viommu: null,
        net0: 'virtio-iommu-pci@0000:00:01.0',
        rng0: 'virtio-iommu-pci@0000:00:01.0',
      });
    }, ARM64_BOOT_MS);
  }
});
