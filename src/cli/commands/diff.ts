/**
 * `ridmap diff A B [--hex] [--topology T]`: the semantic difference of two
 * tables, two dumps or two topologies (each built first): per structure and
 * field, whatever the order and offsets, then per RID range and device.
 * Exit 0 when there is no semantic difference, 1 when there is, 2 for bad input.
 */
import type { Command } from 'commander';
import { tableReadDiagnostics } from '../../io/load-input.js';
import { buildTopologyInput } from '../../io/topology-input.js';
import { hasErrors } from '../../diagnostic.js';
import { builtDiffSide, diffTables, type DiffSide } from '../../diff/diff-tables.js';
import { formatDiff } from '../../diff/format-diff.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { loadInputFile } from '../../io/load-input-file.js';
import { inputName } from '../../io/read-input.js';
import { resolveTopology } from '../../model/resolve.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { includeDirOption, numberingOption, signatureOption } from '../options.js';
import { selectTables, signaturesNotFound } from '../../io/signatures.js';

interface DiffOptions {
  hex: boolean;
  topology?: string;
  numbering: string;
  includeDir?: string[];
  signature?: string[];
}

export function registerDiff(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description('semantic difference of two tables, dumps or topologies: per structure and field, then per device')
    .argument('<a>', 'table, acpidump text, iasl .dsl, decoded JSON, DTB, DTS, or a topology (built first)')
    .argument('<b>', 'the same kinds as A')
    .option('--hex', 'add the bytes behind each difference, A and B side by side', false)
    .option('-t, --topology <file>', 'topology to resolve tables against (bus numbers: full maps, device names)')
    .addOption(numberingOption())
    .addOption(includeDirOption())
    .addOption(signatureOption())
    .addHelpText(
      'after',
      `
Tables are matched by signature and occurrence (the second SSDT with the second SSDT);
structures by identity (a DRHD by its register base, an RMRR by its range, a device scope
by type, start bus and path), so reordering alone is no difference. Exit 0: no semantic
difference; 1: differences; 2: bad input.

Examples:
  ridmap diff old/DMAR.dat new/DMAR.dat
  ridmap diff acpidump-before.txt acpidump-after.txt --hex
  ridmap diff acpidump-before.txt acpidump-after.txt --signature DMAR,IORT
  ridmap diff tables/x86-server-dmar.yaml my-server.yaml
  ridmap diff board.dts board.dtb`,
    )
    .action(async (a: string, b: string, opts: DiffOptions) => {
      const resolved = opts.topology ? resolveTopology(loadTopologyFile(opts.topology), { numbering: opts.numbering }) : undefined;
      const how: SideOptions = { numbering: opts.numbering, includeDirs: opts.includeDir ?? [], ...(resolved ? { resolved } : {}), ...(opts.signature ? { signatures: opts.signature } : {}) };
      const seen: { format: string }[] = [];
      const sides = [await loadSide(ctx, a, how, seen), await loadSide(ctx, b, how, seen)];
      if (ctx.exitCode === EXIT_INPUT) return;
      ctx.report(signaturesNotFound(seen, opts.signature));
      const result = diffTables(sides[0]!, sides[1]!);
      ctx.out(formatDiff(result, { hex: opts.hex, labels: { a: inputName(a), b: inputName(b) } }).join('\n'));
      if (!result.equal) ctx.fail(EXIT_FINDINGS);
    });
}

interface SideOptions {
  numbering: string;
  includeDirs: readonly string[];
  resolved?: ResolvedTopology;
  /** --signature: only these tables are compared, and only their problems reported. */
  signatures?: readonly string[];
}

/**
 * One side: a topology is built (its own map and numbering go with it); anything else is decoded.
 * The signatures of all its tables go into `seen` (for --signature's note on those neither side has).
 */
async function loadSide(ctx: CliContext, file: string, how: SideOptions, seen: { format: string }[]): Promise<DiffSide> {
  const whole = await loadInputFile(file, { includeDirs: how.includeDirs });
  for (const t of whole.tables) seen.push({ format: t.format });
  if (whole.topologyText !== undefined) {
    const built = builtDiffSide(buildTopologyInput(whole.file, whole.topologyText, how.numbering));
    for (const t of built.tables) seen.push({ format: t.format });
    return selectTables([built], how.signatures)[0]!;
  }
  const input = selectTables([whole], how.signatures)[0]!;
  const resolved = how.resolved;
  // A table that does not read cleanly (a truncated table, a DTS syntax error) is bad input like an unreadable file.
  const problems = [...input.diagnostics.filter((d) => d.severity !== 'info'), ...input.tables.flatMap(tableReadDiagnostics).filter((d) => d.severity === 'error')];
  ctx.report(problems);
  if (hasErrors(problems)) ctx.fail(EXIT_INPUT);
  return { tables: input.tables, ...(resolved ? { resolved } : {}) };
}
