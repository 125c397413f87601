/**
 * `ridmap snapshot [-o FILE]`: runs the shipped scripts/ridmap-snapshot.sh
 * with /bin/sh on this machine, which reads what Linux shows of its PCI
 * functions, IOMMU groups, IOMMUs and IOMMU tables into an archive for
 * `ridmap import sysfs`. `--print-script` prints the script instead, for a
 * machine without Node (it needs only a POSIX shell).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SNAPSHOT_SCRIPT_FILE, snapshotScriptPath } from '../../import/sysfs/snapshot-script.js';
import type { CliContext } from '../context.js';
import { EXIT_INPUT } from '../exit-codes.js';

interface SnapshotOptions {
  output?: string;
  printScript?: boolean;
}

export function registerSnapshot(program: Command, ctx: CliContext): void {
  program
    .command('snapshot')
    .description('take a snapshot of this machine\'s PCI devices, IOMMU groups, IOMMUs and IOMMU tables, as Linux shows them, for import sysfs')
    .option('-o, --output <file>', 'write the archive here (- for stdout; default ridmap-snapshot-HOST-DATE.tar.gz in the current directory)')
    .option('--print-script', 'print the POSIX shell script that takes the snapshot (for a machine without Node) and do nothing else')
    .addHelpText('after', `
The snapshot reads /sys/bus/pci/devices (config spaces, where each device sits, its iommu,
iommu_group and driver), /sys/kernel/iommu_groups, /sys/class/iommu, the DMAR, IVRS, IORT, VIOT,
RIMT, MCFG and APIC tables (on a Device Tree machine /sys/firmware/fdt), /proc/cmdline and uname -r.
It changes nothing.
Run it as root: other users read 64 bytes of each config space (no ACS) and no ACPI table.

Examples:
  sudo ridmap snapshot -o host.tar.gz && ridmap import sysfs host.tar.gz
  ridmap snapshot --print-script > snap.sh   # then on the machine: sudo sh snap.sh`)
    .action(async (opts: SnapshotOptions) => {
      const script = snapshotScriptPath();
      if (script === undefined) {
        ctx.err(`ridmap snapshot: ${SNAPSHOT_SCRIPT_FILE} is missing from this installation of ridmap`);
        ctx.fail(EXIT_INPUT);
        return;
      }
      if (opts.printScript) {
        ctx.io.stdout(readFileSync(script));
        return;
      }
      const code = await runScript(script, opts.output, ctx);
      if (code !== 0) ctx.fail(EXIT_INPUT);
    });
}

/** Runs the script under /bin/sh; its archive (with -o -) streams to stdout, its messages to stderr. */
function runScript(script: string, output: string | undefined, ctx: CliContext): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', [script, ...(output !== undefined ? ['-o', output] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => ctx.io.stdout(new Uint8Array(b.buffer, b.byteOffset, b.length)));
    child.stderr.on('data', (b: Buffer) => ctx.io.stderr(b.toString()));
    child.on('error', (e) => {
      ctx.err(`ridmap snapshot: cannot run /bin/sh: ${e.message} (copy the script from --print-script and run it with a POSIX shell)`);
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
