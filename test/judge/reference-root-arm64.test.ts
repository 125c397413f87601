/**
 * arm64 in the reference root (issue 15): the root's QEMU 11.1 with its own
 * EDK2 boots each of Debian's arm64 kernels (6.1, 6.12, 7.3) through ACPI and
 * through a Device Tree, on ridmap's tables, for a virt machine with the two
 * behaviours that differ between kernels and interfaces: two conventional
 * devices behind one PCIe-to-PCI bridge (arm-smmu-v3 keeps one owner per
 * StreamID: the second gets no IOMMU, on every kernel) and root ports with
 * ACS (under a Device Tree, 6.1 and 6.12 enable it too late and group each
 * root port with what is below it; 7.3 does not). Each boot is compared with
 * ridmap's map predicted for that kernel's series and interface, so a
 * profile that is wrong for one kernel fails here. On 7.3 QEMU's own tables
 * are booted too.
 */
import { describe, expect, it } from 'vitest';
import { judgeTopology } from '../../src/judge/judge-topology.js';
import { referenceKernel } from '../../src/judge/reference-root.js';
import { formatComparisonText } from '../../src/judge/render.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { runCli } from '../support/run-cli.js';
import { reportMissingRoot, ROOT_LOOKUP, ROOT_MISSING } from './reference-root-env.js';

const BOOT_MS = 240_000;
const ARGV = [
  '-M', 'virt,iommu=smmuv3,gic-version=3', '-nodefaults',
  '-device', 'pcie-root-port,id=rp0,chassis=1', '-device', 'pcie-pci-bridge,id=br,bus=rp0',
  '-device', 'e1000,id=nic1,bus=br,addr=1', '-device', 'rtl8139,id=nic2,bus=br,addr=2',
  '-device', 'pcie-root-port,id=rp1,chassis=2', '-device', 'virtio-net-pci,id=net0,bus=rp1',
];
const CASES: { series: string; firmware: 'acpi' | 'dt'; tables: 'ridmap' | 'firmware' }[] = [
  ...['6.1', '6.12', '7.3'].flatMap((series) => (['acpi', 'dt'] as const).map((firmware) => ({ series, firmware, tables: 'ridmap' as const }))),
  { series: '7.3', firmware: 'acpi', tables: 'firmware' },
  { series: '7.3', firmware: 'dt', tables: 'firmware' },
];

reportMissingRoot('arm64 judge in the reference root');

describe.skipIf(ROOT_MISSING !== undefined)('arm64 judge in the reference root (QEMU 11.1, EDK2 2025.02)', () => {
  for (const c of CASES) {
    it(`Linux ${c.series} through ${c.firmware === 'acpi' ? 'ACPI (UEFI)' : 'a Device Tree'} on ${c.tables === 'ridmap' ? "ridmap's" : "QEMU's"} tables agrees with ridmap's map for linux-${c.series}`, async () => {
      const root = ROOT_LOOKUP.root!;
      const kernel = referenceKernel(root, c.series, 'arm64');
      expect(kernel, `no arm64 ${c.series} kernel in ${root.path}`).toBeDefined();
      const imported = await runCli('import', 'qemu', '--', ...ARGV);
      expect(imported.code, imported.stderr).toBe(0);
      const r = await judgeTopology({
        topology: parseTopology(imported.stdout, 'arm-two-behind-bridge.yaml'), assets: kernel!.assets, machineArgs: ARGV,
        root: root.path, qemu: 'qemu-system-aarch64', firmware: c.firmware, tablesFrom: c.tables, timeoutMs: BOOT_MS,
      });
      expect(r.linux).toBe(`linux-${c.series}`);
      const nic2 = r.comparison.devices.find((d) => d.id === 'nic2')!;
      // arm-smmu-v3 refuses the second device behind the bridge on every kernel.
      expect(nic2.linux?.iommu ?? null).toBeNull();
      const nic1 = r.comparison.devices.find((d) => d.id === 'nic1')!;
      const rp0 = r.comparison.devices.find((d) => d.id === 'rp0')!;
      // Whether rp0 shares nic1's group is the kernel's and the interface's: ACS too late under DT before 7.3.
      expect(rp0.linux!.group === nic1.linux!.group).toBe(c.firmware === 'dt' && c.series !== '7.3');
      expect(r.comparison.agree, formatComparisonText(r.comparison)).toBe(true);
    }, BOOT_MS);
  }
});
