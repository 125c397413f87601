/**
 * `ridmap export qemu TOPOLOGY [-o FILE] [--format text|json] [--qemu-version V]`:
 * the QEMU command line of a topology, the inverse of `import qemu` (import
 * qemu of it gives the same map). A topology QEMU cannot build is an input
 * error (exit 2) listing every part it refuses, by document path.
 */
import { Option, type Command } from 'commander';
import { InputError, inFile } from '../../diagnostic.js';
import { argvText, exportQemu, OLDEST_QEMU, OLDEST_QEMU_RISCV } from '../../import/qemu/export-qemu.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import type { CliContext } from '../context.js';
import { cliQemuVersion, verboseOption, visibleDiagnostics } from '../options.js';

interface ExportQemuOptions {
  out?: string;
  format: 'text' | 'json';
  qemuVersion?: string;
  qemu?: string;
  verbose: boolean;
}

export function registerExport(program: Command, ctx: CliContext): void {
  const group = program.command('export').description('describe a topology in another tool\'s terms');
  group
    .command('qemu')
    .description('the QEMU command line (q35, pc, Arm virt or RISC-V virt) of a topology; import qemu of it gives the same map')
    .argument('<topology>', 'topology file (YAML/JSON)')
    .option('-o, --out <file>', 'write the command line to this file (default: stdout)')
    .addOption(new Option('-f, --format <format>', 'text: one option a line, \\-continued (paste into a shell); json: the argv array').choices(['text', 'json']).default('text'))
    .option('--qemu-version <version>', `the QEMU the line is for (default and oldest: ${OLDEST_QEMU.join('.')}; RISC-V virt: ${OLDEST_QEMU_RISCV.join('.')})`)
    .option('--qemu <binary>', 'the QEMU the line is for, by its emulator: its `--version` gives the release (instead of --qemu-version)')
    .addOption(verboseOption())
    .addHelpText(
      'after',
      `
The machine is pc (i440FX) for a conventional PCI root bus (kind: pci; no expanders there),
q35 for VT-d, virtio-iommu or no IOMMU, Arm virt for an SMMUv3, an ITS or an
ECAM; RISC-V virt (qemu-system-riscv64 -M virt,acpi=on,aia=aplic-imsic: ACPI with its RIMT and
the IMSIC an EDK2 boot needs; QEMU 10.1 and later) for a riscv-iommu-pci, a riscv-iommu at
0x3010000 (iommu-sys=on) or an ECAM at 0x30000000. Every function keeps its id= and addr= (bus=
names its parent), so the requester IDs and the map are the topology's; QEMU's built-in
functions (q35: MCH 00.0, LPC 1f.0, SMBus 1f.3; virt: 00.0) and pxb-pcie functions are not
created, they must be in the topology where QEMU puts them, and import qemu names them itself.
Before printing, the line is imported back and its map compared with the topology's; any
difference is a refusal.

Refused (exit 2, each item with its path): more than one IOMMU; an SMMUv2 or virtio-iommu-mmio;
a VT-d unit elsewhere than 0xfed90000, an SMMUv3 elsewhere than 0x9050000 or with other
interrupts, a riscv-iommu elsewhere than 0x3010000, a riscv-iommu-pci off the root bus; aw-bits
other than 39/48; I/O APIC scopes other than QEMU's one (ff:00.0, ID 0); HPET and ANDD scopes;
platform devices; reserved memory (RMRR); per-device IOMMU, bypass or StreamID base; DMA alias
quirks, phantom functions; PCI-to-PCIe bridges; ACS or bus reserve on anything but a root port;
a second host bridge that is not an expander, an expander without its pxb-pcie function; on
RISC-V virt any second host bridge (no pxb-pcie there), a root port without ACS (QEMU 11.1 has
no disable-acs) and bypassing the IOMMU; PCI segments other than 0; ids QEMU does not take; a
bus numbering, alias or group the QEMU machine would not reproduce.
Not carried (warnings): ACPI header ids, capabilities, vendor/device IDs, ATS on devices,
address spaces, a RISC-V IOMMU's interrupt wires; device models QEMU cannot create alone
(vfio-pci, virtio-blk-pci...) become pci-testdev.

Examples:
  ridmap export qemu tables/q35-vtd-pci-bridge.yaml
  ridmap export qemu topo.yaml --format json -o topo.argv.json
  ridmap export qemu tables/riscv-virt-iommu-pci.yaml`,
    )
    .action((file: string, opts: ExportQemuOptions) => {
      const qemuVersion = cliQemuVersion(opts);
      const topology = loadTopologyFile(file);
      let result;
      try {
        result = exportQemu(topology, qemuVersion !== undefined ? { qemuVersion } : {});
      } catch (e) {
        if (e instanceof InputError) throw new InputError(inFile(file, e.diagnostics));
        throw e;
      }
      // The built-in functions QEMU names itself are info, shown with -v as every command's notes are.
      ctx.report(visibleDiagnostics(inFile(file, result.diagnostics), opts.verbose));
      const text = opts.format === 'json' ? JSON.stringify(result.argv, null, 2) + '\n' : argvText(result.argv);
      if (opts.out === undefined) ctx.out(text);
      else writeFileAtomic(opts.out, text);
    });
}
