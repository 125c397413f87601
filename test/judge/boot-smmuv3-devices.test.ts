/**
 * Issue 18's proof on Linux: user-created SMMUv3s (`-device arm-smmuv3`)
 * imported by ridmap, booted in the reference root (QEMU 11.1, EDK2, ACPI)
 * on ridmap's IORT with Debian's 6.12 and 7.3 kernels, through `ridmap
 * boot --root`: every device's IOMMU and group as the map says; on QEMU's
 * own IORT too (7.3). Also an
 * SMMU on pcie.0 beside an untranslated expander, the same under a Device
 * Tree (QEMU's DT has user-created SMMUv3s on pcie.0 only), and the DT
 * refusal for an expander's SMMU. Skipped with a message without the root.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISSUE_LINE } from '../import/smmuv3-lines.js';
import { runCli } from '../support/run-cli.js';
import { reportMissingRoot, ROOT_LOOKUP, ROOT_MISSING } from './reference-root-env.js';
import type { BootRootJson } from './judge-support.js';

const BOOT_MS = 240_000;
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-boot-smmuv3-'));

/** pcie.0 behind an arm-smmuv3, an expander without one. */
const PCIE0_LINE = [
  '-M', 'virt,gic-version=3', '-nodefaults',
  '-device', 'arm-smmuv3,primary-bus=pcie.0,id=smmu0',
  '-device', 'pcie-root-port,id=rp0,chassis=1', '-device', 'virtio-net-pci,id=net0,bus=rp0',
  '-device', 'pxb-pcie,id=pxb1,bus_nr=0x10,bus=pcie.0',
  '-device', 'pcie-root-port,id=rp1,bus=pxb1,chassis=2', '-device', 'virtio-net-pci,id=net1,bus=rp1',
];
/** pcie.0 alone behind an arm-smmuv3: what a Device Tree can say. */
const PCIE0_ONLY_LINE = PCIE0_LINE.slice(0, 9);

type BootJson = BootRootJson;

async function imported(name: string, argv: readonly string[]): Promise<string> {
  const run = await runCli('import', 'qemu', '--', ...argv);
  expect(run.code, run.stderr).toBe(0);
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, run.stdout);
  return file;
}

async function boot(file: string, ...opts: string[]): Promise<BootJson> {
  const run = await runCli('boot', file, '--root', ROOT_LOOKUP.root!.path, '--format', 'json', ...opts);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as BootJson;
}

const iommuOf = (r: BootJson, id: string) => r.devices.find((d) => d.id === id)?.linux?.iommu ?? null;

reportMissingRoot('arm-smmuv3 devices booted in the reference root');

describe.skipIf(ROOT_MISSING !== undefined)('-device arm-smmuv3 booted in the reference root (QEMU 11.1, EDK2)', () => {
  for (const os of ['linux-6.12', 'linux-7.3']) {
    it(`issue 18's line on ${os} through ACPI: each expander's devices behind its own SMMU, pcie.0's untranslated, groups as the map says`, async () => {
      const r = await boot(await imported('issue18', ISSUE_LINE), '--os', os);
      expect([r.os, r.firmware, r.root.qemu.startsWith('11.1')]).toEqual([os, 'acpi', true]);
      expect(iommuOf(r, 'net1')).toBe('smmuv3@0xc000000');
      expect(iommuOf(r, 'net2')).toBe('smmuv3@0xc020000');
      expect(iommuOf(r, 'net0')).toBeNull();
      expect(r.agree).toBe(true);
    }, BOOT_MS);
  }

  it('issue 18\'s line on QEMU\'s own IORT (Linux 7.3): the map predicts what QEMU\'s tables make Linux do', async () => {
    const r = await boot(await imported('issue18-qemu', ISSUE_LINE), '--os', 'linux-7.3', '--tables', 'qemu');
    expect(iommuOf(r, 'net1')).toBe('smmuv3@0xc000000');
    expect(iommuOf(r, 'net2')).toBe('smmuv3@0xc020000');
    expect(r.agree).toBe(true);
  }, BOOT_MS);

  it('an SMMU on pcie.0 beside an untranslated expander (Linux 7.3, ACPI)', async () => {
    const r = await boot(await imported('pcie0', PCIE0_LINE), '--os', 'linux-7.3');
    expect(iommuOf(r, 'net0')).toBe('smmuv3@0xc000000');
    expect(iommuOf(r, 'net1')).toBeNull();
    expect(r.agree).toBe(true);
  }, BOOT_MS);

  it('under a Device Tree: an SMMU on pcie.0 is booted (ridmap\'s DT and QEMU\'s agree); an expander\'s is refused with QEMU\'s reason', async () => {
    const file = await imported('pcie0-only', PCIE0_ONLY_LINE);
    for (const tables of ['ridmap', 'qemu']) {
      const r = await boot(file, '--os', 'linux-6.12', '--firmware', 'dt', '--tables', tables);
      expect(iommuOf(r, 'net0')).toBe('smmuv3@0xc000000');
      expect(r.agree).toBe(true);
    }
    const refused = await runCli('boot', await imported('issue18-dt', ISSUE_LINE), '--root', ROOT_LOOKUP.root!.path, '--os', 'linux-6.12', '--firmware', 'dt');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/SMMUv3 smmu1 translates expander pxb1: under a Device Tree QEMU supports a user-created SMMUv3 on pcie\.0 only \(QEMU 11\.1: "SMMUv3 device only supported with pcie\.0 for DT"\)/);
  }, BOOT_MS);
});
