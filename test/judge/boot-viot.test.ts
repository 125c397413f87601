/**
 * Linux judges a VIOT (issue 15): `ridmap boot` on tables/q35-virtio-iommu-pxb.yaml
 * boots Debian 13's 6.12 on a rebuilt table set holding ridmap's VIOT
 * (acpi_rsdp=) and on QEMU's own, and every PCI device must get the IOMMU and
 * group partition ridmap's map says. A negative control cuts one PCI range:
 * Linux's answer must change exactly where ridmap's map of the cut table
 * predicts. Another boot loads the set but leaves acpi_rsdp= out: the proof
 * must refuse it, naming both RSDPs and both VIOT headers; one more flips a
 * bit of the VIOT's checksum, which the proof must refuse too.
 * Needs a kernel with virtio-iommu and qemu-system-x86_64 (viot-kernel.ts says
 * where; skipped with a message without them).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeViot, encodeViot } from '../../src/acpi/viot/index.js';
import { buildOutputs } from '../../src/build-outputs.js';
import { exportQemu } from '../../src/import/qemu/export-qemu.js';
import { bootJudge, type BootResult } from '../../src/judge/boot.js';
import { compareWithLinux } from '../../src/model/linux-verdict.js';
import {
  bootOnRebuiltTables, rebuiltTableSet, type RsdpBootResult, rsdpProblems, TABLE_SET_ADDRESS, tableSetKernelArgs,
} from '../../src/judge/rsdp-boot.js';
import { topologyForTableUpgrade } from '../../src/judge/upgrade-header.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import { TABLES_DIR } from '../support/paths.js';
import { VIOT_KERNEL, VIOT_KERNEL_MISSING, reportMissingViotKernel } from './viot-kernel.js';
import { disagreements, predict } from './judge-support.js';

reportMissingViotKernel();

const EXAMPLE = join(TABLES_DIR, 'q35-virtio-iommu-pxb.yaml');
/** Up to two TCG boots at once on a loaded 2-core machine; one takes 5-8 s alone. */
const BOOT_MS = 240_000;
const VIOMMU = 'virtio-iommu-pci@0000:00:02.0';

interface BootJson {
  kernel: string;
  tables: string;
  rsdp?: string;
  elapsedMs: number;
  firmwareBootMs?: number;
  agree: boolean;
  devices: { id: string | null; sbdf: string; linux: { iommu: string | null; group: string | null } | null }[];
  groupDifferences: string[];
}

describe.skipIf(VIOT_KERNEL_MISSING !== undefined)('Linux 6.12 judges q35-virtio-iommu-pxb on ridmap\'s VIOT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-viot-test-'));
  const topology = parseTopology(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
  const machineArgs = exportQemu(topology).argv.slice(1);
  const viot = buildOutputs(resolveTopology(topologyForTableUpgrade(topology))).outputs.find((o) => o.name === 'VIOT.dat')!.data as Uint8Array;
  const cut = withoutLastRange(viot);
  let ridmaps: CliRun;
  let qemus: CliRun;
  let cutBoot: RsdpBootResult;
  let ignored: BootResult;
  let badChecksum: BootResult;
  let text: CliRun;

  beforeAll(async () => {
    const started = Date.now();
    [ridmaps, qemus] = await Promise.all([
      runCli('boot', EXAMPLE, '--assets', VIOT_KERNEL!.dir, '--format', 'json'),
      runCli('boot', EXAMPLE, '--assets', VIOT_KERNEL!.dir, '--tables', 'qemu', '--format', 'json'),
    ]);
    // The firmware boot is cached (same command line and kernel): these two boot once each.
    [cutBoot, ignored] = await Promise.all([
      bootOnRebuiltTables({ assets: VIOT_KERNEL!.assets, machineArgs, tables: [{ signature: 'VIOT', bytes: cut }], timeoutMs: BOOT_MS }),
      bootWithoutAcpiRsdp(machineArgs, viot),
    ]);
    [badChecksum, text] = await Promise.all([
      bootWithBadViotChecksum(machineArgs, viot),
      runCli('boot', EXAMPLE, '--assets', VIOT_KERNEL!.dir),
    ]);
    writeFileSync(join(dir, 'cut.dat'), cut);
    console.info(`VIOT judge (${VIOT_KERNEL!.assets.kernelVersion}, TCG, two at once): 7 boots in ${Date.now() - started} ms; `
      + `ridmap's tables ${json(ridmaps).elapsedMs} ms after ${json(ridmaps).firmwareBootMs} ms reading QEMU's, QEMU's ${json(qemus).elapsedMs} ms, cut ${cutBoot.boot.elapsedMs} ms`);
  }, 4 * BOOT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ridmap boot on ridmap\'s VIOT: Linux agrees on every device, and the RSDP was ridmap\'s', () => {
    expect(ridmaps.code, ridmaps.stderr).toBe(0);
    const out = json(ridmaps);
    expect(out).toMatchObject({ tables: 'ridmap', rsdp: '0x10000000', agree: true, groupDifferences: [] });
    expect(out.devices).toHaveLength(12);
    expect(out.devices.filter((d) => d.linux!.iommu === VIOMMU).map((d) => d.id)).toEqual(['pxb1rp', 'net0', 'pxb2rp', 'blk0']);
  });

  it('ridmap boot prints where the RSDP was, then the devices side by side (text)', () => {
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    // The firmware boot was the process's earlier one (the same command line and kernel): no second one to report.
    expect(lines[0]).toMatch(/^Linux 6\.12\.\S+ on ridmap's VIOT \(a rebuilt table set, RSDP at 0x10000000\), booted in \d+\.\d s$/);
    // Linux numbers groups in probe order: only ridmap's name is fixed.
    expect(lines.filter((l) => /^net0 +0000:11:00\.0 +virtio-iommu-pci@0000:00:02\.0 group g7 +virtio-iommu-pci@0000:00:02\.0 group \d+ +ok$/.test(l))).toHaveLength(1);
    expect(text.stdout).toContain('group partitions: equal\nIOMMU: 12 of 12 devices agree\nLinux agrees with ridmap\n');
  });

  it('ridmap boot --tables qemu: Linux on QEMU\'s own VIOT agrees with ridmap\'s map too', () => {
    expect(qemus.code, qemus.stderr).toBe(0);
    const out = json(qemus);
    expect(out).toMatchObject({ tables: 'qemu', agree: true, groupDifferences: [] });
    expect(out.rsdp).toBeUndefined();
    expect(out.devices.filter((d) => d.linux!.iommu === VIOMMU)).toHaveLength(4);
  });

  it('negative control: without pxb2\'s PCI range Linux\'s answer changes exactly where ridmap\'s map of that table predicts', async () => {
    expect(cutBoot.boot.report.tables.get('VIOT')).toEqual(cut);
    const predictedCut = await predict(join(dir, 'cut.dat'), '--topology', EXAMPLE);
    const c = compareWithLinux(predictedCut, cutBoot.boot.report);
    expect(disagreements(c)).toEqual([]);
    const before = compareWithLinux(await predict(EXAMPLE), cutBoot.boot.report);
    const whole = json(ridmaps).devices;
    const changed = (side: 'linux' | 'ridmap') => c.devices
      .filter((d, i) => (side === 'linux' ? whole[i]!.linux!.iommu : before.devices[i]!.ridmap!.iommu) !== d[side]!.iommu)
      .map((d) => d.sbdf);
    expect(changed('linux')).toEqual(['0000:30:00.0', '0000:31:00.0']);
    expect(changed('ridmap')).toEqual(changed('linux'));
  });

  it('refuses a boot where Linux did not take the rebuilt set (acpi_rsdp= left out), naming both RSDPs and both VIOT headers', () => {
    expect(rsdpProblems(ignored.report, TABLE_SET_ADDRESS, [{ signature: 'VIOT', bytes: viot }])).toEqual([
      expect.stringMatching(/^RSDP: Linux used the one at 0xf[0-9a-f]{4}, not ridmap's at 0x10000000 \(acpi_rsdp= ignored/),
      expect.stringMatching(/^VIOT: \/sys\/firmware\/acpi\/tables\/VIOT is not ridmap's: Linux holds VIOT \(\d+ bytes, OEM "BOCHS " "BXPC    " revision 1, creator "BXPC"\), ridmap built VIOT \(112 bytes, OEM "BOCHS " "BXPC    " revision 2, creator "RDMP"\)$/),
    ]);
  });

  it('refuses a set whose VIOT checksum is wrong: Linux logs it (acpi_force_table_verification) and uses the table all the same', () => {
    expect(badChecksum.report.dmesg.some((l) => l.includes('Incorrect checksum in table [VIOT]'))).toBe(true);
    expect(rsdpProblems(badChecksum.report, TABLE_SET_ADDRESS, [{ signature: 'VIOT', bytes: viot }])).toEqual([
      expect.stringMatching(/^VIOT: Linux found its checksum wrong in the rebuilt set \(0x[0-9A-F]{2}, should be 0x[0-9A-F]{2}\)$/),
      expect.stringMatching(/^VIOT: \/sys\/firmware\/acpi\/tables\/VIOT is not ridmap's/),
    ]);
  });
});

describe.skipIf(VIOT_KERNEL_MISSING !== undefined)('ridmap boot with a kernel that registers no virtio-iommu', () => {
  it('refuses the answer (exit 2) instead of blaming the VIOT: --kernel boots without the cached virtio_iommu module', async () => {
    const run = await runCli('boot', EXAMPLE, '--assets', VIOT_KERNEL!.dir, '--kernel', VIOT_KERNEL!.assets.vmlinuz, '--tables', 'qemu');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\[boot-failed\]: Linux .* \(given\) registered no virtio-iommu \(\/sys\/class\/iommu holds nothing\), so it cannot judge a VIOT: .*--kernel boots without the cached modules/);
    expect(run.stdout).toBe('');
  }, BOOT_MS);
});

/** The set loaded where it should be, with every kernel argument but acpi_rsdp=: Linux must keep the firmware's RSDP. */
async function bootWithoutAcpiRsdp(machineArgs: readonly string[], viot: Uint8Array): Promise<BootResult> {
  const { image } = await rebuiltTableSet({ assets: VIOT_KERNEL!.assets, machineArgs, tables: [{ signature: 'VIOT', bytes: viot }], timeoutMs: BOOT_MS });
  return bootJudge({
    assets: VIOT_KERNEL!.assets, machineArgs, tables: [], reportSignatures: ['VIOT'], timeoutMs: BOOT_MS,
    kernelArgs: tableSetKernelArgs(image).filter((a) => !a.startsWith('acpi_rsdp=')),
    guestMemory: [{ address: image.address, bytes: image.bytes }],
  });
}

/** The set with one bit of the VIOT's checksum flipped (its bytes otherwise ridmap's). */
async function bootWithBadViotChecksum(machineArgs: readonly string[], viot: Uint8Array): Promise<BootResult> {
  const { image } = await rebuiltTableSet({ assets: VIOT_KERNEL!.assets, machineArgs, tables: [{ signature: 'VIOT', bytes: viot }], timeoutMs: BOOT_MS });
  const bytes = image.bytes.slice();
  const at = image.placed.find((p) => p.signature === 'VIOT')!.address - image.address;
  bytes[Number(at) + 9] ^= 1;
  return bootJudge({
    assets: VIOT_KERNEL!.assets, machineArgs, tables: [], reportSignatures: ['VIOT'], timeoutMs: BOOT_MS,
    kernelArgs: tableSetKernelArgs(image), guestMemory: [{ address: image.address, bytes }],
  });
}

function json(run: CliRun): BootJson {
  return JSON.parse(run.stdout) as BootJson;
}

/** The VIOT without its last PCI range (pxb2's buses 0x30-0xff in the example). */
function withoutLastRange(bytes: Uint8Array): Uint8Array {
  const { table } = decodeViot(bytes);
  const last = table.nodes.map((n) => n.type).lastIndexOf('PciRange');
  expect(last).toBeGreaterThan(0);
  table.nodes.splice(last, 1);
  const e = encodeViot(table);
  expect(e.diagnostics).toEqual([]);
  return e.bytes!;
}
