/**
 * QEMU's arm virt machine as a real DT producer (formats.md §5.3): the DTBs
 * it dumps (`-machine virt,dumpdtb=FILE`) decode without a problem, print
 * exactly as dtc prints them, and resolve to the maps QEMU intends:
 *   - `iommu=smmuv3`: iommu-map = <0 &smmu 0 0x10000>, every RID of the
 *     host to the SMMUv3 at 0x9050000, identity StreamIDs;
 *   - `-device virtio-iommu-pci`: the identity map minus the IOMMU's own RID.
 * Needs qemu-system-aarch64 (Debian: apt-get install qemu-system-arm).
 * Skipped with a message without it, failed when CI is set.
 *
 * Re-encoding a QEMU blob gives the same tree but not the same bytes: QEMU
 * builds it with libfdt, whose strings block is in creation order, and dumps
 * it with its free space (1 MiB in all); our encoder writes dtc's layout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDt, decodeDtb, encodeDtb, formatDts, resolveDt } from '../../src/dt/index.js';
import { flavours } from '../acpi/bytes.js';
import { haveDtc, dtc, dtcPrintsAsRidmap, haveTool, inCi, plainTree } from './support.js';

const QEMU = 'qemu-system-aarch64';
const haveQemu = haveTool(QEMU);
if (!haveQemu) {
  console.warn(`[ridmap tests] ${QEMU} not found: the QEMU DTB tests are skipped${inCi ? ' (and fail, since CI is set)' : ''}; install qemu-system-arm`);
}

function dumpDtb(machine: string, extra: string[] = []): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-qemu-'));
  try {
    const file = join(dir, 'virt.dtb');
    const r = spawnSync(QEMU, ['-machine', `virt,${machine}dumpdtb=${file}`, '-cpu', 'cortex-a57', '-nographic', '-nodefaults', ...extra], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.status !== 0) throw new Error(`${QEMU} failed: ${r.stderr}`);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const VIOMMU_BDF = 0x18; // 00:03.0, placed explicitly

const cases = [
  {
    name: 'virt,iommu=smmuv3',
    dump: () => dumpDtb('iommu=smmuv3,'),
    translations: [{ segment: 0, first: 0, last: 0xffff, iommu: 'smmuv3@0x9050000', outputBase: 0, source: 'DT' }],
  },
  {
    name: 'virt + virtio-iommu-pci',
    dump: () => dumpDtb('', ['-device', 'virtio-iommu-pci,addr=03.0']),
    translations: [
      { segment: 0, first: 0, last: VIOMMU_BDF - 1, iommu: 'virtio-iommu-pci@0000:00:03.0', outputBase: 0, source: 'DT' },
      { segment: 0, first: VIOMMU_BDF + 1, last: 0xffff, iommu: 'virtio-iommu-pci@0000:00:03.0', outputBase: VIOMMU_BDF + 1, source: 'DT' },
    ],
  },
];

describe('QEMU arm virt DTBs', () => {
  it.runIf(inCi)(`${QEMU} is installed in CI`, () => expect(haveQemu).toBe(true));

  for (const c of cases) {
    for (const [flavour, make] of flavours) {
      it.runIf(haveQemu)(`${c.name} (${flavour}): decodes cleanly and resolves to the map QEMU intends`, () => {
        const bytes = make(c.dump());
        const decoded = decodeDtb(bytes, 'virt.dtb');
        expect(decoded.diagnostics).toEqual([]);
        expect(decoded.header?.version).toBe(17);
        const map = resolveDt(decoded.tree);
        expect(map.findings).toEqual([]);
        expect(map.translations).toEqual(c.translations);
        expect(checkDt(decoded.tree)).toEqual([]);

        const again = decodeDtb(encodeDtb(decoded.tree));
        expect(again.diagnostics).toEqual([]);
        expect(plainTree(again.tree)).toEqual(plainTree(decoded.tree));
      });
    }

    it.runIf(haveQemu && haveDtc() && dtcPrintsAsRidmap())(`${c.name}: prints exactly as dtc prints it`, () => {
      const bytes = c.dump();
      const printed = dtc(bytes, 'dtb', 'dts');
      expect(printed.status).toBe(0);
      expect(formatDts(decodeDtb(bytes).tree)).toBe(printed.stdout.toString('utf8'));
    });
  }
});
