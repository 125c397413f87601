/**
 * `ridmap import qemu -- ARGS...`: a topology (YAML on stdout, or in the file
 * given by -o) from a QEMU command line. Warnings (ignored options, unknown
 * devices) go to stderr; a contradiction in the command line is an input
 * error (exit 2).
 */
import type { Command } from 'commander';
import { importQemu } from '../../import/qemu/import-qemu.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { formatQemuVersion, NEWEST_VERIFIED_QEMU, OLDEST_QEMU } from '../../import/qemu/qemu-version.js';
import type { CliContext } from '../context.js';
import { schemaRef } from '../schema-ref.js';
import { registerImportHost } from './import-host.js';
import { cliQemuVersion } from '../options.js';

interface ImportQemuOptions {
  name?: string;
  schema?: string;
  out?: string;
  qemuVersion?: string;
  qemu?: string;
}

export function registerImport(program: Command, ctx: CliContext): void {
  const group = program.command('import').description('make a topology from another description of the machine');
  group
    .command('qemu')
    .description('a topology from a QEMU command line (q35, pc, Arm virt or RISC-V virt; no -M on x86: pc, as QEMU)')
    .argument('<args...>', 'the QEMU command line after --, with or without the binary')
    .option('--name <name>', 'topology name (default qemu-q35 / qemu-virt)')
    .option('-o, --out <file>', 'write the YAML to this file (default: stdout)')
    .option('--qemu-version <version>', `the QEMU the command line is for (default: the newest verified, ${formatQemuVersion(NEWEST_VERIFIED_QEMU)}; oldest ${formatQemuVersion(OLDEST_QEMU)})`)
    .option('--qemu <binary>', 'the QEMU the command line is for, by its emulator: its `--version` gives the release (instead of --qemu-version)')
    .option('--schema <ref>', 'what the yaml-language-server $schema header points at (default: the schema ridmap ships, ' +
      'relative to the -o file\'s directory, or to the current directory for stdout)')
    .showHelpAfterError('(QEMU options go after --: ridmap import qemu -- -M q35 ...)')
    .addHelpText(
      'after',
      `
Devices keep their QEMU id=; a device without one is <driver>@<bus>:<dd.f>. Built-in
functions (q35: MCH, LPC, AHCI, SMBus; pc: i440FX, PIIX3, IDE, PIIX4 PM; default VGA and NIC) are
placed as QEMU places them. Defaults that changed between QEMU releases (intel-iommu aw-bits,
virtio-iommu granule and aw-bits) are those of --qemu-version, of --qemu's emulator, or of a
versioned machine type (pc-q35-9.1 keeps 9.1's).

Examples:
  ridmap import qemu -- -M q35 -device intel-iommu,intremap=on \\
    -device pcie-root-port,id=rp1,chassis=1 -device nvme,id=nvme0,bus=rp1,serial=1 > q35.yaml
  ridmap import qemu -o tables/virt.yaml -- qemu-system-aarch64 -M virt,iommu=smmuv3,gic-version=3
  ridmap map q35.yaml --format tree`,
    )
    .action((args: string[], opts: ImportQemuOptions) => {
      const qemuVersion = cliQemuVersion(opts);
      const result = importQemu(args, {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        schemaRef: opts.schema ?? schemaRef(opts.out),
        ...(qemuVersion !== undefined ? { qemuVersion } : {}),
      });
      ctx.report(result.diagnostics);
      if (opts.out === undefined) ctx.out(result.yaml);
      else writeFileAtomic(opts.out, result.yaml);
    });
  registerImportHost(group, ctx);
}
