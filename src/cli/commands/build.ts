/**
 * `ridmap build TOPOLOGY [--out DIR] [--numbering POLICY]`: every output the
 * topology calls for, all files written before any replaces its old version.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { stageAll } from '../../io/atomic-write.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { resolveTopology } from '../../model/resolve.js';
import { buildOutputs } from '../../build-outputs.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { hasErrors, inFile } from '../../diagnostic.js';
import { numberingOption, verboseOption, visibleDiagnostics } from '../options.js';

export function registerBuild(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description('write every table and map the topology calls for')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .option('-o, --out <dir>', 'output directory', 'out')
    .addOption(numberingOption())
    .addOption(verboseOption())
    .addHelpText(
      'after',
      `
Writes into DIR only what the topology calls for: DMAR.dat for VT-d units, VIOT.dat for
virtio-iommus, IORT.dat for SMMUs and ITS groups, board.dts and board.dtb for Arm IOMMUs,
virtio-iommus and MSI controllers; and always map.json, map.txt, tree.txt and topology.dot.

Example:
  ridmap build tables/q35-vtd-pci-bridge.yaml --out out/q35`,
    )
    .action((input: string, opts: { out: string; numbering: string; verbose: boolean }) => {
      const resolved = resolveTopology(loadTopologyFile(input), { numbering: opts.numbering });
      ctx.report(inFile(input, resolved.findings));
      const { outputs, diagnostics } = buildOutputs(resolved);
      ctx.report(visibleDiagnostics(inFile(input, diagnostics), opts.verbose));
      // Every output is written before any replaces its old file: a build that fails half-way changes nothing.
      const staged = stageAll(outputs.map((o) => ({ path: join(opts.out, o.name), data: o.data })));
      staged.forEach((file, i) => {
        file.commit();
        ctx.out(`${file.path}  ${outputs[i]!.description}`);
      });
      // A table the topology cannot express is bad input; model findings are findings.
      if (hasErrors(diagnostics)) ctx.fail(EXIT_INPUT);
      if (hasErrors(resolved.findings)) ctx.fail(EXIT_FINDINGS);
    });
}
