/**
 * The MSI side of the map on Arm through the CLI (`map`, `which`): which ITS
 * and which DeviceID each RID's and each device's MSIs reach, from IORT
 * (root complex → ITS group, or through an SMMUv3's own mapping), from DT
 * msi-map and msi-parent, and from a topology's msiControllers; a device
 * behind a PCIe-to-PCI bridge sends its MSIs with the bridge's alias
 * (get_msi_id_cb), and every format ridmap builds agrees on every DeviceID.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAVE_CORPUS, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const QEMU = join(CORPUS_DIR, 'qemu-expected');

interface DeviceJson {
  id: string;
  bdf: string;
  msi?: { its: string; deviceId: number; bdf: string } | null;
}

async function mapJson(...args: string[]) {
  const run = await runCli('map', ...args, '--format', 'json');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

describe.skipIf(!HAVE_CORPUS)('MSI side of corpus IORTs', () => {
  it('QEMU virt IORT rev 0 (ITS group + root complex, no SMMU): every RID reaches ITS 0 with DeviceID = RID, nothing is translated', async () => {
    const j = await mapJson(join(QEMU, 'older/0a93293eb2ff/tests/data/acpi/virt/IORT'));
    expect(j.translations).toEqual([]);
    expect(j.msi).toEqual([{ segment: 0, first: '00:00.0', last: 'ff:1f.7', its: 'its#0', deviceIdBase: 0, source: 'IORT' }]);
  });

  it('an IORT without an ITS group has no MSI side (GICv2m or none: not IORT\'s business)', async () => {
    const j = await mapJson(join(QEMU, 'tests/data/acpi/aarch64/virt/IORT.smmuv3-dev'));
    expect(j.msi).toBeUndefined();
  });

  it('a real IORT (CIX Sky1, root complex → SMMUv3 → ITS): which names the ITS, the DeviceID and the mapping that decides', async () => {
    const file = join(CORPUS_DIR, 'real/libmuy-orion-o6-drivers/acpi/iort.dat');
    const run = await runCli('which', '00:01.0', file, '--format', 'json');
    expect(run.code).toBe(0);
    const j = JSON.parse(run.stdout);
    expect(j.iommu).toBe('smmuv3@0xb010000');
    expect(j.msi).toEqual({ its: 'its#0', deviceId: 8, bdf: '00:01.0', entry: { bdf: '00:01.0', table: 'IORT', file, path: 'IORT/RootComplex[0]/IdMapping[0]', offset: 0xc8 } });
  });
});

describe('MSI side of ridmap-built Arm topologies', () => {
  for (const name of ['arm-smmuv3-its', 'arm-two-smmuv3', 'arm-virt-smmuv3']) {
    it(`${name}: the topology, its IORT and its DTS give every device the same DeviceID`, async () => {
      const topology = join(TABLES_DIR, `${name}.yaml`);
      const out = mkdtempSync(join(tmpdir(), 'ridmap-msi-'));
      expect((await runCli('build', topology, '--out', out)).code).toBe(0);
      const own: DeviceJson[] = (await mapJson(topology)).devices;
      const iort: DeviceJson[] = (await mapJson(join(out, 'IORT.dat'), '--topology', topology)).devices;
      const dt: DeviceJson[] = (await mapJson(join(out, 'board.dts'), '--topology', topology)).devices;
      const ids = (ds: DeviceJson[]) => ds.map((d) => `${d.id} ${d.msi ? `${d.msi.bdf} ${d.msi.deviceId}` : 'none'}`);
      expect(own.every((d) => d.msi)).toBe(true);
      expect(ids(iort)).toEqual(ids(own));
      expect(ids(dt)).toEqual(ids(own));
      // The ITS by its base where the format knows it (topology, DT), by its translation ID in the IORT.
      expect(new Set(own.map((d) => d.msi!.its))).toEqual(new Set(['its@0x8080000']));
      expect(new Set(dt.map((d) => d.msi!.its))).toEqual(new Set(['its@0x8080000']));
      expect(new Set(iort.map((d) => d.msi!.its))).toEqual(new Set(['its#0']));
    });
  }

  it('a platform device (eth-mmio, a named component behind the SMMU): topology, IORT and DTS give its MSIs DeviceID 0x10000', async () => {
    const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
    const out = mkdtempSync(join(tmpdir(), 'ridmap-msi-nc-'));
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const mmio = async (...args: string[]) => (await mapJson(...args)).mmio.map((m: { id: string; msi?: unknown }) => [m.id, m.msi]);
    expect(await mmio(topology)).toEqual([['eth-mmio', { its: 'its@0x8080000', deviceId: 0x10000 }]]);
    // The IORT's named component maps its stream ID to the SMMU, whose own mapping hands it on to the ITS group.
    expect(await mmio(join(out, 'IORT.dat'), '--topology', topology)).toEqual([['eth-mmio', { its: 'its#0', deviceId: 0x10000 }]]);
    expect(await mmio(join(out, 'board.dts'), '--topology', topology)).toEqual([['eth-mmio', { its: 'its@0x8080000', deviceId: 0x10000 }]]);
  });

  it('a device behind a PCIe-to-PCI bridge sends its MSIs as the bridge (its alias 07:00.0), not as itself', async () => {
    const topology = join(TABLES_DIR, 'arm-virt-smmuv3.yaml');
    const nic: DeviceJson = (await mapJson(topology)).devices.find((d: DeviceJson) => d.id === 'nic2');
    expect(nic).toMatchObject({ bdf: '07:01.0', msi: { its: 'its@0x8080000', deviceId: 0x700, bdf: '07:00.0' } });
    const run = await runCli('which', '07:01.0', topology);
    expect(run.stdout).toMatch(/^msi\s+its@0x8080000 DeviceID 0x700 \(sent as 07:00\.0\) by hostBridges\[0\]/m);
  });
});

describe('MSI side of a Device Tree', () => {
  const dts = (hostProps: string) => `/dts-v1/;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  its: msi-controller@8080000 {
    compatible = "arm,gic-v3-its";
    reg = <0x0 0x8080000 0x0 0x20000>;
    msi-controller;
    #msi-cells = <1>;
  };
  pcie@10000000 {
    compatible = "pci-host-ecam-generic";
    device_type = "pci";
    #address-cells = <3>;
    #size-cells = <2>;
    bus-range = <0x0 0x3>;
    reg = <0x0 0x10000000 0x0 0x400000>;
${hostProps}
  };
};
`;
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ridmap-msi-dt-')), 'board.dts');
    writeFileSync(file, text);
    return file;
  };

  it('msi-parent without msi-map: the host\'s whole bus range, DeviceID = RID', async () => {
    const file = write(dts('    msi-parent = <&its>;'));
    const j = await mapJson(file);
    expect(j.msi).toEqual([{ segment: 0, first: '00:00.0', last: '03:1f.7', its: 'its@0x8080000', deviceIdBase: 0, source: 'DT' }]);
    const which = JSON.parse((await runCli('which', '02:03.1', file, '--format', 'json')).stdout);
    expect(which.msi).toMatchObject({ its: 'its@0x8080000', deviceId: 0x219, entry: { path: '/pcie@10000000/msi-parent' } });
  });

  it('msi-map rows: an offset DeviceID, and a RID no row covers reaches no ITS', async () => {
    // Bus 1 only, DeviceIDs from 0x10000.
    const file = write(dts('    msi-map = <0x100 &its 0x10000 0x100>;'));
    const j = await mapJson(file);
    expect(j.msi).toEqual([{ segment: 0, first: '01:00.0', last: '01:1f.7', its: 'its@0x8080000', deviceIdBase: 0x10000, source: 'DT' }]);
    const hit = JSON.parse((await runCli('which', '01:00.2', file, '--format', 'json')).stdout);
    expect(hit.msi).toMatchObject({ deviceId: 0x10002, entry: { path: '/pcie@10000000/msi-map', row: 0 } });
    const miss = await runCli('which', '02:00.0', file);
    expect(miss.stdout).toMatch(/^msi\s+none: its MSIs reach no ITS$/m);
  });
});
