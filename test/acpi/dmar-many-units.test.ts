/**
 * A DMAR with several DRHDs, one per vIOMMU (tables/q35-vtd-per-pxb.yaml:
 * one VT-d unit per pxb-pcie and an include-all unit for pcie.0), through
 * the CLI: each expander's unit scopes its root ports, the include-all DRHD
 * comes last in its segment, and map/check of the built table put every
 * device behind the unit the topology gives it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const topology = join(TABLES_DIR, 'q35-vtd-per-pxb.yaml');
const out = mkdtempSync(join(tmpdir(), 'ridmap-dmar-many-'));

interface Drhd {
  type: string;
  flags: number;
  registerBaseAddress: string;
  deviceScopes: { type: number; startBusNumber: number; path: { device: number; function: number }[] }[];
}

describe('DMAR with one DRHD per vIOMMU', () => {
  it('build: one DRHD per unit with its scopes, the include-all one last', async () => {
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const decoded = await runCli('decode', join(out, 'DMAR.dat'), '--format', 'json');
    const { tables } = JSON.parse(decoded.stdout) as { tables: { remappingStructures: Drhd[] }[] };
    const drhds = tables[0]!.remappingStructures.filter((s) => s.type === 'DRHD');
    expect(drhds.map((d) => [d.registerBaseAddress, d.flags & 1])).toEqual([
      ['0xfed91000', 0],
      ['0xfed92000', 0],
      ['0xfed90000', 1],
    ]);
    const bridges = (d: Drhd) => d.deviceScopes.filter((s) => s.type === 2).map((s) => `${s.startBusNumber.toString(16)}:${s.path.map((p) => `${p.device}.${p.function}`).join('/')}`);
    expect(bridges(drhds[0]!)).toEqual(['10:0.0', '10:1.0']);
    expect(bridges(drhds[1]!)).toEqual(['20:0.0']);
  });

  it('map and check of the built DMAR with the topology: every device behind its own unit', async () => {
    await runCli('build', topology, '--out', out);
    const map = await runCli('map', join(out, 'DMAR.dat'), '--topology', topology, '--format', 'json');
    const { devices } = JSON.parse(map.stdout) as { devices: { id: string; iommu: string | null }[] };
    const unitOf = Object.fromEntries(devices.map((d) => [d.id, d.iommu]));
    expect([unitOf['vfio0'], unitOf['vfio1'], unitOf['vfio2'], unitOf['lpc']]).toEqual([
      'vtd@0xfed91000',
      'vtd@0xfed91000',
      'vtd@0xfed92000',
      'vtd@0xfed90000',
    ]);
    const check = await runCli('check', join(out, 'DMAR.dat'), '--topology', topology);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('topology     all 13 devices agree');
    expect(check.code).toBe(0);
  });
});
