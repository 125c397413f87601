/**
 * QEMU's own IVRS as the oracle for `import qemu` + `build` with
 * `-device amd-iommu`: captures of QEMU 7.2 (Debian 12) and 11.1 (the
 * reference root) in test/fixtures/qemu-ivrs (README there says how made).
 * The import places every function where QEMU did; ridmap's IVRS built from
 * the imported topology says for every device QEMU created what QEMU's says
 * (listed or not, and as which RID the IOMMU sees it), with the same IVHD
 * fields and special entries. The differences, each asserted below:
 * - header OEM fields (BOCHS/BXPC against ridmap's RIDMAP/RDMP);
 * - QEMU writes a Select per function and a range per leaf bus; ridmap writes
 *   ranges over every RID its map gives the unit, so RIDs where no function
 *   exists are covered too (Linux sets a device table entry for each and
 *   nothing probes there), and the order of the entries differs.
 * Each capture is imported for its QEMU (--qemu-version): for QEMU 7.2 the
 * unit has no efr, so ridmap too writes the IVHD 10h alone and IVinfo
 * without EFRSup, as that QEMU does.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureManifest } from '../../scripts/qemu-capture/capture.mjs';
import type { IvrsBlock, IvrsDeviceEntry, IvrsIvhd10, IvrsIvhdEfr, IvrsTable } from '../../src/acpi/ivrs/model.js';
import { decodeTable } from '../../src/acpi/table.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { formatBdf } from '../../src/model/rid.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { placementDifferences, qemuFunctions } from './qemu-pci.js';

const DIR = join(REPO_ROOT, 'test/fixtures/qemu-ivrs');
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-oracle-'));
const captures = readdirSync(DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

type Ivhd = IvrsIvhd10 | IvrsIvhdEfr;
const isIvhd = (b: IvrsBlock): b is Ivhd => b.type === 'IVHD10' || b.type === 'IVHD11' || b.type === 'IVHD40';

/**
 * What an IVHD's entries say about one RID, read as Linux's
 * init_iommu_from_acpi reads them: listed or not, and the RID the IOMMU sees
 * (the alias of a 42h/43h entry, else the RID itself). A deliberately small
 * reading of the entry types QEMU and ridmap write.
 */
function seenAs(entries: readonly IvrsDeviceEntry[], r: number): number | undefined {
  let start: { first: number; alias?: number } | undefined;
  let found: number | undefined;
  for (const e of entries) {
    if (typeof e.type !== 'string' || !('deviceId' in e)) continue;
    const alias = 'sourceDeviceId' in e && e.type !== 'Special' ? e.sourceDeviceId : undefined;
    if (e.type === 'Select' || e.type === 'AliasSelect') {
      if (e.deviceId === r) found = alias ?? r;
    } else if (e.type === 'RangeStart' || e.type === 'AliasRangeStart') {
      start = { first: e.deviceId, ...(alias !== undefined ? { alias } : {}) };
    } else if (e.type === 'RangeEnd' && start) {
      if (start.first <= r && r <= e.deviceId) found = start.alias ?? r;
      start = undefined;
    }
  }
  return found;
}

const specials = (b: Ivhd) => b.entries.filter((e) => e.type === 'Special');
const head = ({ entries: _, ...rest }: Ivhd) => rest;

describe('IVRS against QEMU\'s own (amd-iommu)', () => {
  it('has captures of both QEMU versions', () => {
    expect(captures).toEqual([
      'amd-nested-pci-bridges-11.1', 'amd-nested-pci-bridges-7.2',
      'amd-pci-bridge-no-intremap-11.1', 'amd-pci-bridge-no-intremap-7.2',
      'amd-pcie-pci-bridge-11.1', 'amd-pcie-pci-bridge-7.2', 'amd-xtsup-11.1',
    ]);
  });

  for (const name of captures) {
    it(`${name}: import places every function where QEMU did; the built IVRS agrees with QEMU's device by device`, async () => {
      const dir = join(DIR, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'capture.json'), 'utf8')) as CaptureManifest;
      const v = manifest.qemuVersion;
      const run = await runCli('import', 'qemu', '--qemu-version', `${v.major}.${v.minor}`, '--', ...manifest.args);
      expect(run.code).toBe(0);
      const resolved = resolveTopology(parseTopology(run.stdout, `${name}.yaml`));
      const functions = qemuFunctions(JSON.parse(readFileSync(join(dir, 'pci.json'), 'utf8')));
      expect(placementDifferences(functions, resolved)).toEqual([]);

      const yaml = join(tmp, `${name}.yaml`);
      writeFileSync(yaml, run.stdout);
      expect((await runCli('build', yaml, '--out', join(tmp, name))).code).toBe(0);
      const ours = decodeTable(new Uint8Array(readFileSync(join(tmp, name, 'IVRS.dat')))).model as IvrsTable;
      const theirs = decodeTable(new Uint8Array(readFileSync(join(dir, 'IVRS.dat')))).model as IvrsTable;
      expect([theirs.oemId, theirs.creatorId]).toEqual(['BOCHS ', 'BXPC']);

      // Imported for the QEMU that made the capture: QEMU 7.2 writes the 10h alone and IVinfo without EFRSup, and so does ridmap then.
      const old = manifest.qemuVersion.major < 9;
      const ourIvhds = ours.blocks.filter(isIvhd);
      const theirIvhds = theirs.blocks.filter(isIvhd);
      expect(theirIvhds.map((b) => b.type)).toEqual(old ? ['IVHD10'] : ['IVHD10', 'IVHD11']);
      expect(ourIvhds.map((b) => b.type)).toEqual(theirIvhds.map((b) => b.type));
      expect(ours.ivInfo).toBe(theirs.ivInfo);
      theirIvhds.forEach((theirBlock, i) => {
        const ourBlock = ourIvhds[i]!;
        expect(head(ourBlock)).toEqual(head(theirBlock));
        expect(specials(ourBlock)).toEqual(specials(theirBlock));
        // Every function QEMU created: listed by both or neither, seen as the same RID.
        for (const { rid: r } of functions) {
          expect(seenAs(ourBlock.entries, r), `${name} ${theirBlock.type} ${formatBdf(r)}`).toBe(seenAs(theirBlock.entries, r));
        }
      });
      expect(ours.blocks.filter((b) => !isIvhd(b))).toEqual([]);
    });
  }
});
