/**
 * Drives that make QEMU create a PCI function of its own: `-drive if=virtio`
 * anywhere, and on Arm and RISC-V virt, whose default interface is virtio,
 * every drive that leaves if= to the machine (`-drive` without if=, `-cdrom`,
 * `-hda`...). QEMU adds a virtio-blk-pci for each after the -device options
 * (blockdev.c drive_new), on a root bus of QEMU's choosing (bios-tables-test
 * notes that with an expander it may be the expander's). The importer does
 * not place them, so each is a warning naming the function the topology, and
 * every table built from it, lacks.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { QemuArg } from './argv.js';
import type { MachineKind } from './machines.js';
import { parseOpts } from './opts.js';
import { problem } from './problems.js';

/** Options that are a drive with the machine's default interface. */
const DEFAULT_IF_DRIVES = new Set(['-cdrom', '-hda', '-hdb', '-hdc', '-hdd']);

/** Machines whose block_default_type is IF_VIRTIO (hw/arm/virt.c, hw/riscv/virt.c); q35's is AHCI, built in. */
const VIRTIO_DEFAULT: ReadonlySet<MachineKind> = new Set(['virt', 'riscv-virt']);

function interfaceOf(arg: QemuArg, kind: MachineKind): string {
  const fallback = VIRTIO_DEFAULT.has(kind) ? 'virtio' : 'default';
  if (DEFAULT_IF_DRIVES.has(arg.name)) return fallback;
  return parseOpts(arg.value!, 'file').props.get('if') ?? fallback;
}

export function virtioDriveWarnings(args: readonly QemuArg[], kind: MachineKind): Diagnostic[] {
  return args
    .filter((a) => (a.name === '-drive' || DEFAULT_IF_DRIVES.has(a.name)) && interfaceOf(a, kind) === 'virtio')
    .map((a) => problem('qemu-ignored', a, 'QEMU creates a virtio-blk-pci function for this drive (after the -device functions, '
      + 'on a root bus of its choosing), which the importer does not place: the topology and its tables leave it out; '
      + 'give it as -device virtio-blk-pci,drive=ID to have it imported', 'warning'));
}
