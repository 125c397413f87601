/**
 * `ridmap build TOPOLOGY [--out DIR] [--numbering POLICY]`: every output the
 * topology calls for, replacing the directory's previous build as one set
 * (io/file-set.ts) while holding the directory's lock (io/dir-lock.ts): a
 * build that fails changes nothing, and two builds into one directory leave
 * the outputs of one of them.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { replaceOutputSet } from '../../io/output-set.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { inputName } from '../../io/read-input.js';
import { resolveTopology } from '../../model/resolve.js';
import { BUILD_OUTPUT_NAMES, buildOutputs, mapFiles } from '../../build-outputs.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { hasErrors, inFile } from '../../diagnostic.js';
import { lockWaitOption, numberingOption, verboseOption, visibleDiagnostics } from '../options.js';

export function registerBuild(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description('write every table and map the topology calls for')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .option('-o, --out <dir>', 'output directory', 'out')
    .addOption(numberingOption())
    .addOption(verboseOption())
    .addOption(lockWaitOption())
    .addHelpText(
      'after',
      `
Writes into DIR only what the topology calls for: DMAR.dat for VT-d units, VIOT.dat for
virtio-iommus, IORT.dat for SMMUs and ITS groups, board.dts and board.dtb for Arm IOMMUs,
virtio-iommus and MSI controllers; and always map.json, map.txt, tree.txt and topology.dot.
The outputs of a previous build that this topology does not call for are removed; other
files in DIR are left alone. The outputs replace the old ones as one set: a build that fails
(a table the topology cannot express, a file that cannot be written) changes nothing, and a
second build into the same DIR waits for the first (DIR/.ridmap-lock).

Example:
  ridmap build tables/q35-vtd-pci-bridge.yaml --out out/q35`,
    )
    .action(async (input: string, opts: { out: string; numbering: string; verbose: boolean; lockWait: number }) => {
      const name = inputName(input);
      const progress = ctx.progress('build');
      const topology = loadTopologyFile(input);
      progress.step('resolving the topology');
      const resolved = resolveTopology(topology, { numbering: opts.numbering });
      ctx.report(inFile(name, resolved.findings));
      // The map forms are rendered as they are written, one at a time (mapFiles; map.txt a piece at a time).
      const built = buildOutputs(resolved, { maps: false, onStep: (output) => progress.step(`making ${output}`) });
      const { diagnostics } = built;
      const outputs = [...built.outputs, ...mapFiles(resolved).map((m) => ({ ...m, data: () => {
        progress.step(`making ${m.name}`);
        return m.data();
      } }))];
      ctx.report(visibleDiagnostics(inFile(name, diagnostics), opts.verbose));
      // A table the topology cannot express is bad input, and a build that fails writes nothing.
      if (hasErrors(diagnostics)) {
        ctx.err(`ridmap: nothing written to ${opts.out}: a table the topology calls for could not be built`);
        ctx.fail(EXIT_INPUT);
        return;
      }
      progress.step(`writing ${outputs.length} files`);
      await replaceOutputSet(opts.out, outputs, BUILD_OUTPUT_NAMES.map((o) => o.name), opts.lockWait * 1000);
      for (const o of outputs) ctx.out(`${join(opts.out, o.name)}  ${o.description}`);
      // Model findings are findings: the outputs are written, and the exit code says so.
      if (hasErrors(resolved.findings)) ctx.fail(EXIT_FINDINGS);
    });
}
