/**
 * `-device arm-smmuv3,primary-bus=...` (QEMU 10.1+) through `ridmap import
 * qemu`: several SMMUv3s, one per root complex, at the platform-bus bases and
 * SPIs QEMU 11.1 gives them (its DT: the third one created at 0xc040000 with
 * SPIs 120-123), their capabilities from the properties, and pcie.0 without
 * an SMMU left untranslated with its MSIs still going to the ITS.
 */
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { formatBdf } from '../../src/model/rid.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';
import { ISSUE_LINE } from './smmuv3-lines.js';

async function importLine(...argv: string[]): Promise<{ topology: Topology; stderr: string }> {
  const run = await runCli('import', 'qemu', '--', ...argv);
  expect(run.code, run.stderr).toBe(0);
  return { topology: parseTopology(run.stdout, 'imported.yaml'), stderr: run.stderr };
}

describe('import qemu: -device arm-smmuv3', () => {
  it('the issue\'s line: each expander behind its own SMMU, pcie.0 untranslated, MSIs to the ITS', async () => {
    const { topology: t, stderr } = await importLine(...ISSUE_LINE);
    expect(t.iommus!.map((u) => [u.id, u.type, 'base' in u ? u.base : undefined, 'interrupts' in u ? u.interrupts : undefined])).toEqual([
      ['smmu1', 'smmuv3', 0xc000000, { event: 144, pri: 145, sync: 146, gerror: 147 }],
      ['smmu2', 'smmuv3', 0xc020000, { event: 148, pri: 149, sync: 150, gerror: 151 }],
    ]);
    expect(t.iommus!.every((u) => u.type === 'smmuv3' && u.msiController === 'its' && u.coherent)).toBe(true);
    expect(t.hostBridges!.map((h) => [h.id, h.iommu, h.bypassIommu, h.msiController])).toEqual([
      ['pcie.0', undefined, undefined, 'its'],
      ['pxb1', 'smmu1', undefined, 'its'],
      ['pxb2', 'smmu2', undefined, 'its'],
    ]);
    const r = resolveTopology(t);
    const where = Object.fromEntries(r.map.devices!.map((d) => [d.id, [formatBdf(d.rid), d.iommu ?? null]]));
    expect(where['net0']).toEqual(['00:03.0', null]);
    expect(where['net1']).toEqual(['11:00.0', 'smmuv3@0xc000000']);
    expect(where['net2']).toEqual(['21:00.0', 'smmuv3@0xc020000']);
    // QEMU 11.1 warns the same for each: under a DT the expanders' SMMUs do not exist.
    expect(stderr).toMatch(/argv\[5\]: warning \[qemu-acpi-only\].*SMMUv3 device only supported with pcie\.0 for DT/);
  });

  it('bases and SPIs follow the order of creation, not the bus (QEMU 11.1 DT: the third at 0xc040000, SPIs 120-123)', async () => {
    const { topology: t } = await importLine(
      '-M', 'virt', '-nodefaults',
      '-device', 'pxb-pcie,id=p1,bus_nr=0x10', '-device', 'arm-smmuv3,primary-bus=p1,id=s1',
      '-device', 'pxb-pcie,id=p2,bus_nr=0x20,bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=p2,id=s2',
      '-device', 'arm-smmuv3,primary-bus=pcie.0,id=s0',
    );
    const s0 = t.iommus!.find((u) => u.id === 's0')!;
    expect(s0).toMatchObject({ base: 0xc040000, interrupts: { event: 32 + 120, pri: 32 + 121, sync: 32 + 122, gerror: 32 + 123 } });
    expect(t.hostBridges!.map((h) => h.iommu)).toEqual(['s0', 's1', 's2']);
    const yaml = (await runCli('import', 'qemu', '--', '-M', 'virt', '-device', 'arm-smmuv3,primary-bus=pcie.0')).stdout;
    expect(yaml).toContain('# arm-smmuv3 on pcie.0: base and SPIs are virt\'s platform-bus slot 0 (SMMUs in creation order)');
  });

  it('capabilities: stage, oas and ssidsize as QEMU\'s SMMUv3 has them; unknown properties warn', async () => {
    const { topology: t, stderr } = await importLine(
      '-M', 'virt', '-nodefaults',
      '-device', 'arm-smmuv3,primary-bus=pcie.0,id=s,stage=nested,oas=44,ssidsize=0,ril=on,frobnicate=1',
    );
    expect(t.iommus![0]!.capabilities).toEqual({
      coherent: true, stall: false, pri: false, inputAddressBits: 48,
      pageTableFormats: ['arm-lpae-s1', 'arm-lpae-s2'], outputAddressBits: 44, pasidBits: 0,
    });
    expect(stderr).toMatch(/ril=on: range invalidation \(ril\) has no topology field/);
    expect(stderr).toMatch(/frobnicate: QEMU 11\.1's arm-smmuv3 has no such property/);
    const s2 = await importLine('-M', 'virt', '-nodefaults', '-device', 'arm-smmuv3,primary-bus=pcie.0,stage=2');
    expect(s2.topology.iommus![0]!.capabilities!.pageTableFormats).toEqual(['arm-lpae-s2']);
  });

  it('accel=on under KVM is taken, with a note on what it needs at run time; oas/ssidsize become the capabilities', async () => {
    const { topology: t, stderr } = await importLine(
      '-M', 'virt,gic-version=3', '-accel', 'kvm', '-nodefaults',
      '-device', 'arm-smmuv3,primary-bus=pcie.0,accel=on,oas=48,ssidsize=20,ats=on',
    );
    expect(t.iommus![0]!.capabilities).toMatchObject({ outputAddressBits: 48, pasidBits: 20 });
    expect(stderr).toMatch(/accel=on: QEMU nests this SMMU on the host's through iommufd/);
    expect(stderr).toMatch(/ats=on: ATS on the SMMU/);
  });

  it('--qemu-version older than 10.1 is refused, naming 10.1', async () => {
    const run = await runCli('import', 'qemu', '--qemu-version', '10.0', '--', '-M', 'virt', '-device', 'arm-smmuv3,primary-bus=pcie.0');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argv\[2\].*-device arm-smmuv3 needs QEMU 10\.1 or later/);
    expect((await runCli('import', 'qemu', '--qemu-version', '10.1', '--', '-M', 'virt', '-device', 'arm-smmuv3,primary-bus=pcie.0')).code).toBe(0);
  });

  it('a QEMU refusal is exit 2 naming the argument, in QEMU\'s words', async () => {
    const run = await runCli('import', 'qemu', '--', '-M', 'virt', '-device', 'arm-smmuv3,primary-bus=pcie.0', '-device', 'arm-smmuv3,primary-bus=pcie.0');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argv\[4\].*An iommu is already attached to this bus/);
  });
});
