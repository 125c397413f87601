/**
 * `ridmap golden check DIR` regenerates every case and fails (exit 1) with the
 * semantic difference of anything that changed; `ridmap golden update DIR`
 * rewrites the changed files (all staged first, then renamed into place).
 */
import type { Command } from 'commander';
import { caseChanged, checkGolden, formatGoldenReport, updateGolden } from '../../golden/golden.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS } from '../exit-codes.js';

export function registerGolden(program: Command, ctx: CliContext): void {
  const golden = program
    .command('golden')
    .description('golden files: regenerate each case and compare (check), or rewrite them (update)')
    .addHelpText(
      'after',
      `
A case is a directory with a case.yaml naming its topology (relative to the case):
  topology: ../../tables/q35-vtd-pci-bridge.yaml
  numbering: firmware            # optional
and the outputs stored as text: DMAR.hex (acpidump-style hex dump), DMAR.txt (decoded),
map.json, map.txt, tree.txt, topology.dot, and any other table the topology builds.
DIR is one case or a directory of cases. golden owns only the files of those names (the
stored forms of every output \`ridmap build\` may write): update replaces them and removes
the ones the topology no longer produces; any other file in a case (a README, the firmware
source it documents, a subdirectory) is left alone.

Examples:
  ridmap golden check golden
  ridmap golden update golden/my-board     # then review: git diff golden/my-board`,
    );

  const modes = [
    { name: 'check', run: checkGolden, updates: false, description: 'regenerate every case in DIR; exit 1 with the semantic diff when anything changed' },
    { name: 'update', run: updateGolden, updates: true, description: 'rewrite the changed files of every case in DIR (atomically: all written, then renamed)' },
  ];
  for (const mode of modes) {
    golden
      .command(mode.name)
      .description(mode.description)
      .argument('<dir>', 'a case directory, or a directory of cases')
      .action(async (dir: string) => {
        const reports = await mode.run(dir);
        for (const r of reports) ctx.report(r.diagnostics.filter((d) => d.severity === 'error'));
        ctx.out(formatGoldenReport(reports, mode.updates).join('\n'));
        if (!mode.updates && reports.some(caseChanged)) {
          ctx.out(`run \`ridmap golden update ${dir}\` to accept the changes, then review them`);
          ctx.fail(EXIT_FINDINGS);
        }
      });
  }
}
