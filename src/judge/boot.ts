/**
 * One judge boot: Debian's kernel under QEMU (TCG) with ridmap's ACPI tables
 * injected by the table upgrade, the busybox initramfs reporting what Linux
 * decided, and the proof that Linux used ridmap's bytes. The only judge file
 * that touches files and processes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decodeTable } from '../acpi/table.js';
import { equalBytes } from '../codec/bytes.js';
import type { JudgeAssets } from './assets.js';
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
  /** Kernel parameters after JUDGE_KERNEL_ARGS. */
  kernelArgs?: readonly string[];
  /** Bytes QEMU's generic loader writes into guest memory before the firmware runs. */
  guestMemory?: readonly GuestMemoryImage[];
  qemu?: string;
  timeoutMs?: number;
  /** A reference root (scripts/reference-root.sh) QEMU runs inside with chroot; the kernel must then lie inside it. */
  root?: string;
}

export interface GuestMemoryImage {
  /** Guest-physical address of the first byte. */
  address: bigint;
  bytes: Uint8Array;
}

export interface BootResult {
  report: LinuxReport;
  /** What /init printed on ttyS1 (and QEMU on its stderr). */
  console: string;
  /** The kernel's own console (ttyS0). */
  kernelLog: string;
  elapsedMs: number;
}

/** A boot that did not give a usable answer: QEMU failed, timed out, or Linux did not use ridmap's tables. */
export class JudgeError extends Error {
  constructor(message: string, readonly console: string) {
    super(message);
    this.name = 'JudgeError';
  }
}

/**
 * The kernel command line. The kernel logs to ttyS0 (kept in a file, shown when
 * a boot fails) and /init reports on ttyS1 (stdout), so kernel messages can
 * never split a report line. intel_iommu=on because Debian's 6.1 leaves VT-d
 * off by default; panic=-1 with -no-reboot ends QEMU at once on a panic.
 * no_timer_check: under TCG on a loaded host the IO-APIC timer test can miss
 * its ticks, and with VT-d interrupt remapping Linux then panics ("timer
 * doesn't work through Interrupt-remapped IO-APIC"; seen on Debian's 6.12 with
 * four boots sharing two cores), which says nothing about the tables.
 */
export const JUDGE_KERNEL_ARGS = ['console=ttyS0', 'intel_iommu=on', 'iommu.strict=1', 'panic=-1', 'no_timer_check'];

/** Boots once and returns Linux's report; throws JudgeError unless the report is complete and every table is ridmap's. */
export async function bootJudge(req: BootRequest): Promise<BootResult> {
  // Inside the root, so that a chrooted QEMU sees the initrd and the kernel log.
  const dir = mkdtempSync(join(req.root ? rootTempDir(req.root) : tmpdir(), 'ridmap-judge-'));
  try {
    const initrd = join(dir, 'initrd.cpio');
    const kernelLog = join(dir, 'kernel.log');
    writeFileSync(initrd, judgeInitrd(req.tables, {
      busybox: readFileSync(req.assets.busybox),
      modules: req.assets.modules.map((m) => ({ name: basename(m), bytes: readFileSync(m) })),
      signatures: req.reportSignatures ?? req.tables.map((t) => t.signature),
    }));
    // -device loader with force-raw=on copies the file as it is (no ELF/uImage sniffing) at reset.
    const loaders = (req.guestMemory ?? []).flatMap((image, i) => {
      const file = join(dir, `memory-${i}.bin`);
      writeFileSync(file, image.bytes);
      return ['-device', `loader,file=${file},addr=0x${image.address.toString(16)},force-raw=on`];
    });
    const args = [
      ...req.machineArgs, ...loaders,
      // Both ports whatever the machine args say (-nodefaults removes the default one): ttyS0 the kernel log, ttyS1 the report.
      '-m', '512M', '-display', 'none', '-serial', `file:${kernelLog}`, '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
      '-kernel', req.assets.vmlinuz, '-initrd', initrd, '-append', [...JUDGE_KERNEL_ARGS, ...(req.kernelArgs ?? [])].join(' '),
    ];
    const started = Date.now();
    const qemu = req.qemu ?? 'qemu-system-x86_64';
    const [command, ...argv] = req.root ? chrootArgv(req.root, qemu, args, [req.assets.vmlinuz]) : [qemu, ...args];
    const run = await runQemu(command!, argv, req.timeoutMs ?? 180_000);
    const elapsedMs = Date.now() - started;
    const report = parseJudgeConsole(run.output);
    const kernel = existsSync(kernelLog) ? readFileSync(kernelLog, 'latin1') : '';
    if (!report.complete) {
      const why = run.timedOut ? `timed out after ${req.timeoutMs ?? 180_000} ms` : run.error ?? `QEMU exited with ${run.code}`;
      throw new JudgeError(`the judge boot gave no complete report (${why}); QEMU and /init said:\n${tail(run.output)}\nthe kernel log ends:\n${tail(kernel)}`, run.output);
    }
    const problems = tableProblems(report, req.tables);
    if (problems.length > 0) {
      throw new JudgeError(`Linux did not use ridmap's tables:\n${problems.map((p) => `  ${p}`).join('\n')}`, run.output);
    }
    return { report, console: run.output, kernelLog: kernel, elapsedMs };
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

function runQemu(binary: string, args: readonly string[], timeoutMs: number): Promise<QemuRun> {
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
    let error: string | undefined;
    child.on('error', (e) => { error = `cannot run ${binary}: ${e.message}`; });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output: Buffer.concat(chunks).toString('latin1'), code, timedOut, ...(error ? { error } : {}) });
    });
  });
}

function tail(text: string, lines = 30): string {
  return text.split(/\r?\n/).slice(-lines).join('\n');
}
