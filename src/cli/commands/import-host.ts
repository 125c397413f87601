/**
 * `ridmap import sysfs SNAPSHOT` and `ridmap import lspci FILE`: a real
 * machine's PCI tree as a topology (YAML on stdout, or -o), with the bus
 * numbers its firmware programmed. For a snapshot, the machine's own IOMMU
 * tables are mapped with that tree and the answer compared, device by device,
 * with the IOMMU and group Linux gave each one: the summary and every
 * difference (with the rule that explains it) go to stderr.
 */
import type { Command } from 'commander';
import { compareSnapshotWithLinux } from '../../import/host/host-oracle.js';
import type { HostSnapshot } from '../../import/host/host-snapshot.js';
import { hostTopology, hostTopologyYaml } from '../../import/host/host-topology.js';
import { readLspci } from '../../import/lspci/read-lspci.js';
import { readSysfsSnapshot } from '../../import/sysfs/read-sysfs-snapshot.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { inputName, readInputText } from '../../io/read-input.js';
import type { CliContext } from '../context.js';
import { schemaRef } from '../schema-ref.js';
import { hostWarnings, verdictSummary } from '../snapshot-input.js';

interface ImportHostOptions {
  name?: string;
  out?: string;
  schema?: string;
}

export function registerImportHost(group: Command, ctx: CliContext): void {
  const common = (c: Command) =>
    c
      .option('--name <name>', 'topology name (default: host and the file read)')
      .option('-o, --out <file>', 'write the YAML to this file (default: stdout)')
      .option('--schema <ref>', 'what the yaml-language-server $schema header points at (default: the schema ridmap ships)');

  common(
    group
      .command('sysfs')
      .description("a topology from a snapshot of a running Linux (ridmap snapshot), checked against the IOMMU and group Linux gave each device")
      .argument('<snapshot>', 'the archive `ridmap snapshot` wrote (.tar.gz or .tar), or its unpacked directory'),
  )
    .addHelpText('after', `
The topology is the machine's PCI tree (one host bridge per root bus, named pciSSSS:BB as
Linux names it; devices pci-SSSS:BB:DD.F) with the bus numbers its firmware programmed, and
no IOMMUs: the machine's DMAR/IVRS/IORT/VIOT/RIMT or Device Tree say which IOMMU translates
what. ridmap maps those tables with the tree and compares each device's IOMMU and group
with what Linux did (stderr); a difference names the rule that explains it, or says none does.
ridmap map and ridmap check read a snapshot directly too.

Examples:
  sudo ridmap snapshot -o host.tar.gz
  ridmap import sysfs host.tar.gz -o host.yaml
  ridmap map host.tar.gz --format tree`)
    .action(async (path: string, opts: ImportHostOptions) => {
      emitHostTopology(ctx, await readSysfsSnapshot(path), opts, 'ridmap import sysfs');
    });

  common(
    group
      .command('lspci')
      .description('a topology from pasted lspci text (-tvnn, -vvvnn, -xxx/-xxxx, in one file in any order)')
      .argument('<file>', 'the lspci output'),
  )
    .addHelpText('after', `
lspci -tvnn gives the tree, -vvvnn the port types, bus numbers and ACS controls (as root:
other users see "<access denied>" and ACS stays unknown), -xxxx the config spaces, which win
where they and the text disagree. lspci shows no IOMMU: map the machine's tables with
--topology on the result.

Examples:
  sudo sh -c 'lspci -tvnn; lspci -vvvnn; lspci -xxxx' > host-lspci.txt
  ridmap import lspci host-lspci.txt -o host.yaml
  ridmap map DMAR.dat --topology host.yaml`)
    .action((file: string, opts: ImportHostOptions) => {
      emitHostTopology(ctx, readLspci(readInputText(file), inputName(file)), opts, 'ridmap import lspci');
    });
}

function emitHostTopology(ctx: CliContext, snapshot: HostSnapshot, opts: ImportHostOptions, importedBy: string): void {
  const built = hostTopology(snapshot, opts.name !== undefined ? { name: opts.name } : {});
  const yaml = hostTopologyYaml(snapshot, built, { schemaRef: opts.schema ?? schemaRef(opts.out), importedBy });
  ctx.report(hostWarnings(snapshot, built.warnings));
  if (snapshot.functions.some((f) => f.iommu !== undefined)) {
    const verdict = compareSnapshotWithLinux(snapshot, built.topology);
    ctx.report(verdict.findings);
    ctx.err(verdictSummary(verdict.comparison));
  }
  if (opts.out === undefined) ctx.out(yaml);
  else writeFileAtomic(opts.out, yaml);
}
