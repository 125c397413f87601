/**
 * Booting Linux on a rebuilt ACPI table set (rebuilt-tables.ts), for the
 * tables the table upgrade refuses (VIOT). Two boots: one on the firmware's
 * own tables, where /init prints every table Linux holds (cached per QEMU
 * command line and kernel for the life of the process), then one with the
 * rebuilt set loaded into guest memory by QEMU's generic loader and
 * `acpi_rsdp=` pointing Linux at it. The boot counts only when dmesg shows the
 * RSDP at that address and /sys/firmware/acpi/tables holds ridmap's bytes.
 *
 * Why not `-acpitable file=VIOT.dat`: QEMU appends user tables after its own
 * (hw/i386/acpi-build.c, "Add tables supplied by user"), so the guest sees two
 * VIOTs (booted here: QEMU 7.2 lists its own first, sysfs shows VIOT1 =
 * BOCHS/BXPC and VIOT2 = ridmap's) and Linux (drivers/acpi/viot.c,
 * acpi_get_table(ACPI_SIG_VIOT, 0, ...)) uses the first, QEMU's.
 */
import { formatAddress } from '../model/address.js';
import { equalBytes } from '../codec/bytes.js';
import type { JudgeArch, JudgeAssets } from './assets.js';
import { bootJudge, type BootResult, headerText, JudgeError } from './boot.js';
import { ALL_TABLES } from './init-script.js';
import type { AcpiTableFile } from './initramfs.js';
import type { LinuxReport } from './parse.js';
import { rebuildTableSet, type TableSetImage } from './rebuilt-tables.js';

/**
 * Where the rebuilt set goes in the judge's 512 MiB guest: 256 MiB, far from
 * everything else there. SeaBIOS keeps its own tables and allocations in the
 * top 128 KiB of RAM and below 1 MiB; QEMU puts the initrd just below the top
 * of RAM (a few MiB here); the kernel decompresses at 16 MiB (LOAD_PHYSICAL_ADDR)
 * and with `nokaslr` stays there, rather than at a random physical address
 * (the decompressor would avoid a `memmap=` region too, but only the first
 * four, and nokaslr makes every boot lay memory out the same way).
 * `memmap=<size>#<address>` then marks the range as ACPI data in the E820
 * map, so no allocator of Linux ever takes it.
 */
export const TABLE_SET_ADDRESS = 0x1000_0000n;

/**
 * Where the rebuilt set goes on RISC-V virt, where Linux's table upgrade is
 * not built at all (riscv selects no ARCH_HAS_ACPI_TABLE_UPGRADE) and RAM is
 * EDK2's to allocate (from the top) and the EFI stub's: 16 MiB into pflash
 * unit 1 (virt maps the two 32 MiB units at 0x20000000 and 0x22000000), past
 * EDK2's variable store in its first MiB. QEMU's generic loader writes it into
 * the flash's contents at reset; no firmware writes there, and no allocator
 * of Linux owns it, so no memmap= is needed.
 */
export const RISCV_TABLE_SET_ADDRESS = 0x2300_0000n;

/** Where the rebuilt set goes in the judge's guest of `arch`. */
export function tableSetAddress(arch: JudgeArch): bigint {
  return arch === 'riscv64' ? RISCV_TABLE_SET_ADDRESS : TABLE_SET_ADDRESS;
}

export interface RsdpBootRequest {
  assets: JudgeAssets;
  machineArgs: readonly string[];
  /** ridmap's tables that replace the firmware's of the same signature. */
  tables: readonly AcpiTableFile[];
  qemu?: string;
  timeoutMs?: number;
  /** A reference root to run QEMU in (BootRequest.root). */
  root?: string;
}

export interface RsdpBootResult {
  boot: BootResult;
  image: TableSetImage;
  /** The boot on the firmware's tables, 0 when an earlier call's was reused. */
  firmwareBootMs: number;
}

/** The set for a boot: the firmware's tables (read by a boot of their own, or the process's earlier one) with `req.tables` instead of theirs. */
export async function rebuiltTableSet(req: RsdpBootRequest): Promise<{ image: TableSetImage; firmwareBootMs: number }> {
  const firmware = await firmwareTables(req);
  return { image: rebuildTableSet(firmware.tables, req.tables, tableSetAddress(req.assets.arch)), firmwareBootMs: firmware.elapsedMs };
}

export async function bootOnRebuiltTables(req: RsdpBootRequest): Promise<RsdpBootResult> {
  const { image, firmwareBootMs } = await rebuiltTableSet(req);
  const boot = await bootJudge({
    assets: req.assets, machineArgs: req.machineArgs, tables: [],
    reportSignatures: req.tables.map((t) => t.signature),
    kernelArgs: tableSetKernelArgs(image, req.assets.arch),
    guestMemory: [{ address: image.address, bytes: image.bytes }],
    ...(req.qemu ? { qemu: req.qemu } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}), ...(req.root ? { root: req.root } : {}),
  });
  const problems = rsdpProblems(boot.report, image.address, req.tables);
  if (problems.length > 0) {
    throw new JudgeError(`Linux did not use ridmap's tables:\n${problems.map((p) => `  ${p}`).join('\n')}`, boot.console);
  }
  return { boot, image, firmwareBootMs };
}

/**
 * `memmap=` reserves whole pages, so the size is rounded up to 4 KiB.
 * acpi_force_table_verification: Linux skips the early checksum check by
 * default ("Early table checksum verification disabled"); with it, Linux
 * checks every table of the set and logs "Incorrect checksum in table [SIG]"
 * for a wrong one (and still uses it: booted here), which the proof refuses.
 * On RISC-V the set lies in flash (RISCV_TABLE_SET_ADDRESS), outside RAM:
 * nothing to reserve.
 */
export function tableSetKernelArgs(image: TableSetImage, arch: JudgeArch = 'amd64'): string[] {
  if (arch === 'riscv64') return [`acpi_rsdp=${formatAddress(image.address)}`, 'acpi_force_table_verification'];
  const size = Math.ceil(image.bytes.length / 4096) * 4096;
  return [
    `memmap=0x${size.toString(16)}#${formatAddress(image.address)}`, `acpi_rsdp=${formatAddress(image.address)}`, 'nokaslr',
    'acpi_force_table_verification',
  ];
}

/**
 * Why the report does not prove that Linux used the rebuilt set: dmesg must
 * show the RSDP at `address` (`ACPI: RSDP 0x0000000010000000 000024 (v02 BOCHS )`,
 * not the firmware's in the F segment) and no table with a wrong checksum, and
 * /sys/firmware/acpi/tables must hold ridmap's bytes.
 */
export function rsdpProblems(report: LinuxReport, address: bigint, tables: readonly AcpiTableFile[]): string[] {
  const problems: string[] = [];
  const rsdp = report.dmesg.map((l) => /ACPI: RSDP 0x([0-9a-f]+)/i.exec(l)).find((m) => m !== null);
  if (!rsdp) problems.push(`RSDP: dmesg has no "ACPI: RSDP 0x..." line (was acpi_rsdp=${formatAddress(address)} ignored? it needs CONFIG_KEXEC and no lockdown)`);
  else if (BigInt(`0x${rsdp[1]}`) !== address) {
    problems.push(`RSDP: Linux used the one at ${formatAddress(BigInt(`0x${rsdp[1]}`))}, not ridmap's at ${formatAddress(address)} (acpi_rsdp= ignored: CONFIG_KEXEC unset or the kernel locked down)`);
  }
  for (const line of report.dmesg) {
    const bad = /Incorrect checksum in table \[([^\]]*)\] - (0x[0-9A-Fa-f]+), should be (0x[0-9A-Fa-f]+)/.exec(line);
    if (bad) problems.push(`${bad[1]}: Linux found its checksum wrong in the rebuilt set (${bad[2]}, should be ${bad[3]})`);
  }
  for (const t of tables) {
    const seen = report.tables.get(t.signature);
    if (seen === undefined || seen === null) problems.push(`${t.signature}: /sys/firmware/acpi/tables/${t.signature} is absent`);
    else if (!equalBytes(seen, t.bytes)) {
      problems.push(`${t.signature}: /sys/firmware/acpi/tables/${t.signature} is not ridmap's: Linux holds ${headerText(seen)}, ridmap built ${headerText(t.bytes)}`);
    }
  }
  return problems;
}

interface FirmwareTables {
  tables: Uint8Array[];
  elapsedMs: number;
}

/** One firmware boot per QEMU binary (and the root it runs in), command line and kernel in this process: the tables depend on nothing else. */
const firmwareBoots = new Map<string, Promise<BootResult>>();

/**
 * Linux on the firmware's own tables, every table it holds reported: the
 * boot a rebuilt set starts from, and itself Linux's answer on the
 * firmware's tables (a caller judging both gets both from one boot).
 * `reused`: an earlier call's boot, nothing booted now.
 */
export async function bootOnFirmwareTables(req: Omit<RsdpBootRequest, 'tables'>): Promise<{ boot: BootResult; reused: boolean }> {
  const key = JSON.stringify([req.root ?? '', req.qemu ?? '', req.machineArgs, req.assets.vmlinuz, req.assets.modules]);
  const cached = firmwareBoots.get(key);
  if (cached) return { boot: await cached, reused: true };
  const boot = bootJudge({
    assets: req.assets, machineArgs: req.machineArgs, tables: [], reportSignatures: ALL_TABLES,
    ...(req.qemu ? { qemu: req.qemu } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}), ...(req.root ? { root: req.root } : {}),
  });
  // A failed boot is not kept: the next call tries again.
  boot.catch(() => firmwareBoots.delete(key));
  firmwareBoots.set(key, boot);
  return { boot: await boot, reused: false };
}

async function firmwareTables(req: RsdpBootRequest): Promise<FirmwareTables> {
  const { boot, reused } = await bootOnFirmwareTables(req);
  const tables = [...boot.report.tables.values()].filter((t): t is Uint8Array => t !== null);
  if (tables.length === 0) throw new JudgeError('the boot on the firmware\'s tables showed no table in /sys/firmware/acpi/tables', boot.console);
  return { tables, elapsedMs: reused ? 0 : boot.elapsedMs };
}
