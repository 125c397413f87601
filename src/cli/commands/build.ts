/**
 * `ridmap build TOPOLOGY [--out DIR] [--numbering POLICY]`: every output the
 * topology calls for, each file written atomically.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { resolveTopology } from '../../model/resolve.js';
import { buildOutputs } from '../../build-outputs.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { hasErrors, inFile } from '../../diagnostic.js';
import { numberingOption } from '../options.js';

export function registerBuild(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description('write every table and map the topology calls for')
    .argument('<topology>', 'topology file (YAML or JSON)')
    .option('-o, --out <dir>', 'output directory', 'out')
    .addOption(numberingOption())
    .addHelpText(
      'after',
      `
Writes into DIR only what the topology calls for: DMAR.dat when it has VT-d units, and always
map.json, map.txt, tree.txt and topology.dot.

Example:
  ridmap build tables/q35-vtd-pci-bridge.yaml --out out/q35`,
    )
    .action((input: string, opts: { out: string; numbering: string }) => {
      const resolved = resolveTopology(loadTopologyFile(input), { numbering: opts.numbering });
      ctx.report(inFile(input, resolved.findings));
      const { outputs, diagnostics } = buildOutputs(resolved);
      ctx.report(inFile(input, diagnostics));
      for (const output of outputs) {
        const path = join(opts.out, output.name);
        writeFileAtomic(path, output.data);
        ctx.out(`${path}  ${output.description}`);
      }
      // A table the topology cannot express is bad input; model findings are findings.
      if (hasErrors(diagnostics)) ctx.fail(EXIT_INPUT);
      if (hasErrors(resolved.findings)) ctx.fail(EXIT_FINDINGS);
    });
}
