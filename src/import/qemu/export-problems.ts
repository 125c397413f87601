/**
 * How `export qemu` reports: every problem names the topology's document
 * path (hostBridges[0].children[2]), as the validator does. A refusal is an
 * error (exit 2: the topology is not one QEMU can build); what the command
 * line leaves out without changing the map is a warning.
 */
import { InputError, type Diagnostic, type Severity } from '../../diagnostic.js';

export const QEMU_EXPORT_CODES = {
  'qemu-export-refused': 'Something QEMU cannot build (or import qemu would read back differently): the command line is not written.',
  'qemu-export-not-carried': 'A warning: a field QEMU\'s own tables do not carry and that does not change the map; dropped.',
  'qemu-export-model': 'A warning: a device model QEMU cannot create from the command line alone, replaced by a generic endpoint.',
  'qemu-export-firmware-differs': 'A warning: QEMU\'s own firmware tables for the line map part of the machine otherwise than the topology (ridmap boot injects ridmap\'s tables; --tables qemu would see QEMU\'s).',
  'qemu-export-builtin': 'Info: a function QEMU builds into the machine; it cannot keep the topology\'s id (import qemu names it).',
} as const;

export type QemuExportCode = keyof typeof QEMU_EXPORT_CODES;

export function exportProblem(code: QemuExportCode, path: string, message: string, severity: Severity): Diagnostic {
  return { severity, code, ...(path ? { path } : {}), message };
}

/** Collects what the exporter finds, in topology order. */
export class ExportReport {
  readonly diagnostics: Diagnostic[] = [];

  refuse(path: string, message: string): void {
    this.diagnostics.push(exportProblem('qemu-export-refused', path, message, 'error'));
  }

  notCarried(path: string, message: string): void {
    this.diagnostics.push(exportProblem('qemu-export-not-carried', path, message, 'warning'));
  }

  note(code: QemuExportCode, path: string, message: string, severity: Severity): void {
    this.diagnostics.push(exportProblem(code, path, message, severity));
  }

  get refused(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** The refusals alone: what is not carried, or how built-ins are named, does not matter once nothing is written. */
  refusal(): InputError {
    return new InputError(this.diagnostics.filter((d) => d.severity === 'error'));
  }
}
