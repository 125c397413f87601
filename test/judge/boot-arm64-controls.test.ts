/**
 * Negative controls for the arm64 judge (issue 15): they prove Linux reads
 * ridmap's tables and not QEMU's. An IORT whose root complex ID mapping is
 * shifted (ACPI, through UEFI) and an iommu-map cut short (DT) must each
 * change Linux's answer exactly on the devices ridmap's map of the changed
 * table predicts; an IORT whose OEM Revision is not above QEMU's must fail
 * the boot, naming both headers. Needs what arm64-env.ts says.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIort, encodeIort } from '../../src/acpi/iort/index.js';
import type { IortRootComplex } from '../../src/acpi/iort/model.js';
import { buildOutputs } from '../../src/build-outputs.js';
import { encodeDtb } from '../../src/dt/index.js';
import { dtFromTopology } from '../../src/dt/from-topology.js';
import { findProperty, type DtTree } from '../../src/dt/tree.js';
import { exportQemu } from '../../src/import/qemu/export-qemu.js';
import { bootJudge, type BootResult, JudgeError } from '../../src/judge/boot.js';
import { compareWithLinux, type Comparison } from '../../src/model/linux-verdict.js';
import { judgeTarget } from '../../src/judge/judge-topology.js';
import { QEMU_TABLE_IDENTITY, topologyForTableUpgrade } from '../../src/judge/upgrade-header.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { ARM64_BOOT_MS, arm64Assets, missingArm64, reportMissingArm64 } from './arm64-env.js';
import { disagreements, predict } from './judge-support.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'judge');
/** Root ports, a bridge and a conventional device: agrees under ACPI (boot-arm64-cli). */
const BRIDGED = join(TABLES_DIR, 'arm-virt-smmuv3.yaml');
/** Root-complex integrated endpoints only: agrees under DT too. */
const RCIEP = join(FIXTURES, 'arm-virt-rciep.yaml');
/** RIDs below this (buses 0 and 1) fall out of the shifted IORT mapping. */
const SHIFT = 0x200;
/** The cut iommu-map covers RIDs 00:00.0-00:01.7 only. */
const CUT_LENGTH = 0x10;

reportMissingArm64('arm64 judge negative controls');

describe.skipIf(missingArm64 !== undefined)('arm64 negative controls: Linux\'s answer changes exactly where ridmap\'s map of the changed table says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-judge-arm64-'));
  const load = (file: string) => parseTopology(readFileSync(file, 'utf8'), file);
  const args = (topology: Topology) => exportQemu(topology).argv.slice(1);
  let iort: Uint8Array;
  let shifted: Uint8Array;
  let tree: DtTree;
  let cut: DtTree;
  let boots: Record<'iort' | 'shifted' | 'tree' | 'cut', BootResult>;

  beforeAll(async () => {
    const bridged = load(BRIDGED);
    const rciep = load(RCIEP);
    iort = buildOutputs(resolveTopology(topologyForTableUpgrade(bridged))).outputs.find((o) => o.name === 'IORT.dat')!.data as Uint8Array;
    shifted = shiftRootComplexMapping(iort, SHIFT);
    writeFileSync(join(dir, 'shifted.dat'), shifted);
    tree = dtFromTopology(resolveTopology(rciep, { numbering: 'compact' })).tree;
    cut = cutIommuMap(dtFromTopology(resolveTopology(rciep, { numbering: 'compact' })).tree, CUT_LENGTH);
    writeFileSync(join(dir, 'cut.dtb'), encodeDtb(cut));
    const acpi = (bytes: Uint8Array) => bootJudge({ assets: arm64Assets!, machineArgs: args(bridged), tables: [{ signature: 'IORT', bytes }], firmware: 'acpi', timeoutMs: ARM64_BOOT_MS });
    const dt = (t: DtTree) => bootJudge({ assets: arm64Assets!, machineArgs: args(rciep), tables: [], firmware: 'dt', deviceTree: t, timeoutMs: ARM64_BOOT_MS });
    // Two at a time: the machines have 2 cores.
    const [a, b] = await Promise.all([acpi(iort), acpi(shifted)]);
    const [c, d] = await Promise.all([dt(tree), dt(cut)]);
    boots = { iort: a, shifted: b, tree: c, cut: d };
    console.info(`arm64 control boots (${arm64Assets!.kernelVersion}, TCG, two at once): ACPI ${a.elapsedMs} and ${b.elapsedMs} ms, DT ${c.elapsedMs} and ${d.elapsedMs} ms`);
  }, 4 * ARM64_BOOT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Linux used ridmap\'s IORTs (the upgrade overrode QEMU\'s) and ridmap\'s iommu-maps', () => {
    expect(boots.iort.report.dmesg.some((l) => l.includes('ACPI: Table Upgrade: override [IORT-BOCHS -BXPC    ]'))).toBe(true);
    expect(boots.iort.report.tables.get('IORT')).toEqual(iort);
    expect(boots.shifted.report.tables.get('IORT')).toEqual(shifted);
    const iommuMap = (b: BootResult) => b.dtProperties.find((p) => p.path.endsWith('/iommu-map'))!;
    expect(boots.cut.report.dtProperties.get(iommuMap(boots.cut).path)).toEqual(iommuMap(boots.cut).bytes);
    expect(new DataView(iommuMap(boots.cut).bytes!.buffer).getUint32(12)).toBe(CUT_LENGTH);
    expect(new DataView(iommuMap(boots.tree).bytes!.buffer).getUint32(12)).toBe(0x10000);
  });

  it('IORT with the root complex mapping shifted: the devices on buses 0 and 1 lose their SMMU, as ridmap\'s map of that IORT says', async () => {
    const before = compareWithLinux(await predict(BRIDGED, ...forKernel('acpi')), boots.iort.report);
    const after = compareWithLinux(await predict(join(dir, 'shifted.dat'), '--topology', BRIDGED, ...forKernel('acpi')), boots.shifted.report);
    expect(disagreements(before)).toEqual([]);
    expect(disagreements(after)).toEqual([]);
    expect(changed(before, after, 'linux')).toEqual(['0000:00:00.0', '0000:00:01.0', '0000:00:02.0', '0000:00:03.0', '0000:01:00.0']);
    expect(changed(before, after, 'ridmap')).toEqual(changed(before, after, 'linux'));
  });

  it('iommu-map cut short: the devices past its length lose their SMMU, as ridmap\'s map of that tree says', async () => {
    const before = compareWithLinux(await predict(RCIEP, '--numbering', 'compact', ...forKernel('dt')), boots.tree.report);
    const after = compareWithLinux(await predict(join(dir, 'cut.dtb'), '--topology', RCIEP, '--numbering', 'compact', ...forKernel('dt')), boots.cut.report);
    expect(disagreements(before)).toEqual([]);
    expect(disagreements(after)).toEqual([]);
    expect(changed(before, after, 'linux')).toEqual(['0000:00:02.0', '0000:00:03.0']);
    expect(changed(before, after, 'ridmap')).toEqual(changed(before, after, 'linux'));
  });

  it('fails loudly when Linux keeps QEMU\'s IORT (an OEM Revision not above the firmware\'s)', async () => {
    const bridged = load(BRIDGED);
    const same = buildOutputs(resolveTopology(topologyForTableUpgrade(bridged, { ...QEMU_TABLE_IDENTITY, oemRevision: QEMU_TABLE_IDENTITY.oemRevision - 1 })))
      .outputs.find((o) => o.name === 'IORT.dat')!.data as Uint8Array;
    const boot = bootJudge({ assets: arm64Assets!, machineArgs: args(bridged), tables: [{ signature: 'IORT', bytes: same }], firmware: 'acpi', timeoutMs: ARM64_BOOT_MS });
    await expect(boot).rejects.toThrow(JudgeError);
    await expect(boot).rejects.toThrow(/Linux did not use ridmap's tables:\n {2}IORT: dmesg has no "ACPI: Table Upgrade: override \[IORT-[^]*IORT: \/sys\/firmware\/acpi\/tables\/IORT is not ridmap's: Linux holds IORT \(\d+ bytes, OEM "BOCHS " "BXPC    " revision 1, creator "BXPC"\), ridmap built IORT \(\d+ bytes, OEM "BOCHS " "BXPC    " revision 1, creator "RDMP"\)/);
  }, ARM64_BOOT_MS);
});

/** The map options for the booted kernel's series and firmware interface, as ridmap boot predicts. */
function forKernel(firmware: 'acpi' | 'dt'): string[] {
  return ['--os', judgeTarget(arm64Assets!, firmware).profile.id, '--firmware', firmware];
}

/** The devices whose IOMMU differs between two comparisons of the same machine, on one side. */
function changed(a: Comparison, b: Comparison, side: 'linux' | 'ridmap'): string[] {
  return a.devices.filter((d, i) => d[side]!.iommu !== b.devices[i]![side]!.iommu).map((d) => d.sbdf);
}

/** The IORT with its root complex's mapping starting `by` RIDs later (same StreamIDs for the RIDs still covered). */
function shiftRootComplexMapping(bytes: Uint8Array, by: number): Uint8Array {
  const { table } = decodeIort(bytes);
  const rc = table.nodes.find((n) => n.type === 'RootComplex') as IortRootComplex;
  expect(rc.idMappings).toHaveLength(1);
  const m = rc.idMappings[0]!;
  rc.idMappings[0] = { ...m, inputBase: m.inputBase + by, outputBase: m.outputBase + by, numberOfIds: m.numberOfIds - by };
  const encoded = encodeIort(table);
  expect(encoded.diagnostics).toEqual([]);
  return encoded.bytes!;
}

/** The tree with its PCI host's one iommu-map row cut to `length` RIDs. */
function cutIommuMap(tree: DtTree, length: number): DtTree {
  const host = tree.root.children.find((n) => n.name === 'pcie')!;
  const map = findProperty(host, 'iommu-map')!;
  expect(map.value).toHaveLength(1);
  const row = map.value[0]!;
  if (row.kind !== 'cells') throw new Error('iommu-map is not a cell list');
  row.cells[3] = BigInt(length);
  return tree;
}
