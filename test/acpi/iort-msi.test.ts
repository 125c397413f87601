/**
 * MSIs through an SMMUv3, as Linux finds them (iort_msi_map_id): `build`
 * writes the SMMU's own DeviceID mapping apart from its masters' mapping,
 * and its Device ID Mapping Index never names the masters' one, whether the
 * SMMU is wired or not and has a DeviceID or not; `check` of what `build`
 * wrote finds every RID's MSIs at the ITS.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIort } from '../../src/acpi/iort/index.js';
import type { IortSmmuV3 } from '../../src/acpi/iort/model.js';
import { mapId, MSI_NODES } from '../../src/acpi/iort/walk.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { runCli } from '../support/run-cli.js';
import { encode, map, smallIort } from '../fixtures/iort/iort-tables.js';
import { iortFromTopology } from '../../src/acpi/iort/from-topology.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-msi-'));

function topology(smmuExtra: string): string {
  return [
    'name: smmu-msi',
    'msiControllers:',
    '  - { id: its0, type: its, itsIds: [0], base: 0x8080000 }',
    'iommus:',
    `  - { id: smmu0, type: smmuv3, base: 0x9050000, msiController: its0${smmuExtra} }`,
    'hostBridges:',
    '  - id: pcie.0',
    '    rootBus: 0',
    '    iommu: smmu0',
    '    msiController: its0',
    '    children:',
    '      - { id: nic0, type: rciep, addr: "01.0" }',
    '',
  ].join('\n');
}

async function buildAndCheck(name: string, smmuExtra: string) {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, topology(smmuExtra));
  const out = join(tmp, name);
  const build = await runCli('build', file, '--out', out);
  expect(build.code, build.stderr).toBe(0);
  const iort = join(out, 'IORT.dat');
  const check = await runCli('check', iort, '--format', 'json');
  const { findings } = JSON.parse(check.stdout) as { findings: Diagnostic[] };
  const table = decodeIort(new Uint8Array(readFileSync(iort))).table;
  return { build, check, findings, table, smmu: table.nodes[1] as IortSmmuV3 };
}

/** Where RID `rid` of the root complex (node 2) sends its MSIs: [node, DeviceID]. */
const msiOf = (t: ReturnType<typeof decodeIort>['table'], rid: number) => {
  const r = mapId(t, 2, rid, MSI_NODES);
  return r && [r.node, r.id];
};

describe('IORT: an SMMUv3\'s masters\' MSIs reach the ITS (build, then check, through the CLI)', () => {
  it('no interrupts, no deviceId: the index points past the mappings (was 0, the masters\' mapping, which Linux then skipped)', async () => {
    const r = await buildAndCheck('unwired', '');
    expect(r.smmu.idMappings).toHaveLength(1);
    expect(r.smmu.deviceIdMappingIndex).toBe(1);
    expect(msiOf(r.table, 0x0008)).toEqual([0, 0x0008]);
    expect(r.findings.filter((d) => d.code === 'iort-msi-unreachable')).toEqual([]);
    expect(r.check.code).toBe(0);
    // The build says why the index points nowhere, and check finds the same.
    expect(r.build.stderr).toMatch(/warning \[iort-device-id-index\]: smmu0 has neither all four interrupts nor a deviceId/);
    expect(r.findings.map((d) => d.code)).toEqual(['iort-device-id-index']);
  });

  it('table revision 6 (SMMUv3 node revision 5): DeviceID Valid clear and the index past the mappings, for kernels before E.e too; no warning', async () => {
    const file = join(tmp, 'rev6.yaml');
    writeFileSync(file, topology(''));
    const built = iortFromTopology(resolveTopology(loadTopologyFile(file)), { revision: 6 });
    const smmu = built.table!.nodes[1] as IortSmmuV3;
    expect([smmu.revision, smmu.flags & 0x10, smmu.deviceIdMappingIndex, smmu.idMappings.length]).toEqual([5, 0, 1, 1]);
    expect(built.diagnostics).toEqual([]);
    expect(msiOf(built.table!, 0x0008)).toEqual([0, 0x0008]);
  });

  it('wired (all four GSIVs): index 0, which Linux ignores, as QEMU writes it; no warning', async () => {
    const r = await buildAndCheck('wired', ', interrupts: { event: 106, pri: 107, sync: 108, gerror: 109 }');
    expect([r.smmu.idMappings.length, r.smmu.deviceIdMappingIndex]).toEqual([1, 0]);
    expect(msiOf(r.table, 0x0008)).toEqual([0, 0x0008]);
    expect(r.build.stderr).toBe('');
    expect(r.findings).toEqual([]);
  });

  it('a deviceId: its own single mapping after the masters\' one, and the index names it', async () => {
    const r = await buildAndCheck('own-id', ', deviceId: 0x8000');
    expect(r.smmu.idMappings.map((m) => [m.flags, m.outputBase])).toEqual([[0, 0], [1, 0x8000]]);
    expect(r.smmu.deviceIdMappingIndex).toBe(1);
    expect(msiOf(r.table, 0x0008)).toEqual([0, 0x0008]);
    expect(r.build.stderr).toBe('');
    expect(r.findings).toEqual([]);
  });

  it('check reports the table ridmap used to write (index 0 naming the masters\' mapping) as iort-msi-unreachable, with why', async () => {
    const run = await runCli('check', join(import.meta.dirname, '../fixtures/checks/iort-msi-unreachable.dsl'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error \[iort-msi-unreachable\]: the MSIs of PCI requester IDs 0000:00:00\.0-0000:ff:1f\.7 reach no ITS group/);
    expect(run.stderr).toMatch(/Device ID Mapping Index 0 names as the SMMU's own DeviceID mapping/);
  });

  it('a named component whose only stream ID reaches the ITS through the skipped mapping is reported too', async () => {
    const t = smallIort();
    Object.assign(t.nodes[1]!, { eventGsiv: 0, priGsiv: 0, gerrGsiv: 0, syncGsiv: 0 });
    t.nodes.push({
      type: 'NamedComponent', revision: 4, identifier: 3, nodeFlags: 0, memoryProperties: { cacheCoherency: 1, allocationHints: 0, memoryAccessFlags: 3 },
      memoryAddressLimit: 48, deviceName: '\\_SB_.ETH0', idMappings: [map(0, 0, 0x10, 1, 1)],
    });
    const file = join(tmp, 'nc.dat');
    writeFileSync(file, encode(t));
    const run = await runCli('check', file, '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    expect(findings.filter((d) => d.code === 'iort-msi-unreachable').map((d) => d.path)).toEqual(['IORT/RootComplex[0]', 'IORT/NamedComponent[0]']);
    expect(findings.find((d) => d.path === 'IORT/NamedComponent[0]')!.message).toMatch(/^the MSIs of \\_SB_\.ETH0 reach no ITS group: stream ID 0x10 at node 1/);
  });
});
