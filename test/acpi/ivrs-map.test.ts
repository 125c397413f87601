/**
 * IVRS → translation map through the CLI, as Linux's AMD-Vi driver reads the
 * table: the corpus's real machines (how many RIDs and aliases each IVRS
 * gives), and hand-written tables for the rules (the IVHD type Linux uses,
 * the IOMMU's own function, the later IVHD winning, last_bdf, aliases and
 * groups with a topology).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IvrsBlock, IvrsDeviceEntry } from '../../src/acpi/ivrs/model.js';
import { readIvrs } from '../../src/acpi/ivrs/resolve.js';
import { decodeTable } from '../../src/acpi/table.js';
import { corpusIvrses, HAVE_IVRS_CORPUS, IVRS_CORPUS_DIR } from '../fixtures/ivrs/corpus.js';
import { alias, encodeIvrs, entry, ivhd, ivrsOf, special } from '../fixtures/ivrs/tables.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOPOLOGY = join(REPO_ROOT, 'test/fixtures/checks/_amd-pci.topology.yaml');

interface MapJson {
  translations: { segment: number; first: string; last: string; iommu: string; outputBase: number; source: string }[];
  devices?: { id: string; aliases: string[]; iommu: string | null; outputIds: number[]; group: string }[];
  partial?: { table: string; message: string }[];
}

/** "03:1f.7" → 0x3ff. */
function parseBdf(bdf: string): number {
  const [bus, rest] = bdf.split(':') as [string, string];
  const [dev, fn] = rest.split('.') as [string, string];
  return (parseInt(bus, 16) << 8) | (parseInt(dev, 16) << 3) | parseInt(fn, 16);
}

async function mapOf(bytes: Uint8Array, name: string, ...args: string[]): Promise<{ code: number; stderr: string; map: MapJson }> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const run = await runCli('map', file, '--format', 'json', ...args);
  return { code: run.code, stderr: run.stderr, map: JSON.parse(run.stdout) as MapJson };
}

/** Per machine: the IVHD type Linux uses, how many RIDs the map translates, how many RIDs an alias entry aliases. */
const EXPECTED: Record<string, { type: number; rids: number; aliased: number }> = {
  'A88X-PLUS': { type: 0x11, rids: 65528, aliased: 256 },
  'ROG STRIX B650E-E': { type: 0x11, rids: 65534, aliased: 256 },
  'A320M-S2H': { type: 0x11, rids: 65529, aliased: 256 },
  'MS-7A38': { type: 0x11, rids: 65529, aliased: 256 },
  'MS-7C37': { type: 0x11, rids: 65529, aliased: 256 },
  'Venus series': { type: 0x40, rids: 65534, aliased: 256 },
  'NBLK-WAX9X': { type: 0x40, rids: 65529, aliased: 256 },
  '14w Gen 2': { type: 0x40, rids: 65529, aliased: 256 },
  'Rev B 82LN': { type: 0x40, rids: 65529, aliased: 256 },
  'ThinkPad E495': { type: 0x40, rids: 65529, aliased: 256 },
  'ThinkPad L14 Gen 3': { type: 0x40, rids: 65529, aliased: 256 },
  'Valve/Jupiter': { type: 0x40, rids: 65529, aliased: 256 },
};

describe.skipIf(!HAVE_IVRS_CORPUS)('every corpus IVRS maps through the CLI', () => {
  const all = corpusIvrses();
  it('covers the 12 machines', () => {
    expect(all.map((c) => Object.keys(EXPECTED).filter((k) => c.name.includes(k)).length)).toEqual(all.map(() => 1));
  });
  all.forEach((c, i) => {
    it(c.name, async () => {
      const want = Object.entries(EXPECTED).find(([k]) => c.name.includes(k))![1];
      const { code, stderr, map } = await mapOf(c.bytes, `corpus${i}.dat`);
      expect(code, stderr).toBe(0);
      expect(stderr).not.toMatch(/not modelled|error/);
      const model = decodeTable(c.bytes).model as { blocks: { type: string; baseAddress?: bigint }[] };
      const bases = new Set(model.blocks.flatMap((b) => (b.baseAddress === undefined ? [] : [`amd-vi@0x${b.baseAddress.toString(16)}`])));
      expect(map.translations.length).toBeGreaterThan(0);
      for (const t of map.translations) {
        expect(bases.has(t.iommu), t.iommu).toBe(true);
        // AMD-Vi does not translate IDs: a RID's output ID is the RID.
        expect(t.outputBase).toBe(parseBdf(t.first));
      }
      const rids = map.translations.reduce((n, t) => n + parseBdf(t.last) - parseBdf(t.first) + 1, 0);
      const reading = readIvrs(decodeTable(c.bytes).model);
      const aliased = reading.iommus.flatMap((x) => x.record.aliases).reduce((n, a) => n + a.last - a.first + 1, 0);
      expect({ type: reading.type, rids, aliased }).toEqual(want);
      // The IOMMU's own function (00:00.2) is never translated, whatever the ranges say.
      expect(map.translations.some((t) => parseBdf(t.first) <= 2 && 2 <= parseBdf(t.last))).toBe(false);
    });
  });
});

describe('IVRS rules, through map', () => {
  it('Linux uses the 40h of an IOMMU described by 10h, 11h and 40h: only the 40h\'s entries count', async () => {
    const t = ivrsOf([
      ivhd('IVHD10', 0xfd200000n, [entry('Select', 0x0008)]),
      ivhd('IVHD11', 0xfd200000n, [entry('Select', 0x0010)]),
      ivhd('IVHD40', 0xfd200000n, [entry('Select', 0x0018), special(0x21, 0x00a0)]),
    ]);
    const { code, stderr, map } = await mapOf(encodeIvrs(t), 'type.dat');
    // The IOAPIC's 00:14.0 is past last_bdf (00:03.0: a special entry does not count for it), so outside Linux's tables.
    expect(map.translations.map((x) => `${x.first}-${x.last} ${x.iommu}`)).toEqual(['00:03.0-00:03.0 amd-vi@0xfd200000']);
    expect(stderr).toMatch(/IVRS\/IVHD40\[0\]\/Special\[0\]@0x[0-9a-f]+: error \[ivrs-beyond-last-bdf\]: 0000:00:14\.0 is above 0000:00:03\.0/);
    expect(code).toBe(1);
  });

  it('two IOMMUs naming one range: the later IVHD wins, and check says so', async () => {
    const t = ivrsOf([
      ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), special(0x21, 0x00a0)]),
      ivhd('IVHD11', 0xfd300000n, [entry('RangeStart', 0x0080), entry('RangeEnd', 0x01ff)], 0x0102),
    ]);
    const { map } = await mapOf(encodeIvrs(t), 'overlap.dat');
    expect(map.translations.map((x) => `${x.first}-${x.last} ${x.iommu}`)).toEqual([
      '00:00.0-00:00.1 amd-vi@0xfd200000',
      '00:00.3-00:0f.7 amd-vi@0xfd200000',
      '00:10.0-01:00.1 amd-vi@0xfd300000',
      '01:00.3-01:1f.7 amd-vi@0xfd300000',
    ]);
    const run = await runCli('check', join(dir, 'overlap.dat'));
    expect(run.stderr).toMatch(/error \[ivrs-ivhd-overlap\]: 0000:00:10\.0-0000:00:1f\.7 is named by amd-vi@0xfd200000 .* Linux gives them to the later IVHD's IOMMU, amd-vi@0xfd300000/);
    expect(run.code).toBe(1);
  });

  it('an End of Range with no start of its own reuses the previous start, as Linux does', async () => {
    const t = ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0008), entry('RangeEnd', 0x00ff), entry('RangeEnd', 0x0100), special(0x21, 0x00a0)])]);
    const { map } = await mapOf(encodeIvrs(t), 'end-reuse.dat');
    expect(map.translations.map((x) => `${x.first}-${x.last}`)).toEqual(['00:01.0-01:00.0']);
  });

  it('IVHDs of two PCI segments: each IOMMU translates its own segment, and its own function there is left out', async () => {
    const t = ivrsOf([
      ivhd('IVHD40', 0xfd200000n, [entry('All', 0), special(0x21, 0x00a0)]),
      { ...ivhd('IVHD40', 0xfd300000n, [entry('All', 0)]), pciSegment: 1 } as IvrsBlock,
    ]);
    const { map } = await mapOf(encodeIvrs(t), 'segments.dat');
    expect(map.translations.map((x) => `${x.segment} ${x.first}-${x.last} ${x.iommu}`)).toEqual([
      '0 00:00.0-00:00.1 amd-vi@0xfd200000',
      '0 00:00.3-ff:1f.7 amd-vi@0xfd200000',
      '1 00:00.0-00:00.1 amd-vi@0xfd300000',
      '1 00:00.3-ff:1f.7 amd-vi@0xfd300000',
    ]);
  });

  it('an F0h entry in an 11h IVHD is refused by Linux, and the map says so rather than dropping it', async () => {
    const hid: IvrsDeviceEntry = { type: 'AcpiHid', deviceId: 0x00a5, dataSetting: 0, hid: 'AMDI0020', cid: 0n, uidFormat: 2, uid: new TextEncoder().encode('ID00') };
    const t = ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), special(0x21, 0x00a0), hid])]);
    const { code, stderr } = await mapOf(encodeIvrs(t), 'hid-in-11h.dat');
    expect(code).toBe(0);
    expect(stderr).toMatch(/warning \[map-partial\]: 1 F0h entry \(IVRS\/IVHD11\[0\]\/AcpiHid\[0\]\) Linux refuses \(outside a 40h IVHD/);
  });

  it('a device above the segment\'s last Device ID is not translated (Linux\'s tables end at last_bdf)', async () => {
    // Start of Range is not a device Linux counts for last_bdf; the End of Range is: 00:1f.7 here.
    const t = ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), alias('AliasSelect', 0x0010, 0x0300), special(0x21, 0x00a0)])]);
    const { stderr, map } = await mapOf(encodeIvrs(t), 'last-bdf.dat');
    // The alias's Source Used Device ID (03:00.0) is past last_bdf: Linux's table has no entry for it.
    expect(map.translations.map((x) => `${x.first}-${x.last}`)).toEqual(['00:00.0-00:00.1', '00:00.3-00:1f.7']);
    expect(stderr).toMatch(/error \[ivrs-beyond-last-bdf\]: 0000:03:00\.0 is above 0000:00:1f\.7, the highest Device ID Linux counts in segment 0/);
  });
});

describe('an IVRS with alias entries, against a topology: the devices carry the table\'s aliases and share groups', () => {
  const t = ivrsOf([ivhd('IVHD40', 0xfd200000n, [
    entry('RangeStart', 0x0000), entry('RangeEnd', 0x02ff),
    // The PCIe-to-PCI bridge's secondary bus 03 reaches the IOMMU as (03, 00.0), as the topology's bridge says.
    alias('AliasRangeStart', 0x0300, 0x0300), entry('RangeEnd', 0x03ff),
    // 00:08.0 reaches it as 00:07.0: a same-bus alias the topology does not know.
    alias('AliasSelect', 0x0040, 0x0038),
    special(0x21, 0x00a0),
  ])]);

  it('map --format json lists the aliases and groups', async () => {
    const { code, stderr, map } = await mapOf(encodeIvrs(t), 'alias.dat', '--topology', TOPOLOGY);
    expect(code).toBe(0);
    const by = new Map(map.devices!.map((d) => [d.id, d]));
    expect(by.get('nic0')).toMatchObject({ aliases: ['03:01.0', '03:00.0'], iommu: 'amd-vi@0xfd200000', outputIds: [0x308, 0x300] });
    expect(by.get('nic1')).toMatchObject({ aliases: ['03:02.0', '03:00.0'], iommu: 'amd-vi@0xfd200000' });
    expect(by.get('nic0')!.group).toBe(by.get('nic1')!.group);
    expect(by.get('fn8')).toMatchObject({ aliases: ['00:08.0', '00:07.0'], outputIds: [0x40, 0x38] });
    expect(by.get('fn8')!.group).toBe(by.get('fn7')!.group);
    expect(by.get('nvme0')!.group).not.toBe(by.get('nic0')!.group);
    // The IOMMU's own function.
    expect(by.get('amdvi')).toMatchObject({ iommu: null });
    expect(stderr).toMatch(/warning \[ivrs-alias-mismatch\]: the IVRS gives fn8 \(0000:00:08\.0\) the alias 0000:00:07\.0/);
    expect(stderr).not.toMatch(/ivrs-alias-no-device/);
  });
});

describe.skipIf(!HAVE_IVRS_CORPUS)('a whole AMD acpidump through the CLI', () => {
  const jupiter = join(IVRS_CORPUS_DIR, 'Notebook/Valve/Jupiter/Jupiter/F3B9E861E0CA.bin');
  it('check: the IVRS round-trips, has no finding, and its map names the ACPI devices it cannot list', async () => {
    const run = await runCli('check', jupiter);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/IVRS from .*\n {2}findings {5}none\n {2}round trip {3}identical \(420 bytes\)\n/);
    expect(run.stdout).toMatch(/ {2}map {10}4 ACPI devices are named by F0h entries: AMDI0020:\\_SB\.FUR0 \(RID 00a5, amd-vi@0xa0200000\)/);
    expect(run.stdout).toMatch(/checks: 0 errors, 0 warnings/);
    expect(run.stdout).not.toMatch(/not modelled/);
  });

  it('map: one AMD-Vi IOMMU, and a map-partial warning naming the F0h devices (never dropped silently)', async () => {
    const run = await runCli('map', jupiter);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0000:00:01.0-0000:ff:1f.7 -> amd-vi@0xa0200000 +0x8 (IVRS)');
    expect(run.stderr).toMatch(/:IVRS: warning \[map-partial\]: 4 ACPI devices are named by F0h entries: AMDI0020:\\_SB\.FUR0 \(RID 00a5/);
  });
});

describe('an IVRS alias on another bus, against a topology', () => {
  it('is listed last among the device\'s aliases, and does not join its group (it is no PCI DMA alias; Linux\'s groups do not see it)', async () => {
    const t = ivrsOf([ivhd('IVHD40', 0xfd200000n, [
      entry('RangeStart', 0x0000), entry('RangeEnd', 0x03ff),
      // nvme0 (01:00.0) reaches the IOMMU as 00:14.0, the smbus function's own RID.
      alias('AliasSelect', 0x0100, 0x00a0),
      special(0x21, 0x00a0),
    ])]);
    const { map, stderr } = await mapOf(encodeIvrs(t), 'cross-bus.dat', '--topology', TOPOLOGY);
    const by = new Map(map.devices!.map((d) => [d.id, d]));
    expect(by.get('nvme0')).toMatchObject({ aliases: ['01:00.0', '00:14.0'], iommu: 'amd-vi@0xfd200000', outputIds: [0x100, 0xa0] });
    expect(by.get('nvme0')!.group).not.toBe(by.get('smbus')!.group);
    expect(stderr).toMatch(/warning \[ivrs-alias-mismatch\]: the IVRS gives nvme0 \(0000:01:00\.0\) the alias 0000:00:14\.0/);
  });
});
