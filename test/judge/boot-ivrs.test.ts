/**
 * Linux judges ridmap's IVRS: Debian's amd64 kernels boot under the reference
 * root's QEMU 11.1 (TCG) on q35 with -device amd-iommu, take ridmap's IVRS
 * for tables/q35-amd-vi.yaml through the ACPI table upgrade (IVRS is in
 * drivers/acpi/tables.c's list), and give every PCI device the IOMMU and
 * group ridmap's map says. A control boots the IVRS of the same machine with
 * rp1's subtree bypassing the IOMMU: Linux then gives rp1 and the NVMe drive
 * no IOMMU, as that topology's map says.
 *
 * No kernel parameter is needed for AMD-Vi under TCG: Linux enables the
 * driver whenever an IVRS is present, and QEMU's amd-iommu emulates DMA and
 * interrupt remapping (the x86 guest's intel_iommu=on is harmless). Three
 * boots, two at once; each takes 5-12 s on 2 cores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportQemu } from '../../src/import/qemu/export-qemu.js';
import { judgeTopology, type JudgeResult } from '../../src/judge/judge-topology.js';
import { referenceKernel } from '../../src/judge/reference-root.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { TABLES_DIR } from '../support/paths.js';
import { disagreements } from './judge-support.js';
import { ROOT_LOOKUP, ROOT_MISSING, reportMissingRoot } from './reference-root-env.js';

const EXAMPLE = join(TABLES_DIR, 'q35-amd-vi.yaml');
const BOOT_MS = 240_000;

reportMissingRoot('Linux judge on IVRS');

/** The example with rp1 and everything below it bypassing the IOMMU. */
function rp1Bypassed(t: Topology): Topology {
  const copy = structuredClone(t);
  const rp1 = copy.hostBridges![0]!.children.find((c) => c.id === 'rp1')!;
  rp1.bypassIommu = true;
  return copy;
}

describe.skipIf(ROOT_MISSING !== undefined)('Linux judges q35-amd-vi on ridmap\'s IVRS', () => {
  const root = ROOT_LOOKUP.root!;
  const topology = parseTopology(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
  const machineArgs = exportQemu(topology).argv.slice(1);
  const boots = new Map<string, JudgeResult>();

  beforeAll(async () => {
    const judge = (series: string, t: Topology) => {
      const kernel = referenceKernel(root, series, 'amd64');
      if (!kernel) throw new Error(`the reference root has no ${series} amd64 kernel`);
      return judgeTopology({ topology: t, assets: kernel.assets, root: root.path, qemu: 'qemu-system-x86_64', machineArgs, timeoutMs: BOOT_MS });
    };
    const [b61, b73] = await Promise.all([judge('6.1', topology), judge('7.3', topology)]);
    boots.set('6.1', b61).set('7.3', b73);
    boots.set('control', await judge('6.12', rp1Bypassed(topology)));
    console.info(`IVRS judge boots (TCG, QEMU 11.1): ${[...boots].map(([k, b]) => `${k} ${(b.boot.elapsedMs / 1000).toFixed(1)} s`).join(', ')}`);
  }, 3 * BOOT_MS);

  for (const series of ['6.1', '7.3']) {
    it(`Linux ${series} took ridmap's IVRS and agrees with the map on every device`, () => {
      const b = boots.get(series)!;
      expect(b.tables.map((t) => t.signature)).toEqual(['IVRS']);
      expect(b.boot.report.dmesg.some((l) => l.includes('ACPI: Table Upgrade: override [IVRS-BOCHS -BXPC    ]'))).toBe(true);
      // The IVHD 11h's EFR image is what Linux uses (it reads the highest IVHD type it knows).
      expect(b.boot.report.dmesg.some((l) => l.includes('AMD-Vi: Using global IVHD EFR:0x29d3'))).toBe(true);
      expect(disagreements(b.comparison)).toEqual([]);
      expect(b.comparison.devices).toHaveLength(11);
      // The IOMMU's own function has none; every other device has the unit, named through that function.
      expect(b.comparison.devices.filter((d) => d.linux!.iommu === null).map((d) => d.id)).toEqual(['amdvi-pci']);
      expect(b.comparison.devices.every((d) => d.linux!.iommu === null || d.linux!.iommu === 'amd-vi@0xfed80000')).toBe(true);
    });
  }

  it('the special I/O APIC entry lets Linux 6.1 keep interrupt remapping (7.3 turns it off on QEMU\'s own IVRS as well)', () => {
    expect(boots.get('6.1')!.boot.report.dmesg.some((l) => l.includes('AMD-Vi: Interrupt remapping enabled'))).toBe(true);
  });

  it('control: with rp1 bypassed, Linux gives rp1 and nvme0 no IOMMU, as that map says', () => {
    const c = boots.get('control')!.comparison;
    expect(disagreements(c)).toEqual([]);
    expect(c.devices.filter((d) => d.linux!.iommu === null).map((d) => d.id).sort()).toEqual(['amdvi-pci', 'nvme0', 'rp1']);
  });
});
