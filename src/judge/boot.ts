/**
 * One judge boot: Debian's kernel under QEMU (TCG) with ridmap's ACPI tables
 * injected by the table upgrade (or, on arm64 under DT, ridmap's Device Tree
 * given with -dtb), the busybox initramfs reporting what Linux decided, and
 * the proof that Linux used ridmap's bytes. The only judge file that touches
 * files and processes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decodeTable } from '../acpi/table.js';
import { equalBytes } from '../codec/bytes.js';
import { valueText } from '../dt/dts-value-text.js';
import type { JudgeAssets } from './assets.js';
import type { DtTree } from '../dt/tree.js';
import type { FirmwareInterface } from '../model/linux-profile.js';
import { type DtGraft, DtGraftError, graftDeviceTree } from './dt-graft.js';
import { guestSetup, uefiFirmware, uefiVars } from './guest.js';
import type { ALL_TABLES } from './init-script.js';
import { type AcpiTableFile, judgeInitrd } from './initramfs.js';
import { type LinuxReport, parseJudgeConsole } from './parse.js';
import { chrootArgv, rootTempDir } from './reference-root.js';

export interface BootRequest {
  assets: JudgeAssets;
  /** The machine and its devices (everything but -kernel/-initrd/-append and the console options). */
  machineArgs: readonly string[];
  /** The tables Linux must use instead of the firmware's (none: a boot on the firmware's own tables). */
  tables: readonly AcpiTableFile[];
  /** The signatures whose bytes /init reports (ALL_TABLES: every table Linux holds); default the injected tables'. */
  reportSignatures?: readonly string[] | typeof ALL_TABLES;
  /** Kernel parameters after the guest's own (guest.ts). */
  kernelArgs?: readonly string[];
  /** Bytes QEMU's generic loader writes into guest memory before the firmware runs. */
  guestMemory?: readonly GuestMemoryImage[];
  /** How Linux finds the platform: ACPI (default; on arm64 through UEFI) or a Device Tree (arm64, no firmware). */
  firmware?: FirmwareInterface;
  /**
   * On a DT boot, ridmap's tree: its translation properties are grafted onto
   * QEMU's own tree for the same command line (dt-graft.ts), handed to Linux
   * with -dtb, and proven from /proc/device-tree. None: QEMU's own tree.
   */
  deviceTree?: DtTree;
  /** The EDK2 image an arm64 ACPI boot runs (default guest.ts's). */
  uefi?: string;
  qemu?: string;
  timeoutMs?: number;
  /** By when Linux's banner must be out, else the boot hung before Linux and is booted again (default BANNER_WITHIN_MS). */
  bannerWithinMs?: number;
  /** A reference root (scripts/reference-root.sh) QEMU runs inside with chroot; the kernel must then lie inside it. */
  root?: string;
  /** scripts/ridmap-snapshot.sh, to run in the guest after the pci-stub binding: its archive comes back as report.snapshot. */
  snapshotScript?: Uint8Array;
}

export interface GuestMemoryImage {
  /** Guest-physical address of the first byte. */
  address: bigint;
  bytes: Uint8Array;
}

/** A property of the tree Linux must boot on: `/node/path/property` and its bytes, or null when it must be absent. */
export interface DtPropertyExpectation {
  path: string;
  bytes: Uint8Array | null;
}

export interface BootResult {
  report: LinuxReport;
  /** What /init printed on its port (and QEMU on its stderr). */
  console: string;
  /** The kernel's own console (ttyS0; on arm64 the same port as the report). */
  kernelLog: string;
  /** The grafted Device Tree properties Linux was proven to hold (none unless the request gave a tree). */
  dtProperties: DtPropertyExpectation[];
  elapsedMs: number;
}

/** What every Linux prints first on its console ("Linux version 6.12.… (…)"). */
const LINUX_BANNER = 'Linux version ';
/**
 * By when a boot must have printed Linux's banner: firmware and the kernel's
 * start take seconds under TCG (EDK2 on aarch64 the longest), so two minutes
 * is a hang, and twice that still leaves a second boot inside a test's time.
 */
const BANNER_WITHIN_MS = 120_000;

/** A boot that did not give a usable answer: QEMU failed, timed out, or Linux did not use ridmap's tables. */
export class JudgeError extends Error {
  constructor(message: string, readonly console: string) {
    super(message);
    this.name = 'JudgeError';
  }
}

/** Boots once and returns Linux's report; throws JudgeError unless the report is complete and every table is ridmap's. */
export async function bootJudge(req: BootRequest): Promise<BootResult> {
  // Inside the root, so that a chrooted QEMU sees the initrd and the kernel log.
  const dir = mkdtempSync(join(req.root ? rootTempDir(req.root) : tmpdir(), 'ridmap-judge-'));
  try {
    const firmware = req.firmware ?? 'acpi';
    // A QEMU in a reference root runs the root's own EDK2 (a file outside the root would not be seen).
    const arch = req.assets.arch;
    const images = uefiFirmware(arch);
    const uefi = req.uefi ?? images.map((f) => (req.root ? join(req.root, f) : f)).find((f) => existsSync(f));
    if (images.length > 0 && firmware === 'acpi' && (uefi === undefined || !existsSync(uefi) || (arch === 'riscv64' && !existsSync(uefiVars(uefi))))) {
      const pkg = arch === 'arm64' ? 'qemu-efi-aarch64' : 'qemu-efi-riscv64';
      const vars = arch === 'riscv64' ? ` with its variable store ${uefiVars(uefi ?? images[0]!)} beside it` : '';
      throw new JudgeError(`${arch === 'arm64' ? 'an' : 'a'} ${arch} ACPI boot runs EDK2, and there is none at ${req.uefi ?? images.join(' or ')}${vars} (Debian: apt-get install ${pkg})`, '');
    }
    const guest = guestSetup(req.assets.arch, firmware, uefi);
    const initrd = join(dir, 'initrd.cpio');
    const kernelLog = join(dir, 'kernel.log');
    const dtb = join(dir, 'board.dtb');
    const qemu = req.qemu ?? guest.qemu;
    const started = Date.now();
    const graft = req.deviceTree ? await graftedBoard(qemu, [...req.machineArgs, ...guest.qemuArgs(kernelLog)], dtb, req.deviceTree, req.root) : undefined;
    const dtProperties = graft?.properties ?? [];
    writeFileSync(initrd, judgeInitrd(req.tables, {
      busybox: readFileSync(req.assets.busybox),
      modules: req.assets.modules.map((m) => ({ name: basename(m), bytes: readFileSync(m) })),
      signatures: req.reportSignatures ?? req.tables.map((t) => t.signature),
      dtProperties: dtProperties.map((p) => p.path),
      report: guest.report,
      ...(req.snapshotScript ? { snapshotScript: req.snapshotScript } : {}),
    }));
    if (graft) writeFileSync(dtb, graft.dtb);
    // -device loader with force-raw=on copies the file as it is (no ELF/uImage sniffing) at reset.
    const loaders = (req.guestMemory ?? []).flatMap((image, i) => {
      const file = join(dir, `memory-${i}.bin`);
      writeFileSync(file, image.bytes);
      return ['-device', `loader,file=${file},addr=0x${image.address.toString(16)},force-raw=on`];
    });
    const args = [
      ...req.machineArgs, ...loaders,
      ...guest.qemuArgs(kernelLog),
      ...(graft ? ['-dtb', dtb] : []),
      '-kernel', req.assets.vmlinuz, '-initrd', initrd, '-append', [...guest.kernelArgs, ...(req.kernelArgs ?? [])].join(' '),
    ];
    const [command, ...argv] = req.root ? chrootArgv(req.root, qemu, args, [req.assets.vmlinuz]) : [qemu, ...args];
    const kernelTextOf = (output: string) => (guest.report.sharedPort ? output : existsSync(kernelLog) ? readFileSync(kernelLog, 'latin1') : '');
    const kernelText = () => kernelTextOf(run.output);
    // A guest that has not printed Linux's banner by BANNER_WITHIN_MS never read a table: under
    // TCG a boot can hang between the EFI stub and the console (a riscv64 6.12 boot that takes
    // 6 s did in CI, for the whole 300 s, and then the test's own time ran out before a second
    // boot could). It is stopped there, and one more boot, the same, is its answer.
    const timeoutMs = req.timeoutMs ?? 180_000;
    const watch = { withinMs: Math.min(req.bannerWithinMs ?? BANNER_WITHIN_MS, timeoutMs), started: (output: string) => kernelTextOf(output).includes(LINUX_BANNER) };
    let run = await runQemu(command!, argv, timeoutMs, watch);
    const retried = run.timedOut && !kernelText().includes(LINUX_BANNER);
    if (retried) run = await runQemu(command!, argv, timeoutMs, watch);
    const elapsedMs = Date.now() - started;
    const report = parseJudgeConsole(run.output);
    const kernel = kernelText();
    if (!report.complete) {
      const hung = !kernelText().includes(LINUX_BANNER);
      const timedOut = hung
        ? `no Linux banner within ${watch.withinMs} ms${retried ? ', twice' : ''}: the boot hung before Linux started`
        : `timed out after ${timeoutMs} ms${retried ? ', the second boot: the first hung before Linux printed its banner' : ''}`;
      const why = run.timedOut ? timedOut : run.error ?? `QEMU exited with ${run.code}`;
      throw new JudgeError(`the judge boot gave no complete report (${why}); QEMU and /init said:\n${tail(run.output)}\nthe kernel log ends:\n${tail(kernel)}`, run.output);
    }
    const problems = tableProblems(report, req.tables);
    if (problems.length > 0) {
      throw new JudgeError(`Linux did not use ridmap's tables:\n${problems.map((p) => `  ${p}`).join('\n')}`, run.output);
    }
    const dtProblems = dtPropertyProblems(report, dtProperties);
    if (dtProblems.length > 0) {
      throw new JudgeError(`Linux did not use ridmap's Device Tree properties:\n${dtProblems.map((p) => `  ${p}`).join('\n')}`, run.output);
    }
    return { report, console: run.output, kernelLog: kernel, elapsedMs, dtProperties };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Why the report does not prove that Linux used `tables`: the upgrade must say
 * so in dmesg and /sys/firmware/acpi/tables must hold the very bytes.
 */
export function tableProblems(report: LinuxReport, tables: readonly AcpiTableFile[]): string[] {
  const problems: string[] = [];
  for (const t of tables) {
    if (!report.dmesg.some((line) => line.includes(`Table Upgrade: override [${t.signature}-`))) {
      problems.push(`${t.signature}: dmesg has no "ACPI: Table Upgrade: override [${t.signature}-...]" (OEM ID, OEM Table ID and a higher OEM Revision must match the firmware's table)`);
    }
    const seen = report.tables.get(t.signature);
    if (seen === undefined || seen === null) problems.push(`${t.signature}: /sys/firmware/acpi/tables/${t.signature} is absent`);
    else if (!equalBytes(seen, t.bytes)) {
      problems.push(`${t.signature}: /sys/firmware/acpi/tables/${t.signature} is not ridmap's: Linux holds ${headerText(seen)}, ridmap built ${headerText(t.bytes)}`);
    }
  }
  return problems;
}

/**
 * QEMU's own tree for the machine (`-machine dumpdtb=`, same options as the
 * boot, so memory, CPUs and devices are the booted board's) with ridmap's
 * translation properties grafted on.
 */
async function graftedBoard(qemu: string, args: readonly string[], file: string, ours: DtTree, root: string | undefined): Promise<DtGraft> {
  // The board of the QEMU that boots: inside a reference root, the root's (another version's tree may differ).
  const dump = [...args, '-machine', `dumpdtb=${file}`];
  const [command, ...argv] = root ? chrootArgv(root, qemu, dump) : [qemu, ...dump];
  const run = await runQemu(command!, argv, 60_000);
  if (!existsSync(file)) throw new JudgeError(`QEMU did not write its Device Tree (-machine dumpdtb): ${run.error ?? tail(run.output)}`, run.output);
  try {
    return graftDeviceTree(readFileSync(file), ours);
  } catch (e) {
    if (e instanceof DtGraftError) throw new JudgeError(`ridmap's Device Tree cannot be put on QEMU's board: ${e.message}`, run.output);
    throw e;
  }
}

/**
 * Why the report does not prove that Linux's tree holds `expected`: every
 * property must be in /proc/device-tree with the very bytes (or be absent
 * where ridmap writes none).
 */
export function dtPropertyProblems(report: LinuxReport, expected: readonly DtPropertyExpectation[]): string[] {
  const problems: string[] = [];
  for (const e of expected) {
    const seen = report.dtProperties.get(e.path);
    if (seen === undefined) problems.push(`${e.path}: /init did not report it`);
    else if (e.bytes === null && seen !== null) problems.push(`${e.path}: Linux has it (${hex(seen)}), ridmap's tree has none`);
    else if (e.bytes !== null && seen === null) problems.push(`${e.path}: absent from /proc/device-tree, ridmap wrote ${hex(e.bytes)}`);
    else if (e.bytes !== null && seen !== null && !equalBytes(seen, e.bytes)) problems.push(`${e.path}: Linux holds ${hex(seen)}, ridmap wrote ${hex(e.bytes)}`);
  }
  return problems;
}

/** A property's bytes as a DTS value, the way dtc prints a decoded blob; an empty property as such. */
function hex(bytes: Uint8Array): string {
  return bytes.length === 0 ? 'empty' : valueText([{ kind: 'raw', bytes }]);
}

/** The header fields that tell two tables' origins apart, as dmesg prints them: `DMAR (128 bytes, OEM "BOCHS ", "BXPC    ", revision 1, creator "BXPC")`. */
export function headerText(bytes: Uint8Array): string {
  const h = decodeTable(bytes).model as Record<string, unknown>;
  return `${h['signature']} (${bytes.length} bytes, OEM "${h['oemId']}" "${h['oemTableId']}" revision ${h['oemRevision']}, creator "${h['creatorId']}")`;
}

interface QemuRun {
  output: string;
  code: number | null;
  timedOut: boolean;
  error?: string;
}

/** How a boot watches for its guest to start: `started` is asked of the output so far once, after `withinMs` (QEMU's dumpdtb run boots nothing). */
interface StartWatch {
  withinMs: number;
  started: (output: string) => boolean;
}

function runQemu(binary: string, args: readonly string[], timeoutMs: number, watch?: StartWatch): Promise<QemuRun> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    // The console of a runaway guest is capped rather than held whole.
    let size = 0;
    const keep = (b: Buffer) => {
      if (size < 8 << 20) chunks.push(b);
      size += b.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const startTimer = watch && setTimeout(() => {
      if (watch.started(Buffer.concat(chunks).toString('latin1'))) return;
      timedOut = true;
      child.kill('SIGKILL');
    }, watch.withinMs);
    let error: string | undefined;
    child.on('error', (e) => { error = `cannot run ${binary}: ${e.message}`; });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(startTimer);
      resolve({ output: Buffer.concat(chunks).toString('latin1'), code, timedOut, ...(error ? { error } : {}) });
    });
  });
}

function tail(text: string, lines = 30): string {
  return text.split(/\r?\n/).slice(-lines).join('\n');
}
