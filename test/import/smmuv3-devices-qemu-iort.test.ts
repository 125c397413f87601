/**
 * QEMU's own IORT as the oracle for `import qemu` + `build` with
 * `-device arm-smmuv3`: QEMU 10.2's expected IORT.smmuv3-dev of its
 * bios-tables-test (test_acpi_aarch64_virt_smmuv3_dev's command line, from
 * the corpus), and QEMU 11.1's IORT for issue 18's command line captured in
 * the reference root (test/fixtures/qemu-smmuv3-dev). Through the CLI: the
 * import, then `ridmap build`, then both tables decoded and compared field
 * by field, header OEM fields and checksum aside.
 *
 * Equal: the table revision, every node's type and order, every SMMUv3 node
 * whole (base, flags, GSIVs, identifiers), the ITS group, the root
 * complex's memory properties, ATS, segment and address size limit; and for
 * every RID where QEMU created a function, the SMMU and StreamID (or
 * untranslated) both tables give it.
 * Documented differences (the IORT encoder's, src/acpi/iort/from-topology.ts,
 * not the import's):
 * - the root complex node: QEMU writes revision 3 (no Flags field) in its
 *   table of revision 5, ridmap revision 4 as EDK2's generator does;
 * - the ID ranges: QEMU gives an SMMU the buses the firmware assigned below
 *   its root bus (root bus to subordinate, e.g. 0x10-0x11), ridmap every bus
 *   up to the next root bus (0x10-0x1f); the RIDs they disagree on are RIDs
 *   where no function exists.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IortTable } from '../../src/acpi/iort/model.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { decodeTable } from '../../src/acpi/table.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { formatBdf } from '../../src/model/rid.js';
import { placementDifferences, qemuFunctions } from '../interop/qemu-pci.js';
import { CORPUS_DIR, HAVE_CORPUS, REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { importAndBuildCli } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-smmuv3-dev-'));
const FIXTURE = join(REPO_ROOT, 'test/fixtures/qemu-smmuv3-dev/pxb-two-smmuv3-11.1');

/** tests/qtest/bios-tables-test.c test_acpi_aarch64_virt_smmuv3_dev (QEMU 10.2), on test_acpi_one's -machine virt. */
const QTEST_SMMUV3_DEV = [
  '-machine', 'virt',
  '-device', 'pcie-root-port,chassis=1,id=pci.1',
  '-device', 'virtio-scsi-pci,id=scsi0,bus=pci.1',
  '-drive', 'file=tests/data/uefi-boot-images/bios-tables-test.aarch64.iso.qcow2,if=none,media=cdrom,id=drive-scsi0-0-0-1,readonly=on',
  '-device', 'scsi-cd,bus=scsi0.0,scsi-id=0,drive=drive-scsi0-0-0-1,id=scsi0-0-0-1,bootindex=1',
  '-cpu', 'cortex-a57',
  '-device', 'arm-smmuv3,primary-bus=pcie.0,id=smmuv3.0',
  '-device', 'pxb-pcie,id=pcie.1,bus=pcie.0,bus_nr=0x10',
  '-device', 'arm-smmuv3,primary-bus=pcie.1,id=smmuv3.1',
  '-device', 'pxb-pcie,id=pcie.2,bus=pcie.0,bus_nr=0x20',
];

type Translation = { iommu: string; streamId: number } | null;

/** What the IORT says one RID becomes: an SMMU and StreamID, or untranslated. */
function translator(t: IortTable): (rid: number) => Translation {
  const spans = resolveIort(t).translations;
  return (rid) => {
    const s = spans.find((x) => x.segment === 0 && x.first <= rid && rid <= x.last);
    return s ? { iommu: s.iommu, streamId: s.outputBase + (rid - s.first) } : null;
  };
}

/** The import through the CLI, built through the CLI: ridmap's IORT and the imported topology. */
async function importAndBuild(name: string, argv: readonly string[], version: string): Promise<{ ours: IortTable; resolved: ReturnType<typeof resolveTopology>; yaml: string }> {
  const { yamlText, yaml, out } = await importAndBuildCli(tmp, name, argv, ['--qemu-version', version]);
  const ours = decodeTable(new Uint8Array(readFileSync(join(out, 'IORT.dat')))).model as IortTable;
  return { ours, resolved: resolveTopology(parseTopology(yamlText, yaml)), yaml };
}

/** Field by field, the documented differences aside; returns how many fields were compared. */
function compareIort(ours: IortTable, theirs: IortTable, rids: readonly number[]): number {
  expect([theirs.oemId, theirs.creatorId]).toEqual(['BOCHS ', 'BXPC']);
  expect(ours.signature).toBe(theirs.signature);
  expect(ours.revision).toBe(theirs.revision);
  expect(ours.nodes.map((n) => n.type)).toEqual(theirs.nodes.map((n) => n.type));
  let fields = 2;
  ours.nodes.forEach((node, i) => {
    const their = theirs.nodes[i]!;
    if (node.type === 'RootComplex' && their.type === 'RootComplex') {
      const { revision: r1, flags: _f, idMappings: m1, ...rest1 } = node;
      const { revision: r2, flags: _g, idMappings: m2, ...rest2 } = their;
      expect(rest1).toEqual(rest2);
      expect(r2).toBe(3);
      expect([3, 4]).toContain(r1);
      fields += Object.keys(rest1).length;
      expect(m1.length).toBeGreaterThan(0);
      expect(m2.length).toBeGreaterThan(0);
    } else {
      expect(node, `node ${i} (${node.type})`).toEqual(their);
      fields += Object.keys(node).length;
    }
  });
  const a = translator(ours);
  const b = translator(theirs);
  for (const r of rids) expect(a(r), `RID ${formatBdf(r)}`).toEqual(b(r));
  // Where the ranges differ, no function exists.
  const present = new Set(rids);
  for (let r = 0; r <= 0xffff; r++) {
    if (present.has(r)) continue;
    const x = a(r);
    const y = b(r);
    if (y !== null) expect(x, `RID ${formatBdf(r)}: QEMU translates it, so must ridmap`).toEqual(y);
  }
  return fields + rids.length;
}

describe('IORT against QEMU\'s own for -device arm-smmuv3', () => {
  it.skipIf(!HAVE_CORPUS)('QEMU 10.2\'s IORT.smmuv3-dev (bios-tables-test\'s line): equal field by field, OEM fields aside', async () => {
    const { ours, resolved } = await importAndBuild('qtest-smmuv3-dev', QTEST_SMMUV3_DEV, '10.2');
    const theirs = decodeTable(new Uint8Array(readFileSync(join(CORPUS_DIR, 'qemu-expected/tests/data/acpi/aarch64/virt/IORT.smmuv3-dev')))).model as IortTable;
    const rids = resolved.functions.map((f) => f.rid);
    const fields = compareIort(ours, theirs, rids);
    console.log(`[smmuv3-dev] IORT.smmuv3-dev: ${fields} fields and RIDs compared`);
    expect(fields).toBeGreaterThan(30);
    // pcie.0 and the root port's bus behind smmuv3.0; pcie.1 behind smmuv3.1; pcie.2 untranslated (GICv2: no ITS).
    const at = translator(ours);
    expect(at(0x0100)).toEqual({ iommu: 'smmuv3@0xc000000', streamId: 0x100 });
    expect(at(0x1000)).toEqual({ iommu: 'smmuv3@0xc020000', streamId: 0x1000 });
    expect(at(0x2000)).toBeNull();
  });

  it('QEMU 11.1 on issue 18\'s line (captured): every function where QEMU put it, the IORT equal field by field, OEM fields aside', async () => {
    const manifest = JSON.parse(readFileSync(join(FIXTURE, 'capture.json'), 'utf8')) as { args: string[]; qemuVersion: { major: number; minor: number } };
    expect(manifest.qemuVersion).toMatchObject({ major: 11, minor: 1 });
    const { ours, resolved, yaml } = await importAndBuild('issue18', manifest.args, '11.1');
    // ridmap check of QEMU's own table against the imported topology: every device agrees, no finding.
    const check = await runCli('check', join(FIXTURE, 'IORT.dat'), '--topology', yaml);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/topology\s+all 8 devices agree/);
    const functions = qemuFunctions(JSON.parse(readFileSync(join(FIXTURE, 'pci.json'), 'utf8')));
    expect(placementDifferences(functions, resolved)).toEqual([]);
    const theirs = decodeTable(new Uint8Array(readFileSync(join(FIXTURE, 'IORT.dat')))).model as IortTable;
    console.log(`[smmuv3-dev] QEMU 11.1 capture: ${compareIort(ours, theirs, functions.map((f) => f.rid))} fields and RIDs compared`);
    const at = translator(theirs);
    // net1 (11:00.0) behind the SMMUv3 at 0xc000000, net2 (21:00.0) behind 0xc020000, net0 on pcie.0 untranslated.
    expect(at(0x1100)).toEqual({ iommu: 'smmuv3@0xc000000', streamId: 0x1100 });
    expect(at(0x2100)).toEqual({ iommu: 'smmuv3@0xc020000', streamId: 0x2100 });
    expect(at(0x0018)).toBeNull();
  });
});
