/**
 * Issue 19's proof for `ridmap plan`: the guest planned for a host with
 * devices behind two IOMMUs gets two vIOMMUs, and Linux in that guest puts
 * each device behind the vIOMMU the plan says.
 *
 * There is no real host device here to hand over, so the guest is booted
 * with an emulated stand-in (pci-testdev) at each vfio-pci's bus and
 * address: `ridmap boot` exports guest.yaml, whose vfio-pci functions export
 * writes as pci-testdev, and the test first shows that this line is the
 * plan's qemu.sh with each `vfio-pci,host=...` so replaced (and the
 * host-only options, iommufd, accel=on, caching-mode=on, left out). Booted
 * in the reference root (QEMU 11.1, EDK2, ACPI); skipped with a message
 * without it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { reportMissingRoot, ROOT_LOOKUP, ROOT_MISSING } from './reference-root-env.js';
import type { BootRootJson } from './judge-support.js';

const BOOT_MS = 300_000;
/** A snapshot of Linux in a virt guest with two arm-smmuv3s (test/fixtures/sysfs/README.md): a real host's view, two SMMUs. */
const TWO_SMMU_SNAPSHOT = join(REPO_ROOT, 'test/fixtures/sysfs/virt-smmuv3-two.tar.gz');
/** A snapshot of Linux in a q35 guest with VT-d: a PCIe-to-PCI bridge's two devices in one group, a multi-function device in one group. */
const VTD_SNAPSHOT = join(REPO_ROOT, 'test/fixtures/sysfs/q35-vtd.tar.gz');
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-boot-plan-'));

type BootJson = BootRootJson;

/** The words of qemu.sh's command (after `exec`, before "$@"). */
function scriptWords(dir: string): string[] {
  const text = readFileSync(join(dir, 'qemu.sh'), 'utf8');
  const command = text.slice(text.indexOf('exec ') + 5).replace(/\\\n/g, ' ');
  return command.split(/\s+/).filter((w) => w && w !== '"$@"');
}

/** qemu.sh with each host device replaced by the stand-in export writes, and the options only a host device needs dropped. */
function standIn(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const [w, v] = [words[i]!, words[i + 1]];
    if ((w === '-accel' && v === 'kvm') || (w === '-object' && v?.startsWith('iommufd,'))) {
      i++;
      continue;
    }
    if (w === '-device' && v !== undefined) {
      i++;
      const [driver, ...props] = v.split(',');
      const kept = props.filter((p) => !/^(host|iommufd|caching-mode|accel)=/.test(p));
      out.push(w, [driver === 'vfio-pci' ? 'pci-testdev' : driver, ...kept].join(','));
    } else out.push(w);
  }
  return out;
}

async function plan(name: string, host: string, ...args: string[]): Promise<string> {
  const dir = join(tmp, name);
  const r = await runCli('plan', host, ...args, '--out', dir);
  expect(r.code, r.stderr).toBe(0);
  // What boot will run is the plan's line with stand-ins.
  const exported = await runCli('export', 'qemu', join(dir, 'guest.yaml'), '--qemu-version', '11.1', '--format', 'json');
  expect(exported.code, exported.stderr).toBe(0);
  expect(JSON.parse(exported.stdout)).toEqual(standIn(scriptWords(dir)));
  return dir;
}

async function planned(dir: string): Promise<Map<string, string | null>> {
  const r = await runCli('map', join(dir, 'guest.yaml'), '--format', 'json');
  expect(r.code).toBe(0);
  const devices = (JSON.parse(r.stdout) as { devices: { id: string; iommu: string | null }[] }).devices;
  return new Map(devices.filter((d) => d.id.startsWith('vfio-')).map((d) => [d.id, d.iommu]));
}

async function boot(dir: string, os: string): Promise<BootJson> {
  const run = await runCli('boot', join(dir, 'guest.yaml'), '--root', ROOT_LOOKUP.root!.path, '--format', 'json', '--os', os);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as BootJson;
}

reportMissingRoot('ridmap plan guests booted in the reference root');

describe.skipIf(ROOT_MISSING !== undefined)('ridmap plan guests booted in the reference root (QEMU 11.1, EDK2, ACPI; stand-ins for vfio-pci)', () => {
  it('two host SMMUv3s (tables/arm-two-smmuv3.yaml) give a virt guest two arm-smmuv3s; Linux 7.3 puts each device behind the one the plan says', async () => {
    const dir = await plan('arm-two', join(TABLES_DIR, 'arm-two-smmuv3.yaml'), '--assign', '11:00.0,12:00.0,21:00.0');
    const want = await planned(dir);
    expect(new Set(want.values())).toEqual(new Set(['smmuv3@0xc000000', 'smmuv3@0xc020000']));
    const r = await boot(dir, 'linux-7.3');
    expect([r.firmware, r.root.qemu.startsWith('11.1')]).toEqual(['acpi', true]);
    for (const [id, iommu] of want) expect(r.devices.find((d) => d.id === id)?.linux.iommu, id).toBe(iommu);
    expect(r.agree).toBe(true);
  }, BOOT_MS);

  it.skipIf(!existsSync(TWO_SMMU_SNAPSHOT))('a snapshot with devices behind two SMMUv3s (virt-smmuv3-two.tar.gz, Linux\'s own groups) gives two arm-smmuv3s; Linux 6.12 puts each device behind the planned one', async () => {
    const dir = await plan('snapshot-two', TWO_SMMU_SNAPSHOT, '--assign', '11:00.0,12:00.0,21:00.0,22:00.0');
    const want = await planned(dir);
    expect(want.size).toBe(4);
    expect(new Set(want.values())).toEqual(new Set(['smmuv3@0xc000000', 'smmuv3@0xc020000']));
    const r = await boot(dir, 'linux-6.12');
    for (const [id, iommu] of want) expect(r.devices.find((d) => d.id === id)?.linux.iommu, id).toBe(iommu);
    expect(r.agree).toBe(true);
  }, BOOT_MS);

  it('one host VT-d unit gives a q35 guest one intel-iommu; a host group of three functions stays one group behind its pcie-pci-bridge (Linux 6.12)', async () => {
    const dir = await plan('q35-one', join(TABLES_DIR, 'q35-vtd-per-pxb.yaml'), '--assign', '00:1f.0,00:1f.2,00:1f.3');
    const want = await planned(dir);
    expect(new Set(want.values())).toEqual(new Set(['vtd@0xfed90000']));
    const r = await boot(dir, 'linux-6.12');
    const got = [...want.keys()].map((id) => r.devices.find((d) => d.id === id)?.linux);
    for (const [i, [, iommu]] of [...want].entries()) expect(got[i]?.iommu).toBe(iommu);
    expect(new Set(got.map((l) => l?.group)).size).toBe(1);
    expect(r.agree).toBe(true);
  }, BOOT_MS);

  it.skipIf(!existsSync(VTD_SNAPSHOT))('a q35 snapshot\'s groups of two (behind a PCIe-to-PCI bridge; a multi-function device) each stay one guest group behind their own pcie-pci-bridge (Linux 6.12)', async () => {
    const dir = await plan('snapshot-vtd', VTD_SNAPSHOT, '--assign', '07:01.0,07:02.0,08:00.0,08:00.1');
    const want = await planned(dir);
    const r = await boot(dir, 'linux-6.12');
    const linux = (id: string) => r.devices.find((d) => d.id === id)?.linux;
    for (const [id, iommu] of want) expect(linux(id)?.iommu, id).toBe(iommu);
    expect(linux('vfio-0000-07-01.0')?.group).toBe(linux('vfio-0000-07-02.0')?.group);
    expect(linux('vfio-0000-08-00.0')?.group).toBe(linux('vfio-0000-08-00.1')?.group);
    expect(linux('vfio-0000-07-01.0')?.group).not.toBe(linux('vfio-0000-08-00.0')?.group);
    expect(r.agree).toBe(true);
  }, BOOT_MS);
});
