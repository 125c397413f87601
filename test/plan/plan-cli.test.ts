/**
 * `ridmap plan` through the CLI: each rule and refusal with its exit code,
 * and the files a plan writes (the guest topology mapped back gives every
 * assigned function the vIOMMU the plan names).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { TABLES_DIR } from '../support/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-plan-'));
const out = (name: string) => join(tmp, name);
const ARM_TWO = join(TABLES_DIR, 'arm-two-smmuv3.yaml');
const Q35_THREE = join(TABLES_DIR, 'q35-vtd-per-pxb.yaml');

interface MapJson {
  devices: { id: string; bdf: string; iommu: string | null; group: string }[];
}

async function guestMap(dir: string): Promise<Map<string, { iommu: string | null; group: string; bdf: string }>> {
  const r = await runCli('map', join(dir, 'guest.yaml'), '--format', 'json');
  expect(r.code).toBe(0);
  return new Map((JSON.parse(r.stdout) as MapJson).devices.map((d) => [d.id, d]));
}

describe('ridmap plan: devices behind two host IOMMUs', () => {
  it('gives an Arm virt guest two arm-smmuv3s, each on its own expander, and writes the set', async () => {
    const dir = out('arm-two');
    const r = await runCli('plan', ARM_TWO, '--assign', '0000:11:00.0,0000:12:00.0', '--assign', '21:00.0', '--out', dir);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    for (const f of ['guest.yaml', 'qemu.sh', 'IORT.dat', 'map.json', 'plan.txt']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(r.stdout).toContain('host IOMMU smmuv3.1 (smmuv3@0xc000000): vIOMMU viommu1 (arm-smmuv3), expander pcie.1');
    expect(r.stdout).toContain('host IOMMU smmuv3.2 (smmuv3@0xc020000): vIOMMU viommu2 (arm-smmuv3), expander pcie.2');
    expect(readFileSync(join(dir, 'plan.txt'), 'utf8')).toBe(r.stdout);
    const sh = readFileSync(join(dir, 'qemu.sh'), 'utf8');
    expect(sh).toContain('-device vfio-pci,host=0000:11:00.0,iommufd=iommufd0,id=vfio-0000-11-00.0,bus=rp1-0,addr=00.0');
    expect(sh).toContain('-device vfio-pci,host=0000:21:00.0,iommufd=iommufd0,id=vfio-0000-21-00.0,bus=rp2-0,addr=00.0');
    expect(sh).toContain('-device arm-smmuv3,primary-bus=pcie.1,id=viommu1,accel=on');
    expect(sh).toContain('-device arm-smmuv3,primary-bus=pcie.2,id=viommu2,accel=on');
    expect(sh).not.toContain('pci-testdev');
    const map = await guestMap(dir);
    expect(map.get('vfio-0000-11-00.0')?.iommu).toBe('smmuv3@0xc000000');
    expect(map.get('vfio-0000-12-00.0')?.iommu).toBe('smmuv3@0xc000000');
    expect(map.get('vfio-0000-21-00.0')?.iommu).toBe('smmuv3@0xc020000');
    const guest = readFileSync(join(dir, 'guest.yaml'), 'utf8');
    expect(guest).toContain('Planned by `ridmap plan`');
    expect(guest).toMatch(/addressSpaces:\s*\n\s*- id: space1\s*\n\s*devices: \[ vfio-0000-11-00.0, vfio-0000-12-00.0 \]\s*\n\s*- id: space2/);
  });

  it('refuses two host IOMMUs on q35 (one intel-iommu per machine), says what would work, writes nothing', async () => {
    const dir = out('q35-two');
    const r = await runCli('plan', Q35_THREE, '--assign', '11:00.0,21:00.0', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [plan-too-many-viommus]');
    expect(r.stderr).toContain('"QEMU does not support multiple vIOMMUs for x86 yet"');
    expect(r.stderr).toContain('--machine virt --viommu arm-smmuv3');
    expect(existsSync(dir)).toBe(false);
  });

  it('--tables-only still writes the guest and its DMAR with one VT-d unit per expander, but no qemu.sh', async () => {
    const dir = out('q35-two-tables');
    const r = await runCli('plan', Q35_THREE, '--assign', '11:00.0,21:00.0', '--out', dir, '--tables-only');
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'DMAR.dat'))).toBe(true);
    expect(existsSync(join(dir, 'qemu.sh'))).toBe(false);
    const map = await guestMap(dir);
    expect(map.get('vfio-0000-11-00.0')?.iommu).toBe('vtd@0xfed90000');
    expect(map.get('vfio-0000-21-00.0')?.iommu).toBe('vtd@0xfed91000');
  });

  it('refuses two host IOMMUs for one virtio-iommu on virt and names arm-smmuv3', async () => {
    const r = await runCli('plan', ARM_TWO, '--assign', '11:00.0,21:00.0', '--viommu', 'virtio-iommu', '--out', out('virt-virtio'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"virt machine does not support multiple IOMMUs"');
    expect(r.stderr).toContain('`--viommu arm-smmuv3`');
  });

  it('--tables-only draws several units for intel-iommu only', async () => {
    const r = await runCli('plan', Q35_THREE, '--assign', '11:00.0,21:00.0', '--viommu', 'virtio-iommu', '--tables-only', '--out', out('virtio-two'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [plan-tables-only-model]');
    expect(existsSync(out('virtio-two'))).toBe(false);
  });

  it('prints why incompatible host IOMMUs keep separate address spaces (the incompatible-iommus comparison)', async () => {
    const host = join(tmp, 'narrow-vtd2.yaml');
    writeFileSync(host, readFileSync(Q35_THREE, 'utf8').replace('pageSizes: [4096, 2097152] }', 'pageSizes: [4096, 2097152], inputAddressBits: 39 }').replace(/(id: vtd2[\s\S]*?)inputAddressBits: 48, /, '$1'));
    const r = await runCli('plan', host, '--assign', '11:00.0,21:00.0', '--out', out('narrow'), '--tables-only');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('note [incompatible-iommus]: kept in separate guest address spaces, one per host IOMMU');
    expect(r.stdout).toContain('inputAddressBits differ (48 vs 39)');
  });
});

describe('ridmap plan: one host IOMMU on q35', () => {
  it('gives intel-iommu with caching-mode=on (QEMU wants it for vfio-pci) and one root port per slot', async () => {
    const dir = out('q35-one');
    const r = await runCli('plan', Q35_THREE, '--assign', '11:00.0,12:00.0', '--out', dir);
    expect(r.code).toBe(0);
    const sh = readFileSync(join(dir, 'qemu.sh'), 'utf8');
    expect(sh).toMatch(/-device intel-iommu,id=viommu1,[^\n]*caching-mode=on/);
    expect(sh).toContain('-device vfio-pci,host=0000:11:00.0,id=vfio-0000-11-00.0,bus=rp1-0,addr=00.0');
    expect(sh).toContain('-device vfio-pci,host=0000:12:00.0,id=vfio-0000-12-00.0,bus=rp1-1,addr=00.0');
    expect(existsSync(join(dir, 'DMAR.dat'))).toBe(true);
  });

  it('puts a host group of several endpoints behind one pcie-pci-bridge, so the guest keeps it one group', async () => {
    const dir = out('q35-shared');
    const r = await runCli('plan', Q35_THREE, '--assign', '00:1f.0,00:1f.2,00:1f.3', '--out', dir);
    expect(r.code).toBe(0);
    const sh = readFileSync(join(dir, 'qemu.sh'), 'utf8');
    expect(sh).toContain('-device pcie-pci-bridge,id=br1-0,bus=rp1-0,addr=00.0');
    expect(sh).toContain('-device vfio-pci,host=0000:00:1f.0,id=vfio-0000-00-1f.0,bus=br1-0,addr=01.0,multifunction=on');
    const map = await guestMap(dir);
    const groups = new Set(['vfio-0000-00-1f.0', 'vfio-0000-00-1f.2', 'vfio-0000-00-1f.3'].map((id) => map.get(id)?.group));
    expect(groups.size).toBe(1);
  });

  it('reads --assign-file: one BDF a line, # comments', async () => {
    const list = join(tmp, 'assign.txt');
    writeFileSync(list, '# the two NICs\n0000:11:00.0  # first\n\n12:00.0\n');
    const r = await runCli('plan', Q35_THREE, '--assign-file', list, '--out', out('q35-file'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0000:12:00.0 (host group g8) -> vfio-0000-12-00.0');
  });
});

describe('ridmap plan: what cannot work (exit 1, nothing written)', () => {
  it('a group not assigned whole names the members left out', async () => {
    const dir = out('incomplete');
    const r = await runCli('plan', Q35_THREE, '--assign', '00:1f.2', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [plan-group-incomplete]: IOMMU group g4 (0000:00:1f.0, 0000:00:1f.2, 0000:00:1f.3) is not assigned whole: 0000:00:1f.0, 0000:00:1f.3 are left out');
    expect(existsSync(dir)).toBe(false);
  });

  it('a bridge or port', async () => {
    const r = await runCli('plan', Q35_THREE, '--assign', '10:00.0', '--out', out('bridge'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [plan-assign-bridge]: 0000:10:00.0 is a bridge or port');
  });

  it('a function no IOMMU translates (no group)', async () => {
    const r = await runCli('plan', join(TABLES_DIR, 'q35-virtio-iommu-pxb.yaml'), '--assign', '00:01.0', '--out', out('no-group'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [plan-no-iommu-group]: 0000:00:01.0 has no IOMMU group');
  });
});

describe('ridmap plan: bad usage (exit 2)', () => {
  it.each([
    ['no --assign', []],
    ['a malformed BDF', ['--assign', '11:00']],
    ['a BDF the host has not', ['--assign', '0000:33:00.0']],
    ['a vIOMMU the machine has not', ['--assign', '11:00.0', '--machine', 'q35', '--viommu', 'arm-smmuv3']],
  ])('%s', async (_, args) => {
    const r = await runCli('plan', Q35_THREE, ...args, '--out', out('usage'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plan-usage|error/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('ridmap plan: what each vIOMMU needs before QEMU lets vfio-pci behind it, by QEMU release', () => {
  it('amd-iommu gets dma-remap=on for QEMU 11.1; 7.2 has none and refuses vfio-pci (exit 1); an unchecked release is warned about', async () => {
    const dir = out('amd-11');
    const r = await runCli('plan', Q35_THREE, '--assign', '11:00.0', '--viommu', 'amd-iommu', '--out', dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'qemu.sh'), 'utf8')).toMatch(/-device amd-iommu,id=viommu1,[^\n]*dma-remap=on/);
    const old = await runCli('plan', Q35_THREE, '--assign', '11:00.0', '--viommu', 'amd-iommu', '--qemu-version', '7.2', '--out', out('amd-7'));
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('error [plan-viommu-vfio]: QEMU 7.2\'s amd-iommu has no dma-remap and refuses vfio-pci behind it');
    expect(existsSync(out('amd-7'))).toBe(false);
    const mid = await runCli('plan', Q35_THREE, '--assign', '11:00.0', '--viommu', 'amd-iommu', '--qemu-version', '9.2', '--out', out('amd-9'));
    expect(mid.code).toBe(0);
    expect(mid.stderr).toContain('warning [plan-viommu-vfio]: QEMU 9.2: amd-iommu takes vfio-pci only with dma-remap=on');
    expect(readFileSync(join(out('amd-9'), 'qemu.sh'), 'utf8')).not.toContain('dma-remap');
  });

  it('arm-smmuv3 for a QEMU before 10.1 (no -device arm-smmuv3) is bad usage, naming what would work', async () => {
    const r = await runCli('plan', ARM_TWO, '--assign', '11:00.0', '--qemu-version', '9.2', '--out', out('arm-9'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('QEMU creates -device arm-smmuv3 (one per expander) from 10.1 on; for an older QEMU plan with --viommu virtio-iommu');
  });

  it('virtio-iommu takes vfio-pci as it is', async () => {
    const dir = out('virtio');
    const r = await runCli('plan', Q35_THREE, '--assign', '11:00.0', '--viommu', 'virtio-iommu', '--out', dir);
    expect(r.code).toBe(0);
    const sh = readFileSync(join(dir, 'qemu.sh'), 'utf8');
    expect(sh).toContain('-device virtio-iommu-pci,id=viommu1,bus=pcie.0,addr=02.0');
    expect(sh).toContain('-device vfio-pci,host=0000:11:00.0,id=vfio-0000-11-00.0,bus=rp1-0,addr=00.0');
  });
});
