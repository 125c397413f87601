/**
 * The IOMMU devices' properties of today's QEMU, by release, as the unit's
 * capabilities (iommu-props.ts). Facts: `-device X,help`, QEMU's errors and
 * the VT-d CAP/ECAP registers read over qtest, QEMU 7.2 and 11.1.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';

const imported = async (...argv: string[]) => {
  const run = await runCli('import', 'qemu', ...argv);
  expect(run.code, run.stderr).toBe(0);
  return { t: parseTopology(run.stdout, 'imported.yaml') as Topology, stderr: run.stderr, yaml: run.stdout };
};
const q35 = (device: string, ...opts: string[]) => imported(...opts, '--', '-M', 'q35', '-nodefaults', '-device', device);
const refused = async (device: string, message: string) => {
  const run = await runCli('import', 'qemu', '--', '-M', 'q35', '-nodefaults', '-device', device);
  expect(run.code, device).toBe(2);
  expect(run.stderr).toContain(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
};

describe('intel-iommu properties', () => {
  it('legacy mode: second-stage tables, 4K/2M/1G pages, aw-bits as the input width, no PASIDs', async () => {
    expect((await q35('intel-iommu,aw-bits=39')).t.iommus![0]!.capabilities).toEqual({
      pageTableFormats: ['vtd-sl'], pageSizes: [4096, 2097152, 1073741824], inputAddressBits: 39, pasidBits: 0,
    });
  });

  it('scalable-mode (x-scalable-mode in 7.2) with pasid-bits, and first-stage translation (fsts; x-flts in 10.x) walking first-stage tables', async () => {
    expect((await q35('intel-iommu,scalable-mode=on,pasid-bits=16')).t.iommus![0]!.capabilities).toMatchObject({ pageTableFormats: ['vtd-sl'], pasidBits: 16 });
    expect((await q35('intel-iommu,scalable-mode=on,fsts=on')).t.iommus![0]!.capabilities).toMatchObject({ pageTableFormats: ['vtd-fl'], pageSizes: [4096, 2097152, 1073741824] });
    expect((await q35('intel-iommu,scalable-mode=on,fsts=on,fs1gp=off')).t.iommus![0]!.capabilities).toMatchObject({ pageSizes: [4096, 2097152] });
    expect((await q35('intel-iommu,x-scalable-mode=on,x-flts=on')).t.iommus![0]!.capabilities).toMatchObject({ pageTableFormats: ['vtd-fl'] });
  });

  it('x-pasid-mode: 8-bit PASIDs in QEMU 7.2; another release gets a warning and no pasidBits', async () => {
    const old = await q35('intel-iommu,x-scalable-mode=on,x-pasid-mode=on', '--qemu-version', '7.2');
    expect(old.t.iommus![0]!.capabilities).toMatchObject({ pasidBits: 8, inputAddressBits: 39 });
    const other = await q35('intel-iommu,x-scalable-mode=on,x-pasid-mode=on', '--qemu-version', '9.0');
    expect(other.t.iommus![0]!.capabilities!.pasidBits).toBeUndefined();
    expect(other.stderr).toContain('x-pasid-mode: its PASID width is known for QEMU 7.2 only (8 bits)');
  });

  it('refuses what QEMU refuses, and dma-translation=off, whose unit Linux does not translate with', async () => {
    await refused('intel-iommu,fsts=on', 'fsts (first-stage translation) needs scalable-mode=on');
    await refused('intel-iommu,scalable-mode=on,fsts=on,aw-bits=39', 'aw-bits=39 with fsts=on');
    await refused('intel-iommu,pasid-bits=20', 'PASIDs need scalable-mode=on');
    await refused('intel-iommu,scalable-mode=on,pasid-bits=21', 'pasid-bits=21: QEMU allows at most 20');
    await refused('intel-iommu,svm=on', 'svm=on needs device-iotlb=on');
    await refused('intel-iommu,dma-translation=off', 'dma-translation=off: QEMU\'s unit then reports no address widths (CAP.SAGAW 0)');
  });

  it('takes the properties with no table effect silently, and warns about unknown or unmodelled ones', async () => {
    expect((await q35('intel-iommu,caching-mode=on,snoop-control=on,eim=off,dma-translation=on')).stderr).toBe('');
    const warned = await q35('intel-iommu,scalable-mode=on,device-iotlb=on,svm=on,x-frobnicate=on');
    expect(warned.stderr).toContain('svm: shared virtual memory (PRS and PASID use by devices) is not modelled; ignored');
    expect(warned.stderr).toContain('x-frobnicate: not a property ridmap knows for intel-iommu; ignored');
  });

  it('export qemu carries the legacy-mode capabilities import gives, and says so of others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-vtd-props-'));
    const write = (name: string, yaml: string) => { const f = join(dir, name); writeFileSync(f, yaml); return f; };
    const legacy = await runCli('export', 'qemu', write('legacy.yaml', (await q35('intel-iommu')).yaml));
    expect(legacy.code, legacy.stderr).toBe(0);
    expect(legacy.stderr).not.toContain('capabilities');
    const fl = await runCli('export', 'qemu', write('fl.yaml', (await q35('intel-iommu,scalable-mode=on,fsts=on')).yaml));
    expect(fl.code, fl.stderr).toBe(0);
    expect(fl.stderr).toContain('capabilities: the line gives QEMU\'s legacy-mode unit');
  });
});

describe('virtio-iommu-pci properties', () => {
  it('QEMU 9.0 and later: granule host (left out of pageSizes, said in the header), aw-bits 39 on q35 and 48 on Arm virt', async () => {
    const x86 = await q35('virtio-iommu-pci');
    expect(x86.t.iommus![0]!.capabilities).toEqual({ pageTableFormats: ['virtio'], inputAddressBits: 39 });
    expect(x86.yaml).toContain('# virtio-iommu granule host (QEMU\'s default from 9.0)');
    const arm = await imported('--', '-M', 'virt', '-nodefaults', '-device', 'virtio-iommu-pci');
    expect(arm.t.iommus![0]!.capabilities).toEqual({ pageTableFormats: ['virtio'], inputAddressBits: 48 });
  });

  it('before 9.0 (or an older machine type): 4 KiB granule and 64-bit input', async () => {
    const expected = { pageTableFormats: ['virtio'], pageSizes: [4096], inputAddressBits: 64 };
    expect((await q35('virtio-iommu-pci', '--qemu-version', '8.2')).t.iommus![0]!.capabilities).toEqual(expected);
    expect((await imported('--', '-M', 'pc-q35-8.2', '-nodefaults', '-device', 'virtio-iommu-pci')).t.iommus![0]!.capabilities).toEqual(expected);
  });

  it('granule and aw-bits as given; boot-bypass said in the header', async () => {
    const t = await q35('virtio-iommu-pci,granule=64k,aw-bits=48,boot-bypass=off');
    expect(t.t.iommus![0]!.capabilities).toEqual({ pageTableFormats: ['virtio'], pageSizes: [65536], inputAddressBits: 48 });
    expect(t.yaml).toContain('# virtio-iommu boot-bypass off: devices can do no DMA at all until');
    expect((await q35('virtio-iommu-pci')).yaml).toContain('# virtio-iommu boot-bypass on (QEMU\'s default): until Linux\'s virtio-iommu driver attaches a device, its DMA goes untranslated');
    await refused('virtio-iommu-pci,granule=2m', 'granule=2m: QEMU takes 4k, 8k, 16k, 64k, host');
    expect((await q35('virtio-iommu-pci,granule=4k', '--qemu-version', '7.2')).stderr).toContain('granule is a property of QEMU 9.0 and later; QEMU 7.2 refuses it');
  });
});

describe('amd-iommu properties', () => {
  it('device-iotlb and dma-remap leave QEMU 11.1\'s IVRS as it is; an unknown one is a warning; dma-translation=off is refused', async () => {
    expect((await q35('amd-iommu,device-iotlb=on,dma-remap=on')).stderr).toBe('');
    expect((await q35('amd-iommu,x-frobnicate=1')).stderr).toContain('x-frobnicate: not a property ridmap knows for amd-iommu; ignored');
    await refused('amd-iommu,dma-translation=off', 'dma-translation=off: QEMU then sets HATDis in its IVHD 11h attributes');
  });

  it('QEMU 7.2 writes the IVHD 10h alone: the unit has no efr then (and xtsup, which 7.2 has not, is a warning); 11.1 has the EFR image', async () => {
    const old = await q35('amd-iommu', '--qemu-version', '7.2');
    expect(old.t.iommus![0]).not.toHaveProperty('efr');
    expect(old.yaml).toContain('# amd-vi: QEMU 7.2 writes the IVHD 10h alone and IVinfo without EFRSup, so the unit has no efr.');
    expect((await q35('amd-iommu,xtsup=on', '--qemu-version', '7.2')).stderr).toContain('xtsup: QEMU 7.2\'s amd-iommu has no such property');
    expect((await q35('amd-iommu')).t.iommus![0]).toHaveProperty('efr', 0x29d3);
  });
});

describe('riscv-iommu-pci properties', () => {
  const riscv = (device: string) => imported('--', 'qemu-system-riscv64', '-M', 'virt', '-device', device);

  it('pas-bits is the unit\'s PASID width (0 by default); none changes QEMU 11.1\'s RIMT; a stage switched off is a warning', async () => {
    expect((await riscv('riscv-iommu-pci')).t.iommus![0]!.capabilities).toEqual({ pasidBits: 0 });
    expect((await riscv('riscv-iommu-pci,pas-bits=20')).t.iommus![0]!.capabilities).toEqual({ pasidBits: 20 });
    expect((await riscv('riscv-iommu-pci,s-stage=off')).stderr).toContain('s-stage=off: the unit loses its first-stage page tables');
    const run = await runCli('import', 'qemu', '--', 'qemu-system-riscv64', '-M', 'virt', '-device', 'riscv-iommu-pci,pas-bits=21');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pas-bits=21: a PASID has at most 20 bits');
  });
});

describe('intel-iommu mode property names by release', () => {
  it('warns when the release named has not got the spelling used (x-scalable-mode in 7.2, scalable-mode in 11.1)', async () => {
    expect((await q35('intel-iommu,x-scalable-mode=on', '--qemu-version', '7.2')).stderr).toBe('');
    expect((await q35('intel-iommu,scalable-mode=on', '--qemu-version', '7.2')).stderr).toContain('QEMU 7.2\'s intel-iommu has no scalable-mode (its mode properties: x-scalable-mode, x-pasid-mode)');
    expect((await q35('intel-iommu,x-scalable-mode=on')).stderr).toContain('QEMU 11.1\'s intel-iommu has no x-scalable-mode');
    expect((await q35('intel-iommu,scalable-mode=on,fsts=on,pasid-bits=8')).stderr).toBe('');
    // A release between the two checked ones is not second-guessed.
    expect((await q35('intel-iommu,x-scalable-mode=on,x-flts=on', '--qemu-version', '10.0')).stderr).toBe('');
  });
});
