/**
 * `ridmap diff`: structures matched by identity whatever their order, field
 * changes with flag names, moves between parents, the map-level sentences,
 * --hex, and the exit codes; on real DMARs from the corpus and on tables built
 * from the examples.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DmarTable } from '../../src/acpi/dmar/model.js';
import { loadInput } from '../../src/io/load-input.js';
import { diffTables } from '../../src/diff/diff-tables.js';
import { encodeDtb, parseDts } from '../../src/dt/index.js';
import { flavours } from '../acpi/bytes.js';
import { dtc, haveDtc } from '../dt/support.js';
import { encodeModel } from '../acpi/dmar-fixtures.js';
import { CORPUS_DIR, HAVE_CORPUS, REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-diff-'));
const HAVE_DTC = haveDtc();
const LINUXHW = join(CORPUS_DIR, 'real/linuxhw-ACPI');
const LATITUDE_5521 = join(LINUXHW, 'Notebook/Dell/Latitude/Latitude 5521/C82728E65A3D.bin');
const LATITUDE_9420 = join(LINUXHW, 'Notebook/Dell/Latitude/Latitude 9420/8A77983183EB.bin');

/** The DMAR of an input file, decoded. */
async function dmarOf(file: string): Promise<{ bytes: Uint8Array; model: DmarTable }> {
  const t = (await loadInput(file, readFileSync(file))).tables.find((x) => x.format === 'DMAR')!;
  return { bytes: t.bytes, model: t.model as unknown as DmarTable };
}

function writeTable(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe.skipIf(!HAVE_CORPUS)('diff of two real DMARs (Dell Latitude 5521 and 9420, whole acpidumps)', () => {
  it('names each DRHD that differs by its unit, and what the map gains and loses', async () => {
    const run = await runCli('diff', LATITUDE_5521, LATITUDE_9420);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    // Both machines have vtd@0xfed90000 (graphics, 00:02.0), vtd@0xfed84000 (00:07.0 and below) and the
    // include-all vtd@0xfed91000; the 5521 has a unit for TBT port 00:07.1, the 9420 one for 00:07.2
    // and one for the IPU at 00:05.0. Its header flags add DMA_CTRL_PLATFORM_OPT_IN.
    expect(out).toContain('DMAR: 4 differences');
    expect(out).toContain('  Flags: 01 → 05 (DMA_CTRL_PLATFORM_OPT_IN set)');
    expect(out).toContain('  - DRHD vtd@0xfed85000: sub-hierarchy 00:07.1 and below');
    expect(out).toContain('  + DRHD vtd@0xfed92000: endpoint 00:05.0');
    expect(out).toContain('  + DRHD vtd@0xfed86000: sub-hierarchy 00:07.2 and below');
    const body = out.split('\n').filter((l) => !l.startsWith('note:')).join('\n');
    expect(body).not.toMatch(/DRHD vtd@0xfed9000|vtd@0xfed84000|vtd@0xfed91000/);
    expect(out).toContain('map:\n  00:05.0 now mapped to vtd@0xfed92000 (before: not mapped)');
    expect(out).toContain('  00:07.1 no longer mapped (before: vtd@0xfed85000)');
    // Without a topology the include-all unit's share is not mapped, and the diff says how much each side leaves out.
    expect(out).toMatch(/note: A: DMAR: \d+ of \d+ device scopes could not be resolved without a topology .*include-all unit vtd@0xfed91000/);
    expect(out).toMatch(/note: B: DMAR: \d+ of \d+ device scopes/);
    // The other tables of the dumps are matched by signature and occurrence.
    expect(out).toMatch(/^HEST: only in A$/m);
    expect(out).toMatch(/^identical: .*HPET/m);
  });

  it('a DMAR against itself with its DRHDs reordered: no semantic difference, although the bytes differ', async () => {
    const { bytes, model } = await dmarOf(LATITUDE_5521);
    const structures = [...model.remappingStructures];
    [structures[0], structures[2]] = [structures[2]!, structures[0]!];
    const reordered = encodeModel({ ...model, remappingStructures: structures });
    expect(Buffer.compare(Buffer.from(reordered), Buffer.from(bytes))).not.toBe(0);
    const run = await runCli('diff', writeTable('5521.dat', bytes), writeTable('5521-reordered.dat', reordered));
    expect(run.stdout).toContain('DMAR: no semantic difference (the bytes differ: the same structures in another order or at other offsets)');
    expect(run.stdout).toMatch(/\nno semantic difference\n$/);
    expect(run.code).toBe(0);
  });

  it('the same file twice: identical, exit 0', async () => {
    const run = await runCli('diff', LATITUDE_5521, LATITUDE_5521);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no semantic difference\n$/);
  });
});

describe.skipIf(!HAVE_CORPUS)('diff of QEMU\'s VIOTs', () => {
  it('two QEMU releases list the same PCI ranges in opposite order: no semantic difference', async () => {
    const qemu = join(CORPUS_DIR, 'qemu-expected');
    const run = await runCli('diff', join(qemu, 'older/cf7a348837f4/tests/data/acpi/q35/VIOT.viot'), join(qemu, 'tests/data/acpi/x86/q35/VIOT.viot'));
    expect(run.stdout).toContain('VIOT: no semantic difference (the bytes differ');
    expect(run.code).toBe(0);
  });
});

describe.skipIf(!HAVE_CORPUS)('diff of QEMU\'s IORTs', () => {
  it('SMMUs are matched by their base, root complexes by their segment: another SMMU is removed + added, not a changed field', async () => {
    const dir = join(CORPUS_DIR, 'qemu-expected/tests/data/acpi/aarch64/virt');
    const run = await runCli('diff', join(dir, 'IORT.smmuv3-dev'), join(dir, 'IORT.its_off'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  - SMMUv3 smmuv3@0xc000000');
    expect(run.stdout).toContain('  - SMMUv3 smmuv3@0xc020000');
    expect(run.stdout).toContain('  + SMMUv3 smmuv3@0x9050000');
    expect(run.stdout).toContain('  ~ root complex segment 0');
    expect(run.stdout).not.toContain('Base Address:');
  });
});

describe('diff of DMARs built from an example topology', () => {
  const example = join(TABLES_DIR, 'x86-server-dmar.yaml');

  it('a root port moved to another unit reads as a move, in the structures and in the map', async () => {
    const moved = readFileSync(example, 'utf8').replace('addr: "02.0"\n        iommu: vtd-s0', 'addr: "02.0"\n        iommu: vtd-s1');
    const other = join(tmp, 'moved.yaml');
    writeFileSync(other, moved);
    const run = await runCli('diff', example, other);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  > sub-hierarchy 00:02.0 and below moved from DRHD vtd@0xfbffc000 to DRHD vtd@0xc7ffc000');
    expect(run.stdout).toContain('  00:02.0 and below (s0-rp1) moved from vtd@0xfbffc000 to vtd@0xc7ffc000');
    expect(run.stdout).toContain('  device nic0 (02:00.0) moved from vtd@0xfbffc000 [0x200] to vtd@0xc7ffc000 [0x200]');
  });

  it('--hex shows the bytes behind each difference, A and B side by side', async () => {
    await runCli('build', example, '--out', join(tmp, 'a'));
    const { model } = await dmarOf(join(tmp, 'a/DMAR.dat'));
    const changed = encodeModel({ ...model, hostAddressWidth: 38 });
    const run = await runCli('diff', join(tmp, 'a/DMAR.dat'), writeTable('haw.dat', changed), '--hex');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  Host Address Width: 2D → 26');
    expect(run.stdout).toMatch(/ {4}A +\| B\n/);
    expect(run.stdout).toMatch(/ {6}00000024: 2D .* {2}\| 00000024: 26 /);
  });

  it('takes a Uint8Array view and a Buffer of the same table as the same table', async () => {
    await runCli('build', example, '--out', join(tmp, 'flavours'));
    const bytes = readFileSync(join(tmp, 'flavours/DMAR.dat'));
    const [x, y] = await Promise.all(flavours.map(async ([, make]) => (await loadInput('DMAR.dat', make(bytes))).tables));
    const d = diffTables({ tables: x! }, { tables: y! });
    expect(d.pairs.map((p) => p.status)).toEqual(['same']);
    expect(d.equal).toBe(true);
  });

  it('unreadable input exits 2', async () => {
    const run = await runCli('diff', example, join(tmp, 'missing.dat'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[unreadable-input]');
  });
});

describe('diff of Device Trees, as DTS and as DTB', () => {
  const fixtures = join(REPO_ROOT, 'test/fixtures/dt');
  const dts = join(fixtures, 'board-with-include.dts');
  const source = readFileSync(dts, 'utf8');
  /** The DTB of a DTS text whose includes are fixtures: dtc's when it is installed, else ridmap's encoder's (byte for byte the same: test/dt/dtc-oracle). */
  const dtbOf = async (text: string, name: string): Promise<string> => {
    const bytes = HAVE_DTC
      ? dtc(text, 'dts', 'dtb', ['-q', '-i', fixtures]).stdout
      : encodeDtb((await parseDts(text, name, { readInclude: (path) => readFileSync(join(fixtures, path), 'utf8') })).tree);
    expect(bytes.length).toBeGreaterThan(0);
    return writeTable(name, bytes);
  };

  it('a DTS (with its /include/) and the DTB of the same tree: no semantic difference', async () => {
    const run = await runCli('diff', dts, await dtbOf(source, 'same.dtb'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('identical: DT');
    expect(run.code).toBe(0);
  });

  it('a DTB whose iommu-map gives the RIDs other output IDs: the map says how', async () => {
    const run = await runCli('diff', dts, await dtbOf(source.replace('<0x0 &smmu 0x0 0x10000>', '<0x0 &smmu 0x100 0x10000>'), 'moved.dtb'));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\nmap:\n {2}.* smmuv3@0x9050000 but their output IDs shift by \+0x100\n/);
  });

  it('a DTS that does not parse is bad input: named by line, exit 2', async () => {
    const run = await runCli('diff', join(fixtures, 'syntax-error.dts'), dts);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/syntax-error\.dts:5:\d+: error \[dts-syntax\]/);
  });
});
