/**
 * `ridmap import qemu -- ARGS...`: a topology (YAML on stdout) from a QEMU
 * command line. Warnings (ignored options, unknown devices) go to stderr;
 * a contradiction in the command line is an input error (exit 2).
 */
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { importQemu } from '../../import/qemu/import-qemu.js';
import type { CliContext } from '../context.js';

interface ImportQemuOptions {
  name?: string;
  schema?: string;
}

/** The schema file shipped with ridmap, wherever it is installed (src/ and dist/ are both two levels below). */
function packagedSchema(): string {
  return fileURLToPath(new URL('../../../schema/topology.schema.json', import.meta.url));
}

export function registerImport(program: Command, ctx: CliContext): void {
  const group = program.command('import').description('make a topology from another description of the machine');
  group
    .command('qemu')
    .description('a topology from a QEMU command line (q35 or Arm virt)')
    .argument('<args...>', 'the QEMU command line after --, with or without the binary')
    .option('--name <name>', 'topology name (default qemu-q35 / qemu-virt)')
    .option('--schema <ref>', 'what the yaml-language-server $schema header points at (default: the schema ridmap ships)')
    .showHelpAfterError('(QEMU options go after --: ridmap import qemu -- -M q35 ...)')
    .addHelpText(
      'after',
      `
Devices keep their QEMU id=; a device without one is <driver>@<bus>:<dd.f>. Built-in
functions (q35: MCH, LPC, AHCI, SMBus, default VGA and NIC) are placed as QEMU places them.

Examples:
  ridmap import qemu -- -M q35 -device intel-iommu,intremap=on \\
    -device pcie-root-port,id=rp1,chassis=1 -device nvme,id=nvme0,bus=rp1,serial=1 > q35.yaml
  ridmap import qemu -- qemu-system-aarch64 -M virt,iommu=smmuv3,gic-version=3 > virt.yaml
  ridmap map q35.yaml --format tree`,
    )
    .action((args: string[], opts: ImportQemuOptions) => {
      const result = importQemu(args, {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        schemaRef: opts.schema ?? packagedSchema(),
      });
      ctx.report(result.diagnostics);
      ctx.out(result.yaml);
    });
}
