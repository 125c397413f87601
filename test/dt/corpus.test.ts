/**
 * The Linux DT sources of the shared corpus (corpus README §6). They were
 * written for cpp + dtc with the kernel's dt-bindings headers, which are not
 * in the corpus, so each file must either parse cleanly or fail only with
 * precise diagnostics naming what is missing (an include, a macro, a label
 * from a missing include). Whatever does not depend on them must come out
 * right: the iommu-map rows of tegra234.dtsi and fsl-lx2160a.dtsi.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDt, parseDts, resolveDt } from '../../src/dt/index.js';
import { nodeAtPath, walkNodes, type DtCell, type DtTree } from '../../src/dt/tree.js';
import { CORPUS_DIR } from '../support/paths.js';

const DT_SOURCE_DIR = join(CORPUS_DIR, 'dt-source');
const present = existsSync(DT_SOURCE_DIR);
if (!present) console.warn(`[ridmap tests] ${DT_SOURCE_DIR} not found: the DT corpus tests are skipped`);

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

const files = present ? walk(DT_SOURCE_DIR) : [];

/** Includes are read from beside the including file, as cpp -I would; the corpus holds none of them. */
async function parseFile(file: string) {
  return parseDts(readFileSync(file, 'utf8'), relative(DT_SOURCE_DIR, file), {
    readInclude: (path) => {
      const beside = join(dirname(file), path);
      return existsSync(beside) ? readFileSync(beside, 'utf8') : undefined;
    },
  });
}

const PRECISE = [
  /^needs preprocessing: #include (<[^>]+>|"[^"]+") \(not available\)$/,
  /^needs preprocessing: macro [A-Za-z_]\w* is not defined in what was parsed/,
  /^needs preprocessing: &[A-Za-z_]\w* is not defined in what was parsed \(missing: .+\)$/,
  /^\/include\/ "[^"]+": file not found$/,
];

/** Every iommu-map in tree order: its path and rows of four cells as written. */
function iommuMaps(tree: DtTree): { path: string; rows: DtCell[][] }[] {
  const out: { path: string; rows: DtCell[][] }[] = [];
  for (const { node, path } of walkNodes(tree.root)) {
    const p = node.properties.find((q) => q.name === 'iommu-map');
    if (!p) continue;
    const cells = p.value.flatMap((c) => (c.kind === 'cells' ? c.cells : []));
    out.push({ path, rows: Array.from({ length: cells.length / 4 }, (_, i) => cells.slice(4 * i, 4 * i + 4)) });
  }
  return out;
}

describe.runIf(present)('DT sources of the corpus', () => {
  it('has the files the corpus README lists', () => {
    expect(files.length).toBe(13);
  });

  for (const file of files) {
    it(`${relative(DT_SOURCE_DIR, file)}: parses, or fails only for want of the preprocessor and its includes`, async () => {
      const { diagnostics } = await parseFile(file);
      for (const d of diagnostics) {
        expect(['dts-needs-preprocessing', 'dts-include-not-found'], d.message).toContain(d.code);
        expect(PRECISE.some((re) => re.test(d.message)), d.message).toBe(true);
        expect(d.line).toBeGreaterThan(0);
      }
    });
  }

  const find = (name: string) => files.find((f) => f.endsWith(name))!;

  it('tegra234.dtsi: 16 iommu-maps with their rows; only the macro cells are unknown', async () => {
    const { tree } = await parseFile(find('nvidia/tegra234.dtsi'));
    const maps = iommuMaps(tree);
    expect(maps.map((m) => m.rows.length)).toEqual([16, ...Array(15).fill(1)]);
    const host1x = maps[0]!.rows;
    expect(host1x.map((r) => r[0])).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(host1x.map((r) => r[1])).toEqual([...Array(8).fill({ kind: 'label', label: 'smmu_niso0' }), ...Array(8).fill({ kind: 'label', label: 'smmu_niso1' })]);
    expect(host1x[8]![2]).toEqual({ kind: 'unresolved', text: 'TEGRA234_SID_HOST1X_CTX0' });
    for (const { rows } of maps.slice(1)) {
      expect(rows[0]).toEqual([0, expect.objectContaining({ kind: 'label' }), expect.objectContaining({ kind: 'unresolved' }), 0x1000]);
    }
    // A map whose cells are unknown is not guessed at: the 11 PCI hosts (the other 4 PCIe nodes are endpoints) map nothing.
    const map = resolveDt(tree);
    expect(map.translations).toEqual([]);
    expect(map.findings.filter((f) => f.code === 'dts-needs-preprocessing')).toHaveLength(11);
  });

  it('fsl-lx2160a.dtsi: 7 iommu-maps of one row; the PCIe ones map RID 0 to the MMU-500, the fsl-mc one has length 0', async () => {
    const { tree } = await parseFile(find('freescale/fsl-lx2160a.dtsi'));
    const maps = iommuMaps(tree);
    expect(maps.map((m) => m.rows)).toEqual([
      ...Array(6).fill([[0, { kind: 'label', label: 'smmu' }, 0, 1]]),
      [[0, { kind: 'label', label: 'smmu' }, 0, 0]],
    ]);
    expect(nodeAtPath(tree.root, maps[0]!.path)).toBeDefined();
    expect(resolveDt(tree).translations).toEqual([{ segment: 0, first: 0, last: 0, iommu: 'smmuv2@0x5000000', outputBase: 0, source: 'DT' }]);
    expect(checkDt(tree).filter((d) => d.code === 'dt-iommu-map-zero-length').map((d) => d.path)).toEqual([`${maps[6]!.path}/iommu-map`]);
  });
});
