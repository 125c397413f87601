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
import { EXIT_FINDINGS } from '../exit-codes.js';
import { hasErrors } from '../../diagnostic.js';
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
Writes into DIR (only what the topology calls for): map.json, map.txt, tree.txt, topology.dot,
and the tables as ridmap learns them.

Example:
  ridmap build tables/q35-vtd-pci-bridge.yaml --out out/q35`,
    )
    .action((input: string, opts: { out: string; numbering: string }) => {
      const resolved = resolveTopology(loadTopologyFile(input), { numbering: opts.numbering });
      ctx.report(resolved.findings.map((d) => ({ ...d, file: d.file ?? input })));
      for (const output of buildOutputs(resolved)) {
        const path = join(opts.out, output.name);
        writeFileAtomic(path, output.data);
        ctx.out(`${path}  ${output.description}`);
      }
      if (hasErrors(resolved.findings)) ctx.fail(EXIT_FINDINGS);
    });
}
