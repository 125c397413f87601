/**
 * `plan` from a HostSnapshot (Linux's own answer: each function's IOMMU and
 * group, the IOMMUs' registers), built here as the sysfs and lspci readers
 * will give it: the same rules as for a host topology, and the host IOMMUs'
 * compatibility read from their VT-d CAP/ECAP and AMD-Vi EFR registers.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFakeSysfs } from '../import/sysfs-fake.js';
import { runCli } from '../support/run-cli.js';
import { hostSbdf, type HostIommu, type HostPciFunction, type HostSnapshot } from '../../src/import/host/host-snapshot.js';
import { planGuest } from '../../src/plan/plan.js';
import { hostFromSnapshot } from '../../src/plan/plan-host.js';
import { amdViRegisterCapabilities, vtdRegisterCapabilities } from '../../src/plan/register-capabilities.js';

const fn = (bus: number, device: number, f: number, iommu: string | null, group: string | null, extra: Partial<HostPciFunction> = {}): HostPciFunction => ({
  segment: 0, bus, device, fn: f, sbdf: hostSbdf(0, bus, device, f), headerType: 0, iommu, group, ...extra,
});

/** CAP: SAGAW 4-level (bit 10), MGAW 48 (47 in 21:16), SLLPS 2 MiB + 1 GiB (34, 35). ECAP: C (0), SLTS (46). */
const CAP_48 = (1n << 10n) | (47n << 16n) | (3n << 34n);
const ECAP = 1n | (1n << 46n);
/** The same unit with 3-level tables only (SAGAW bit 1) and MGAW 39. */
const CAP_39 = (1n << 9n) | (38n << 16n) | (3n << 34n);

function snapshot(iommus: HostIommu[]): HostSnapshot {
  return {
    source: 'test-host',
    functions: [
      fn(0, 0, 0, null, null),
      fn(0, 1, 0, 'dmar0', '1', { headerType: 1, pcieType: 'root-port', secondaryBus: 1, subordinateBus: 1 }),
      fn(1, 0, 0, 'dmar0', '1'),
      fn(1, 0, 1, 'dmar0', '1'),
      fn(0x80, 2, 0, 'dmar1', '7'),
    ],
    iommus,
    tables: [],
    warnings: [],
  };
}

const TWO_UNITS: HostIommu[] = [
  { name: 'dmar0', address: 0xfbffc000n, registers: { cap: CAP_48, ecap: ECAP } },
  { name: 'dmar1', address: 0xc5ffc000n, registers: { cap: CAP_39, ecap: ECAP } },
];

describe('plan from a HostSnapshot', () => {
  it('takes Linux\'s groups: a group of two functions goes whole, behind one pcie-pci-bridge; the root port does not count', () => {
    const plan = planGuest(hostFromSnapshot(snapshot(TWO_UNITS)), { assign: ['0000:01:00.0', '0000:01:00.1'], machine: 'q35', viommu: 'intel-iommu' });
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan.viommus).toHaveLength(1);
    expect(plan.viommus[0]!.ports[0]!.bridge).toBe('br1-0');
    expect(plan.argv?.join(' ')).toContain('vfio-pci,host=0000:01:00.1,id=vfio-0000-01-00.1,bus=br1-0,addr=01.1');
  });

  it('refuses half of Linux\'s group, naming the function left out', () => {
    const plan = planGuest(hostFromSnapshot(snapshot(TWO_UNITS)), { assign: ['0000:01:00.0'], machine: 'q35', viommu: 'intel-iommu' });
    expect(plan.findings.map((f) => [f.code, f.message.includes('0000:01:00.1 is left out')])).toEqual([['plan-group-incomplete', true]]);
    expect(plan.topology).toBeUndefined();
  });

  it('refuses a group whose functions sit behind two host IOMMUs (one group, one vIOMMU)', () => {
    const s = snapshot(TWO_UNITS);
    s.functions.find((f) => f.sbdf === '0000:80:02.0')!.group = '1';
    const plan = planGuest(hostFromSnapshot(s), { assign: ['0000:01:00.0', '0000:01:00.1', '0000:80:02.0'], machine: 'virt', viommu: 'arm-smmuv3' });
    expect(plan.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.message.slice(0, 46)])).toEqual([['plan-group-split-iommu', 'IOMMU group 1 spans host IOMMUs dmar0, dmar1: ']]);
    expect(plan.topology).toBeUndefined();
  });

  it('says when the input does not show groups (lspci text) rather than calling the function groupless', () => {
    const s = snapshot(TWO_UNITS);
    s.source = 'lspci.txt';
    for (const f of s.functions) delete f.group;
    const plan = planGuest(hostFromSnapshot(s), { assign: ['0000:80:02.0'], machine: 'q35', viommu: 'intel-iommu' });
    expect(plan.findings.map((f) => f.code)).toEqual(['plan-no-iommu-group']);
    expect(plan.findings[0]!.message).toContain('lspci.txt does not say 0000:80:02.0\'s IOMMU group');
  });

  it('reads the reason two VT-d units cannot share an address space from their CAP registers (MGAW and SAGAW)', () => {
    const plan = planGuest(hostFromSnapshot(snapshot(TWO_UNITS)), { assign: ['0000:01:00.0', '0000:01:00.1', '0000:80:02.0'], machine: 'virt', viommu: 'arm-smmuv3' });
    expect(plan.viommus.map((v) => v.hostIommu)).toEqual(['dmar0', 'dmar1']);
    const why = plan.findings.find((f) => f.code === 'incompatible-iommus');
    expect(why?.severity).toBe('info');
    expect(why?.message).toContain('inputAddressBits differ (48 vs 39)');
    expect(plan.summary).toContain('note [incompatible-iommus]');
  });
});

describe('host IOMMU registers as capabilities', () => {
  it('VT-d: MGAW bounded by the deepest SAGAW, SLLPS super pages, ECAP.C, second stage; first stage with FLTS', () => {
    expect(vtdRegisterCapabilities(CAP_48, ECAP)).toEqual({ pageTableFormats: ['vtd-sl'], pageSizes: [4096, 2097152, 1073741824], inputAddressBits: 48, coherent: true, pasidBits: 0 });
    // MGAW 57 but 4-level tables only: 48 bits are walked.
    expect(vtdRegisterCapabilities((1n << 10n) | (56n << 16n), 0n).inputAddressBits).toBe(48);
    // Scalable mode without SLTS, with FLTS and FS1GP, PASID with PSS 19: first stage only, 20-bit PASIDs.
    const ecap = (1n << 43n) | (1n << 47n) | (1n << 40n) | (19n << 35n);
    expect(vtdRegisterCapabilities(CAP_48 | (1n << 56n), ecap)).toEqual({ pageTableFormats: ['vtd-fl'], pageSizes: [4096, 2097152, 1073741824], inputAddressBits: 48, coherent: false, pasidBits: 20 });
  });

  it('AMD-Vi EFR: GTSup adds v2 tables and PASmax, HATS gives the width', () => {
    expect(amdViRegisterCapabilities(0n)).toEqual({ pageTableFormats: ['amd-v1'], pasidBits: 0, inputAddressBits: 48 });
    expect(amdViRegisterCapabilities((1n << 4n) | (1n << 10n) | (15n << 32n))).toEqual({ pageTableFormats: ['amd-v1', 'amd-v2'], pasidBits: 16, inputAddressBits: 57 });
  });
});

describe('ridmap plan SNAPSHOT: a `ridmap snapshot` of a q35 guest with VT-d (test/import/sysfs-fake.ts)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ridmap-plan-snapshot-'));

  async function snapshot(): Promise<string> {
    const fake = makeFakeSysfs();
    const file = join(work, 'host.tar.gz');
    const before = process.env['RIDMAP_SYSFS_ROOT'];
    process.env['RIDMAP_SYSFS_ROOT'] = fake.root;
    try {
      const r = await runCli('snapshot', '-o', file);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      if (before === undefined) delete process.env['RIDMAP_SYSFS_ROOT'];
      else process.env['RIDMAP_SYSFS_ROOT'] = before;
    }
    return file;
  }

  it('plans the NVMe of Linux\'s group 1 (its root port does not count) behind one intel-iommu, with Linux\'s names', async () => {
    const host = await snapshot();
    const dir = join(work, 'plan');
    const r = await runCli('plan', host, '--assign', '0000:01:00.0', '--out', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('host IOMMU dmar0: vIOMMU viommu1 (intel-iommu), expander pcie.1');
    expect(r.stdout).toContain('0000:01:00.0 (host group 1) -> vfio-0000-01-00.0');
    expect(readFileSync(join(dir, 'qemu.sh'), 'utf8')).toContain('-device vfio-pci,host=0000:01:00.0,id=vfio-0000-01-00.0,bus=rp1-0,addr=00.0');
    expect(existsSync(join(dir, 'DMAR.dat'))).toBe(true);
  });

  it('refuses the root port of the group: a bridge stays with the host', async () => {
    const r = await runCli('plan', await snapshot(), '--assign', '00:1c.0', '--out', join(work, 'port'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [plan-assign-bridge]: 0000:00:1c.0 is a bridge or port');
  });
});
