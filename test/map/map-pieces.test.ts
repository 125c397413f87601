/**
 * Every map form is written a piece at a time (text-pieces.ts): `build`
 * stages map.json, map.txt, tree.txt and topology.dot as pieces of whole
 * lines (build-outputs.ts mapFiles), and `map` prints every form so, never
 * the whole text of a million devices as one string nor map.json's tree of
 * a million objects (issue 21). The JSON written so is the contract's own
 * bytes: `JSON.stringify(mapToJson(map), null, 2)` and a newline.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mapFiles } from '../../src/build-outputs.js';
import { main } from '../../src/cli/main.js';
import { stageFile } from '../../src/io/atomic-write.js';
import { mapToJson, writeMapJson } from '../../src/map/map-json.js';
import { formatMapText } from '../../src/map/map-text.js';
import { joinPieces } from '../../src/map/text-pieces.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { TranslationMap } from '../../src/model/translation-map.js';
import { buildableArmTopology, conventionalTopology } from '../support/big-topology.js';

const contractJson = (map: TranslationMap) => JSON.stringify(mapToJson(map), null, 2) + '\n';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-map-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('map JSON written a piece at a time', () => {
  it('is JSON.stringify of mapToJson, byte for byte, for a map with every part', () => {
    const map = resolveTopology(parseTopology(conventionalTopology({ its: true }), 'big.json')).map;
    expect(map.msi).toBeDefined();
    expect(map.devices!.filter((d) => d.refused).length).toBeGreaterThan(3000);
    expect(map.mmio.length).toBeGreaterThan(0);
    const pieces: string[] = [];
    writeMapJson(map, (t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(p.endsWith('\n')).toBe(true);
    expect(pieces.join('')).toBe(contractJson(map));
  });

  it('is the same bytes for empty lists, partial maps, refusals, MSIs that reach no ITS and strings JSON escapes', () => {
    const maps: TranslationMap[] = [
      { translations: [], mmio: [], findings: [] },
      { translations: [], mmio: [], findings: [], devices: [], msi: [] },
      {
        translations: [{ segment: 1, first: 0x100, last: 0x1ff, iommu: 'vtd@0xfed90000', outputBase: 0x100, source: 'DMAR' }],
        devices: [
          { id: 'odd "id"\nwith\\escapes', segment: 1, rid: 0x100, aliases: [0x100, 0x108], iommu: null, outputIds: [], group: 'g0',
            refused: { iommu: 'vtd@0xfed90000', outputIds: [0x100], code: 'some-code', reason: 'a reason\twith a tab' } },
          { id: 'é漢😀', segment: 1, rid: 0x101, aliases: [0x101], iommu: 'vtd@0xfed90000', outputIds: [0x101], group: 'g1' },
        ],
        deviceMsi: (d) => (d.rid === 0x100 ? null : { its: 'its#0', deviceId: 0x101, rid: 0x101 }),
        msi: [{ segment: 1, first: 0x101, last: 0x101, its: 'its#0', deviceIdBase: 0x101, source: 'IORT' }],
        mmio: [{ iommu: 'smmuv3@0x9050000', outputIds: [], source: 'IORT', addressBits: 48, msi: null }, { id: 'eth0', base: 0x9000000n, iommu: 'smmuv3@0x9050000', outputIds: [0x10000, 0x10001], source: 'topology', msi: { its: 'its#0', deviceId: 7 } }],
        findings: [],
        gaps: [{ table: 'DMAR', file: 'DMAR.dat', message: 'two-hop scopes', missing: 'the buses behind 00:1c.0' }, { table: 'IORT', message: 'named component', missing: 'x' }],
      } as TranslationMap,
    ];
    for (const map of maps) expect(joinPieces((w) => writeMapJson(map, w))).toBe(contractJson(map));
  });
});

describe('the map forms of a build', () => {
  it('are each staged a piece at a time, pieces of whole lines, the text the file then holds', () => {
    const resolved = resolveTopology(parseTopology(buildableArmTopology(), 'big.json'));
    for (const file of mapFiles(resolved)) {
      const data = file.data();
      expect(typeof data, file.name).toBe('object');
      const pieces: string[] = [];
      data.pieces((t) => pieces.push(t));
      expect(pieces.length, file.name).toBeGreaterThan(2);
      for (const p of pieces) expect(p.endsWith('\n')).toBe(true);
      const target = join(dir, 'staged', file.name);
      stageFile(target, data).commit();
      expect(readFileSync(target, 'utf8')).toBe(pieces.join(''));
      if (file.name === 'map.json') expect(pieces.join('')).toBe(contractJson(resolved.map));
    }
  });

  it('`ridmap build` writes each as `ridmap map --format` prints it, in pieces', async () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, buildableArmTopology());
    const out = join(dir, 'build');
    expect(await main(['build', file, '--out', out], { stdout: () => {}, stderr: () => {} })).toBe(0);
    for (const [format, name] of [['json', 'map.json'], ['text', 'map.txt'], ['tree', 'tree.txt'], ['dot', 'topology.dot']] as const) {
      const pieces: string[] = [];
      expect(await main(['map', file, '--format', format], { stdout: (s: string | Uint8Array) => void pieces.push(String(s)), stderr: () => {} })).toBe(0);
      expect(pieces.length, format).toBeGreaterThan(2);
      expect(pieces.join(''), format).toBe(readFileSync(join(out, name), 'utf8'));
    }
  });
});

describe('map text', () => {
  it('asks each device\'s MSI target once (a lookup; the column is last and never padded, so never measured)', () => {
    const map = resolveTopology(parseTopology(buildableArmTopology(), 'big.json')).map;
    const asked = new Map<string, number>();
    const deviceMsi = map.deviceMsi!;
    const counted: TranslationMap = { ...map, deviceMsi: (d) => (asked.set(d.id, (asked.get(d.id) ?? 0) + 1), deviceMsi(d)) };
    const text = formatMapText(counted);
    expect(text).toBe(formatMapText(map));
    expect(text).toContain(' msi its@0x8080000 [0x101]');
    expect(asked.size).toBe(map.devices!.length);
    expect([...asked.values()].every((n) => n === 1)).toBe(true);
  });
});
