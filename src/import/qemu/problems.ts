/**
 * How the importer reports: every problem names the command-line argument
 * that caused it (its argv position and its text), so a user can find it in
 * a long command line. Errors stop the import (exit 2); warnings are
 * printed and the import goes on.
 */
import { InputError, type Diagnostic, type Severity } from '../../diagnostic.js';
import { OptsSyntaxError } from './opts.js';

/** Every code the importer can report. */
export const QEMU_IMPORT_CODES = {
  'qemu-usage': 'The command line cannot be read as QEMU options (an option without its value, nothing to import).',
  'qemu-bad-value': 'An option value QEMU would refuse: a malformed number, address, boolean or JSON.',
  'qemu-unsupported-machine': 'A machine type other than q35, pc (i440FX), Arm virt or RISC-V virt, or none given to an emulator without a default machine.',
  'qemu-unsupported-device': 'A device the importer knows but cannot describe (virtio-iommu on virtio-mmio, CXL, arm-smmuv3 before QEMU 10.1, intel-iommu or amd-iommu on pc).',
  'qemu-duplicate-id': 'Two devices with the same id=.',
  'qemu-unknown-bus': 'A bus= that names no PCI bus.',
  'qemu-devfn-taken': 'Two functions at one device.function of a bus.',
  'qemu-bus-full': 'No free slot left on a bus for a device without addr=.',
  'qemu-multifunction': 'Functions added to a slot whose function 0 is not multifunction=on (or the reverse).',
  'qemu-placement': 'A device on a bus where it cannot sit (a PCIe device on a conventional bus, an endpoint on a switch, a port outside PCIe, a non-bridge on pxb-pcie).',
  'qemu-chassis-slot': 'Two PCIe ports with the same chassis and slot, or a pci-bridge without chassis_nr.',
  'qemu-multiple-iommus': 'More than one IOMMU where QEMU takes one: one per machine, or, for -device arm-smmuv3, one per root complex.',
  'qemu-expander': 'An expander bridge without a usable bus_nr, on a bus other than the root, or with an unknown NUMA node.',
  'qemu-iommu-option': 'An IOMMU option QEMU refuses (aw-bits other than 39/48, fsts without scalable-mode, interrupt remapping with an in-kernel irqchip), or dma-translation=off (the unit then translates nothing, which a topology cannot say).',
  'qemu-topology': 'The imported topology is not valid for ridmap (the validator\'s message follows).',
  'qemu-acpi-only': 'A warning: a part of the machine QEMU describes to the guest in ACPI only (an expander bridge on Arm virt): booted with a Device Tree, Linux never sees it.',
  'qemu-ignored': 'A warning: an option or device that has no PCI function, or that the importer does not apply.',
  'qemu-unknown-device': 'A warning: a device the importer does not know, imported as a generic PCI endpoint.',
  'qemu-unknown-option': 'A warning: an option the importer does not know; it was assumed to take a value.',
} as const;

export type QemuImportCode = keyof typeof QEMU_IMPORT_CODES;

/** Where an argument sits on the command line. */
export interface ArgRef {
  /** Position in argv as given to the importer (a leading binary is argv[0]). */
  index: number;
  /** The option and its value as written: `-device e1000,bus=nope`. */
  text: string;
}

/** The `file` of every import diagnostic. */
export const QEMU_ARGV = 'qemu';

export function problem(code: QemuImportCode, arg: ArgRef | undefined, message: string, severity: Severity = 'error'): Diagnostic {
  return {
    severity,
    code,
    file: QEMU_ARGV,
    ...(arg ? { path: `argv[${arg.index}]` } : {}),
    message: arg ? `\`${arg.text}\`: ${message}` : message,
  };
}

/** Thrown for the first contradiction that makes going on pointless. */
export function fail(code: QemuImportCode, arg: ArgRef | undefined, message: string): never {
  throw new InputError([problem(code, arg, message)]);
}

/** Runs a value parser and turns its complaint into a diagnostic naming the argument. */
export function checked<T>(arg: ArgRef, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof OptsSyntaxError) fail('qemu-bad-value', arg, `${what}: ${e.message}`);
    throw e;
  }
}
