/**
 * `coherent` (SMMUv3), `coherentWalk` (SMMUv1/v2) and `capabilities.coherent`
 * are one fact: `build` writes IORT's COHACC override / Coherent Walk flag
 * and the DT's dma-coherent from whichever is set, and refuses a topology
 * whose two keys disagree.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIort } from '../../src/acpi/iort/index.js';
import type { IortSmmu, IortSmmuV3 } from '../../src/acpi/iort/model.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-coherent-'));

function topology(smmu: string): string {
  return [
    'name: arm',
    'msiControllers:',
    '  - { id: its0, type: its, itsIds: [0], base: 0x8080000 }',
    'iommus:',
    `  - ${smmu}`,
    'hostBridges:',
    '  - { id: pcie.0, rootBus: 0, iommu: smmu0, msiController: its0, children: [{ id: nic0, type: rciep, addr: "01.0" }] }',
    '',
  ].join('\n');
}

async function build(name: string, smmu: string) {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, topology(smmu));
  const out = join(tmp, name);
  const run = await runCli('build', file, '--out', out);
  return { run, out };
}

describe('one coherency fact, two keys (build through the CLI)', () => {
  const v3 = '{ id: smmu0, type: smmuv3, base: 0x9050000, msiController: its0, interrupts: { event: 106, pri: 107, sync: 108, gerror: 109 }';
  const v2 = '{ id: smmu0, type: smmuv2, base: 0x5000000, span: 0x800000, msiController: its0';

  it('SMMUv3 with capabilities.coherent only: COHACC override set, dma-coherent in the DT (was COHACC 0)', async () => {
    const { run, out } = await build('v3-capability', `${v3}, capabilities: { coherent: true } }`);
    expect(run.code, run.stderr).toBe(0);
    const smmu = decodeIort(new Uint8Array(readFileSync(join(out, 'IORT.dat')))).table.nodes[1] as IortSmmuV3;
    expect(smmu.flags & 1).toBe(1);
    expect(readFileSync(join(out, 'board.dts'), 'utf8')).toMatch(/iommu@9050000 \{[^}]*dma-coherent;/);
  });

  it('SMMUv2 with capabilities.coherent only: Coherent Walk set', async () => {
    const { run, out } = await build('v2-capability', `${v2}, capabilities: { coherent: true } }`);
    expect(run.code, run.stderr).toBe(0);
    const smmu = decodeIort(new Uint8Array(readFileSync(join(out, 'IORT.dat')))).table.nodes[1] as IortSmmu;
    expect(smmu.flags & 2).toBe(2);
  });

  it('SMMUv3 with coherent only, as the examples and import qemu write it: COHACC override set', async () => {
    const { run, out } = await build('v3-own', `${v3}, coherent: true }`);
    expect(run.code, run.stderr).toBe(0);
    expect((decodeIort(new Uint8Array(readFileSync(join(out, 'IORT.dat')))).table.nodes[1] as IortSmmuV3).flags & 1).toBe(1);
  });

  it('the two keys disagreeing: refused with coherent-disagree at capabilities.coherent (exit 2)', async () => {
    const { run } = await build('v3-disagree', `${v3}, coherent: false, capabilities: { coherent: true } }`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/iommus\[0\]\.capabilities\.coherent: error \[coherent-disagree\]: coherent: false and capabilities\.coherent: true say opposite things/);
  });
});
