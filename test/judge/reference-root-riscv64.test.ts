/**
 * RISC-V in the reference root (issue 17): the root's QEMU 11.1 runs the virt
 * machine with ACPI (EDK2 from qemu-efi-riscv64 after OpenSBI, the AIA
 * interrupt controllers ACPI describes there) and a riscv-iommu-pci, for which
 * QEMU writes a RIMT; Debian's riscv64 kernels boot on it with the judge's
 * busybox initramfs, and what Linux decided for each PCI device is compared
 * with what QEMU's RIMT says (worked out by hand below) and with ridmap's map
 * of the board (`import qemu`'s topology). Linux parses RIMT from 6.17:
 * the newest riscv64 kernel Debian serves (forky's 7.2 in December 2026; the
 * recipe takes whatever is newest, as testing moves on) gives the devices QEMU's RIMT maps the IOMMU; trixie's 6.12,
 * which has no RISC-V IOMMU driver, gives none. ridmap's RIMT reaches Linux
 * the only way RISC-V leaves (no table upgrade there): a rebuilt table set in
 * virt's flash and acpi_rsdp= (rsdp-boot.ts), proven by Linux holding its
 * bytes. Three boots: 7.2 on QEMU's tables (which the rebuilt set starts
 * from), 7.2 on ridmap's RIMT, 6.12.
 * Needs the root from scripts/reference-root.sh (recipe 3) and root privileges
 * (chroot); skipped with a message without them, failed when CI is set.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTable } from '../../src/acpi/table.js';
import { bootJudge } from '../../src/judge/boot.js';
import { compareWithLinux, type PredictedDevice } from '../../src/model/linux-verdict.js';
import { RISCV_UEFI_FIRMWARE, uefiVars } from '../../src/judge/guest.js';
import { hostPathOf, newestReferenceKernel, referenceKernel } from '../../src/judge/reference-root.js';
import { formatComparisonText } from '../../src/judge/render.js';
import { judgeTopology } from '../../src/judge/judge-topology.js';
import { RISCV_TABLE_SET_ADDRESS } from '../../src/judge/rsdp-boot.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';
import { reportMissingRoot, ROOT_LOOKUP, ROOT_MISSING } from './reference-root-env.js';

/** A TCG riscv64 boot through OpenSBI and EDK2; about a minute alone, more beside other boots. */
const BOOT_MS = 300_000;
/**
 * virt with ACPI and AIA (APLIC + IMSIC: ACPI on virt describes MSIs through
 * the IMSIC), the IOMMU pinned at 00:01.0, and behind it the case RIMT's ID
 * mappings must get right: two conventional devices behind a PCIe-to-PCI
 * bridge, which Linux sees with the bridge's RID (one group), and a device
 * behind a root port.
 */
const ARGV = [
  '-M', 'virt,acpi=on,aia=aplic-imsic', '-nodefaults',
  '-device', 'riscv-iommu-pci,addr=1.0',
  '-device', 'pcie-root-port,id=rp0,chassis=1,addr=2.0', '-device', 'pcie-pci-bridge,id=br,bus=rp0',
  '-device', 'e1000,id=nic1,bus=br,addr=1', '-device', 'rtl8139,id=nic2,bus=br,addr=2',
  '-device', 'pcie-root-port,id=rp1,chassis=2,addr=3.0', '-device', 'virtio-net-pci,id=net0,bus=rp1',
];
const IOMMU = 'riscv-iommu-pci@0000:00:01.0';

/**
 * What QEMU's RIMT makes Linux do on this board, by hand. QEMU 11.1's RIMT
 * has one PCIe root complex node (segment 0) with one ID mapping, Source ID
 * Base 9 (the RID after the IOMMU's, 00:01.0 = 8) and identity IDs up, to the
 * IOMMU node: RIDs 0 to 8 are unmapped, so the host bridge (00:00.0) is not
 * translated either. Groups: Linux's RIMT code never calls pci_request_acs()
 * (IORT's, DMAR's and VIOT's code do), so ACS stays off and each root port
 * shares one group with everything below it.
 */
function predicted(translated: boolean): PredictedDevice[] {
  const d = (id: string, bdf: string, group: string | null): PredictedDevice => ({ id, segment: 0, bdf, iommu: translated && group ? IOMMU : null, group });
  return [
    d('host', '00:00.0', null),
    d('iommu', '00:01.0', null),
    d('rp0', '00:02.0', 'g-rp0'),
    d('rp1', '00:03.0', 'g-rp1'),
    d('br', '01:00.0', 'g-rp0'),
    d('nic1', '02:01.0', 'g-rp0'),
    d('nic2', '02:02.0', 'g-rp0'),
    d('net0', '03:00.0', 'g-rp1'),
  ];
}

/** The board as ridmap imports it from the command line. */
async function board(): Promise<Topology> {
  const imported = await runCli('import', 'qemu', '--', 'qemu-system-riscv64', ...ARGV);
  expect(imported.code, imported.stderr).toBe(0);
  return parseTopology(imported.stdout, 'riscv-virt-two-behind-bridge.yaml');
}

const lookup = ROOT_LOOKUP;
reportMissingRoot('riscv64 judge in the reference root');

describe.skipIf(ROOT_MISSING !== undefined)('riscv64 in the reference root (recipe 3)', () => {
  it('holds EDK2 for RISC-V virt, riscv64 busybox, and Debian\'s riscv64 6.12 and its newest (forky\'s 7.2 today) with the configuration the judge reads', () => {
    const root = lookup.root!;
    for (const f of [RISCV_UEFI_FIRMWARE[0], uefiVars(RISCV_UEFI_FIRMWARE[0])]) expect(readFileSync(hostPathOf(root.path, f)).length, f).toBeGreaterThan(0);
    const k612 = referenceKernel(root, '6.12', 'riscv64')!;
    const kRimt = newestReferenceKernel(root, 'riscv64')!;
    expect(k612.assets.kernelVersion).toMatch(/^6\.12\.\d+\+deb13-riscv64$/);
    // The newest the mirror serves (forky's 7.2.12 in December 2026): any series from 6.17 on, when Linux started reading RIMT.
    const [major, minor] = kRimt.series.split('.').map(Number) as [number, number];
    expect(major > 6 || minor >= 17, kRimt.assets.kernelVersion).toBe(true);
    // 6.12 has no RISC-V IOMMU driver; the newest has it built in, with RIMT.
    expect(k612.assets.config.has('RISCV_IOMMU')).toBe(false);
    expect(k612.assets.config.has('ACPI_RIMT')).toBe(false);
    for (const key of ['ACPI', 'RISCV_IOMMU', 'RISCV_IOMMU_PCI', 'ACPI_RIMT']) expect(kRimt.assets.config.get(key), key).toBe('y');
    // A riscv64 ELF (e_machine 243) for /init.
    const busybox = readFileSync(kRimt.assets.busybox);
    expect(busybox.readUInt16LE(18)).toBe(243);
  });

  it('the newest riscv64 Linux (7.2 today) on QEMU\'s own RIMT gives every function that RIMT maps the riscv-iommu-pci, one group per root port; ridmap\'s map differs only at 00:00.0, which QEMU leaves out', async () => {
    const root = lookup.root!;
    const kernel = newestReferenceKernel(root, 'riscv64')!;
    const r = await judgeTopology({
      topology: await board(), assets: kernel.assets, machineArgs: ARGV, root: root.path, qemu: 'qemu-system-riscv64', tablesFrom: 'firmware', timeoutMs: BOOT_MS,
    });
    const boot = r.boot;
    console.info(`riscv64 virt on QEMU's RIMT, QEMU ${root.qemuVersion}, Linux ${kernel.assets.kernelVersion}: ${boot.elapsedMs} ms`);
    const rimt = boot.report.tables.get('RIMT');
    expect(rimt, 'Linux holds no RIMT').toBeInstanceOf(Uint8Array);
    expect((decodeTable(rimt!).model as { oemId: string }).oemId).toBe('BOCHS ');
    expect(boot.report.dmesg.some((l) => /ACPI: RIMT 0x/.test(l)), 'dmesg lists no RIMT').toBe(true);
    expect(boot.report.iommus.map((u) => u.name)).toEqual(['riscv-iommu@0000:00:01.0']);
    const byHand = compareWithLinux(predicted(true), boot.report);
    expect(byHand.agree, `${formatComparisonText(byHand)}\nLinux said:\n${boot.report.dmesg.join('\n')}`).toBe(true);
    // ridmap's map of the board translates the host bridge too (ridmap's RIMT maps every RID but the IOMMU's).
    const c = r.comparison;
    expect(c.devices.filter((d) => !d.iommuAgrees).map((d) => d.sbdf), formatComparisonText(c)).toEqual(['0000:00:00.0']);
    expect(c.groupDifferences, formatComparisonText(c)).toEqual([expect.stringMatching(/^gpex-root@pcie\.0:00\.0 \(0000:00:00\.0\): ridmap says group g\d+, Linux no group$/)]);
  }, BOOT_MS + 30_000);

  it('the newest riscv64 Linux (7.2 today) on ridmap\'s RIMT, in a rebuilt table set in flash (acpi_rsdp=), agrees with ridmap\'s map device by device and group by group', async () => {
    const root = lookup.root!;
    const kernel = newestReferenceKernel(root, 'riscv64')!;
    // bootOnRebuiltTables (under judgeTopology) refuses a boot unless dmesg shows the RSDP at the set's address and Linux holds ridmap's RIMT bytes for bytes.
    const r = await judgeTopology({ topology: await board(), assets: kernel.assets, machineArgs: ARGV, root: root.path, qemu: 'qemu-system-riscv64', timeoutMs: BOOT_MS });
    console.info(`riscv64 virt on ridmap's RIMT, Linux ${kernel.assets.kernelVersion}: ${r.boot.elapsedMs} ms (QEMU's tables: ${r.rebuilt?.firmwareBootMs} ms, 0 = reused)`);
    expect(r.rebuilt?.image.address).toBe(RISCV_TABLE_SET_ADDRESS);
    expect(r.tables.map((t) => t.signature)).toEqual(['RIMT']);
    expect(r.boot.report.tables.get('RIMT')).toEqual(r.tables[0]!.bytes);
    expect(r.comparison.agree, `${formatComparisonText(r.comparison)}\nLinux said:\n${r.boot.report.dmesg.join('\n')}`).toBe(true);
    // Everything but the IOMMU itself is translated, the host bridge too.
    expect(r.comparison.devices.filter((d) => d.linux?.iommu === IOMMU)).toHaveLength(7);
  }, 2 * BOOT_MS + 30_000);

  it('Linux 6.12, without a RISC-V IOMMU driver, ignores RIMT: no device is translated', async () => {
    const root = lookup.root!;
    const kernel = referenceKernel(root, '6.12', 'riscv64')!;
    const boot = await bootJudge({
      assets: kernel.assets, machineArgs: ARGV, tables: [], reportSignatures: ['RIMT'], root: root.path, qemu: 'qemu-system-riscv64', timeoutMs: BOOT_MS,
    });
    console.info(`riscv64 virt, QEMU ${root.qemuVersion}, Linux ${kernel.assets.kernelVersion}: ${boot.elapsedMs} ms`);
    expect(boot.report.tables.get('RIMT')).toBeInstanceOf(Uint8Array);
    expect(boot.report.iommus).toEqual([]);
    const c = compareWithLinux(predicted(false), boot.report);
    expect(c.agree, formatComparisonText(c)).toBe(true);
    // So the judge refuses to blame a RIMT on it, before any boot.
    await expect(judgeTopology({ topology: await board(), assets: kernel.assets, machineArgs: ARGV, root: root.path, qemu: 'qemu-system-riscv64' }))
      .rejects.toThrow(/^Linux 6\.12\.\d+\+deb13-riscv64 cannot judge a RIMT: CONFIG_ACPI_RIMT and CONFIG_RISCV_IOMMU are not set/);
  }, BOOT_MS + 30_000);
});
