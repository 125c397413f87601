/**
 * RIMT → map through the CLI (`ridmap map`), each fact of Linux's rimt.c
 * (6.17) that resolve.ts and walk.ts restate: the first root complex of a
 * segment, the first matching mapping, inclusive ends, destinations that are
 * not IOMMUs followed on, a null first destination, platform devices by
 * their Destination Device ID Base, a cycle reported and not hung on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RimtTable } from '../../src/acpi/rimt/model.js';
import { encodeRimtModel, rimtMapping as mapping, rimtWith, RIMT_FIXTURE_DIR } from '../fixtures/rimt/tables.js';
import { patch } from './dmar-fixtures.js';
import { runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ridmap-rimt-resolve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function file(bytes: Uint8Array): string {
  const path = join(work, `t${n++}.dat`);
  writeFileSync(path, bytes);
  return path;
}

interface MapJson {
  translations: { segment: number; first: string; last: string; iommu: string; outputBase: number }[];
  mmio: { id: string; iommu: string; outputIds: number[] }[];
}

async function mapOf(path: string, ...args: string[]): Promise<{ code: number; map: MapJson; stderr: string }> {
  const r = await runCli('map', path, '--format', 'json', ...args);
  return { code: r.code, map: JSON.parse(r.stdout) as MapJson, stderr: r.stderr };
}

const short = (m: MapJson) => m.translations.map((t) => `${t.segment}:${t.first}-${t.last} ${t.iommu} +${t.outputBase.toString(16)}`);
const IOMMU = 'riscv-iommu@0x3010000';

describe('RIMT map (ridmap map)', () => {
  it('iasl\'s template: RIDs 0..0xffff of segment 0 to the platform IOMMU, output = RID; no longer "not modelled"', async () => {
    const { code, map, stderr } = await mapOf(join(RIMT_FIXTURE_DIR, 'iasl-template.dat'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(short(map)).toEqual([`0:00:00.0-ff:1f.7 ${IOMMU} +0`]);
  });

  it('ends are inclusive: Source ID Base 0 with Number of IDs 0x100 covers RID 01:00.0 too', async () => {
    const { map } = await mapOf(file(encodeRimtModel(rimtWith([mapping(0, 0x100, 0x1000, 0)]))));
    expect(short(map)).toEqual([`0:00:00.0-01:00.0 ${IOMMU} +1000`]);
  });

  it('the first mapping that matches wins (later ones overlapping it are reported)', async () => {
    const path = file(encodeRimtModel(rimtWith([mapping(0, 0xff, 0, 0), mapping(0x80, 0xff7f, 0x5000, 0)])));
    const { map } = await mapOf(path);
    expect(short(map)).toEqual([`0:00:00.0-00:1f.7 ${IOMMU} +0`, `0:01:00.0-ff:1f.7 ${IOMMU} +5080`]);
    const check = await runCli('check', path, '--format', 'json');
    const { findings } = JSON.parse(check.stdout) as { findings: { code: string; message: string }[] };
    expect(findings.map((f) => f.code)).toEqual(['rimt-range-overlap']);
    expect(findings[0]!.message).toContain('Linux uses IdMapping[0], the first in the table');
  });

  it('the first root complex of a segment is the one Linux uses', async () => {
    const t = rimtWith([mapping(0, 0xffff, 0, 0)], [
      { type: 'PcieRootComplex', revision: 1, id: 2, flags: 0, pcieSegment: 0, idMappings: [mapping(0, 0xffff, 0x10000, 0)] },
    ]);
    const { map } = await mapOf(file(encodeRimtModel(t)));
    expect(short(map)).toEqual([`0:00:00.0-ff:1f.7 ${IOMMU} +0`]);
  });

  it('a destination that is not an IOMMU is followed through its own mappings', async () => {
    // Root complex → platform device node (IDs + 0x100) → IOMMU.
    const t = rimtWith([mapping(0, 0xff, 0, 2)], [
      { type: 'PlatformDevice', revision: 1, id: 2, deviceName: '\\_SB_.HOP0', idMappings: [mapping(0, 0xfff, 0x100, 0)] },
    ]);
    const { map } = await mapOf(file(encodeRimtModel(t)));
    expect(short(map)).toEqual([`0:00:00.0-00:1f.7 ${IOMMU} +100`]);
  });

  it('a null Destination IOMMU Offset in the FIRST mapping loses the whole node; in a later one only its IDs', async () => {
    const two = encodeRimtModel(rimtWith([mapping(0, 0xff, 0, 0), mapping(0x100, 0xfeff, 0x100, 0)]));
    // Mapping 0's Destination IOMMU Offset sits at 0x78, mapping 1's at 0x8c.
    expect((await mapOf(file(patch(two, [[0x78, 4, 0]])))).map.translations).toEqual([]);
    expect(short((await mapOf(file(patch(two, [[0x8c, 4, 0]])))).map)).toEqual([`0:00:00.0-00:1f.7 ${IOMMU} +0`]);
  });

  it('a platform device gets each mapping\'s Destination Device ID Base (Number of IDs unread), on one IOMMU', async () => {
    const t: RimtTable = rimtWith([mapping(0, 0xffff, 0, 0)], [
      { type: 'PlatformDevice', revision: 1, id: 2, deviceName: '\\_SB_.DMA0', idMappings: [mapping(0, 7, 0x40, 0), mapping(8, 7, 0x48, 0)] },
    ]);
    const { map } = await mapOf(file(encodeRimtModel(t)));
    expect(map.mmio).toEqual([{ id: '\\_SB_.DMA0', base: '0x0', iommu: IOMMU, outputIds: [0x40, 0x48], source: 'RIMT' }]);
  });

  it('a cycle of destinations: reported (rimt-reference-cycle, exit 1), never hung on; the other RIDs still map', async () => {
    const t = rimtWith([mapping(0, 0xff, 0, 2), mapping(0x100, 0xfeff, 0x100, 0)], [
      { type: 'PlatformDevice', revision: 1, id: 2, deviceName: '\\_SB_.LOOP', idMappings: [mapping(0, 0xff, 0, 1)] },
    ]);
    const path = file(encodeRimtModel(t));
    const r = await runCli('map', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rimt-reference-cycle.*RIDs 0000:00:00\.0–0000:00:1f\.7 go round RIMT\/PcieRootComplex\[0\] → RIMT\/PlatformDevice\[0\]/);
    expect(r.stdout).toContain(`0000:01:00.0-0000:ff:1f.7 -> ${IOMMU} +0x100 (RIMT)`);
  });

  it('a cycle through 3,270 single-ID mappings each way: one finding per node, not one per ID, and quick', async () => {
    const n = 3270;
    const t = rimtWith(Array.from({ length: n }, (_, k) => mapping(k, 0, k, 2)), [
      { type: 'PlatformDevice', revision: 1, id: 2, deviceName: '\\_SB_.LOOP', idMappings: Array.from({ length: n }, (_, k) => mapping(k, 0, k, 1)) },
    ]);
    const path = file(encodeRimtModel(t));
    const started = Date.now();
    const r = await runCli('map', path);
    // Was 12.7 s before the per-node interval table (each run rescanned all 3,270 mappings at each of 16 hops); now ~0.3 s.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => /\[([a-z-]+)\]/.exec(l)![1])).toEqual(['rimt-destination-not-iommu', 'rimt-destination-not-iommu', 'rimt-reference-cycle']);
    expect(lines[2]).toContain('RIDs 0000:00:00.0–0000:00:00.0 (and 3269 more) go round');
  });

  it('every-node.dat: three IOMMUs over two segments, a platform device on the first IOMMU only (the second is refused)', async () => {
    const { map } = await mapOf(join(RIMT_FIXTURE_DIR, 'every-node.dat'));
    expect(short(map)).toEqual([
      `0:00:00.0-7f:1f.7 ${IOMMU} +0`,
      '0:80:00.0-ff:1f.7 riscv-iommu@0x3020000 +0',
      '1:01:00.0-ff:1f.7 riscv-iommu-pci@0001:00:01.0 +10100',
    ]);
    expect(map.mmio.map((m) => [m.id, m.iommu, m.outputIds])).toEqual([['\\_SB_.DMA0', IOMMU, [0x20000]]]);
    const check = await runCli('check', join(RIMT_FIXTURE_DIR, 'every-node.dat'), '--format', 'json');
    const { findings } = JSON.parse(check.stdout) as { findings: { code: string; path: string; message: string }[] };
    expect(findings.map((f) => [f.code, f.path])).toEqual([['rimt-platform-device-iommus', 'RIMT/PlatformDevice[0]/IdMapping[1]']]);
    expect(findings[0]!.message).toContain('reaches riscv-iommu@0x3020000, but the device\'s earlier mappings reach riscv-iommu@0x3010000');
  });
});
