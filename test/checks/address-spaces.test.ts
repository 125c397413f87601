/**
 * `ridmap check` on a topology whose address space spans three vIOMMUs, two
 * of them compatible: the finding names each conflicting pair and the
 * property that differs, and says which devices could share a vIOMMU
 * instead (issue 18, seed 004).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-address-spaces-'));

/** Three SMMUv3s, one per expander; smmu2 maps 64 KiB pages only (a host SMMU with a 64 KiB granule). */
function threeSmmus(pageSizes2: number[]): string {
  const smmu = (n: number, pageSizes: number[]) =>
    `  - { id: smmu${n}, type: smmuv3, base: ${0xc000000 + (n - 1) * 0x20000}, msiController: its0, ` +
    `capabilities: { pageTableFormats: [arm-lpae-s1], inputAddressBits: 48, pageSizes: [${pageSizes.join(', ')}] } }`;
  const pxb = (n: number) => [
    `  - id: pxb${n}`,
    '    expander: true',
    `    rootBus: ${n * 0x10}`,
    `    iommu: smmu${n}`,
    '    msiController: its0',
    '    children:',
    `      - id: rp${n}`,
    '        type: pcie-root-port',
    '        addr: "00.0"',
    '        children:',
    `          - { id: vfio${n}, type: pcie-endpoint, addr: "00.0", model: vfio-pci }`,
  ].join('\n');
  return [
    'name: three-smmus',
    'msiControllers:',
    '  - { id: its0, type: its, itsIds: [0], base: 0x8080000 }',
    'iommus:',
    smmu(1, [4096, 2097152]),
    smmu(2, pageSizes2),
    smmu(3, [4096, 2097152, 1073741824]),
    'hostBridges:',
    '  - id: pcie.0',
    '    msiController: its0',
    '    children:',
    '      - { id: pxb1-dev, type: rciep, addr: "01.0", model: pxb-pcie }',
    '      - { id: pxb2-dev, type: rciep, addr: "02.0", model: pxb-pcie }',
    '      - { id: pxb3-dev, type: rciep, addr: "03.0", model: pxb-pcie }',
    pxb(1),
    pxb(2),
    pxb(3),
    'addressSpaces:',
    '  - { id: guest, devices: [vfio1, vfio2, vfio3] }',
    '',
  ].join('\n');
}

function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe('check: an address space over three vIOMMUs, two of them compatible', () => {
  it('names each conflict and its property, and splits the devices by compatible units', async () => {
    const file = write('three.yaml', threeSmmus([65536, 536870912]));
    const run = await runCli('check', file, '--format', 'json');
    expect(run.code).toBe(1);
    const { findings } = JSON.parse(run.stdout) as { findings: { code: string; path: string; message: string }[] };
    const found = findings.filter((f) => f.code === 'incompatible-iommus');
    expect(found).toHaveLength(1);
    expect(found[0]!.path).toBe('addressSpaces[0]');
    const message = found[0]!.message;
    expect(message).toContain(
      'smmu1 (smmuv3@0xc000000: vfio1) and smmu2 (smmuv3@0xc020000: vfio2): pageSizes [4 KiB, 2 MiB] and [64 KiB, 512 MiB] have none in common; ' +
        'granules differ (pageSizes start at 4 KiB vs 64 KiB): a mapping smaller than 64 KiB, or not aligned to it, fails on smmu2',
    );
    expect(message).toContain('smmu2 (smmuv3@0xc020000: vfio2) and smmu3 (smmuv3@0xc040000: vfio3): pageSizes');
    // smmu1 and smmu3 share 4 KiB and 2 MiB with one granule: no conflict between them.
    expect(message).not.toContain('smmu1 (smmuv3@0xc000000: vfio1) and smmu3');
    expect(message).toContain('Devices that could share a vIOMMU (one address space each) instead: {vfio1, vfio3} behind smmu1, smmu3; {vfio2} behind smmu2');
  });

  it('the same space is no finding once every unit maps 4 KiB pages', async () => {
    const file = write('compatible.yaml', threeSmmus([4096, 65536]));
    const run = await runCli('check', file, '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: { code: string }[] };
    expect(findings.map((f) => f.code)).not.toContain('incompatible-iommus');
    expect(run.code).toBe(0);
  });

  it('a page size that is not a power of two is refused with its path (exit 2)', async () => {
    const file = write('bad.yaml', threeSmmus([65536, 12288]));
    const run = await runCli('check', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('iommus[1].capabilities.pageSizes[1]');
    expect(run.stderr).toContain('[bad-page-size]');
    expect(run.stderr).toContain('page size 12288 (0x3000) is not a power of two');
  });
});
