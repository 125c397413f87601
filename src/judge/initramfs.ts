/**
 * The two cpio archives a judge boot hands Linux as one initrd:
 * first the ACPI table upgrade (uncompressed, `kernel/firmware/acpi/<SIG>.aml`,
 * which Linux scans before it parses the firmware's tables), then the busybox
 * root file system with /init. Linux unpacks concatenated archives in order.
 */
import { concatBytes } from '../codec/bytes.js';
import { type CpioEntry, writeCpio } from './cpio.js';
import { type ReportPort, X86_REPORT_PORT } from './guest.js';
import { ALL_TABLES, judgeInitScript, SNAPSHOT_SCRIPT } from './init-script.js';

/** The directory Linux's ACPI_TABLE_UPGRADE reads tables from (drivers/acpi/tables.c). */
export const ACPI_UPGRADE_DIR = 'kernel/firmware/acpi';

export interface AcpiTableFile {
  signature: string;
  bytes: Uint8Array;
}

/** The table-upgrade archive: one `<SIG>.aml` per table, raw table bytes despite the name. */
export function acpiUpgradeArchive(tables: readonly AcpiTableFile[]): Uint8Array {
  tables.forEach((t) => checkSignature(t.signature));
  const entries: CpioEntry[] = [
    { kind: 'directory', path: 'kernel' },
    { kind: 'directory', path: 'kernel/firmware' },
    { kind: 'directory', path: ACPI_UPGRADE_DIR },
  ];
  for (const t of tables) entries.push({ kind: 'file', path: `${ACPI_UPGRADE_DIR}/${t.signature}.aml`, data: t.bytes });
  return writeCpio(entries);
}

export interface JudgeRootFiles {
  /** A statically linked busybox for the guest's architecture. */
  busybox: Uint8Array;
  /** Modules (plain ELF) /init loads in this order, each after what it depends on; none when built in. */
  modules: readonly { name: string; bytes: Uint8Array }[];
  /** The table signatures whose /sys/firmware/acpi/tables bytes /init prints (ALL_TABLES: every one). */
  signatures: readonly string[] | typeof ALL_TABLES;
  /** The Device Tree properties (`/node/path/property`) whose /proc/device-tree bytes /init prints. */
  dtProperties?: readonly string[];
  /** Where /init reports (default: ttyS1, the kernel logging on ttyS0). */
  report?: ReportPort;
  /** scripts/ridmap-snapshot.sh: /init runs it and prints the archive (LinuxReport.snapshot). */
  snapshotScript?: Uint8Array;
}

/** The busybox root file system with the judge's /init. */
export function judgeInitramfs(files: JudgeRootFiles): Uint8Array {
  if (files.signatures !== ALL_TABLES) files.signatures.forEach(checkSignature);
  const moduleNames = files.modules.map((m) => m.name);
  const report = files.report ?? X86_REPORT_PORT;
  const script = judgeInitScript({
    signatures: files.signatures, modules: moduleNames, dtProperties: files.dtProperties ?? [],
    reportDevice: report.device, sharedPort: report.sharedPort, snapshot: files.snapshotScript !== undefined,
  });
  const entries: CpioEntry[] = [
    { kind: 'directory', path: 'bin' },
    { kind: 'file', path: 'bin/busybox', data: files.busybox, mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'directory', path: 'dev' },
    // The kernel opens /dev/console for init before anything is mounted.
    { kind: 'char-device', path: 'dev/console', major: 5, minor: 1 },
    // The report's port, for when devtmpfs cannot be mounted over /dev.
    { kind: 'char-device', path: report.device.slice(1), major: report.major, minor: report.minor },
    { kind: 'file', path: 'init', data: new TextEncoder().encode(script), mode: 0o755 },
  ];
  if (files.snapshotScript) entries.push({ kind: 'file', path: SNAPSHOT_SCRIPT, data: files.snapshotScript, mode: 0o755 });
  if (files.modules.length > 0) {
    entries.push({ kind: 'directory', path: 'modules' });
    for (const m of files.modules) {
      if (!/^[\w.-]+\.ko$/.test(m.name)) throw new Error(`judge: "${m.name}" is not a module file name`);
      entries.push({ kind: 'file', path: `modules/${m.name}`, data: m.bytes });
    }
  }
  return writeCpio(entries);
}

/** The initrd for one boot: the upgrade archive first, as Linux requires. */
export function judgeInitrd(tables: readonly AcpiTableFile[], root: JudgeRootFiles): Uint8Array {
  return concatBytes([acpiUpgradeArchive(tables), judgeInitramfs(root)]);
}

/** Signatures become file names and words of /init: four upper-case letters or digits, as every ACPI signature is. */
function checkSignature(signature: string): void {
  if (!/^[A-Z0-9]{4}$/.test(signature)) throw new Error(`judge: "${signature}" is not an ACPI table signature`);
}
