/**
 * `ridmap which BDF INPUT...`: one device's answer (IOMMU, output ID,
 * group, and the table entry that says so), read off the maps `map` makes
 * of the same inputs (map-inputs.ts). Exit 0 when the device is translated;
 * 1 when it is not, or a topology has no function at that BDF (an answer of
 * "no", as grep's no match); 2 for a BDF that does not parse or an input
 * that does not read.
 */
import { Option, type Command } from 'commander';
import { structureOffsets } from '../../io/finding-offsets.js';
import { hasErrors } from '../../diagnostic.js';
import { whichAnswer, type WhichSource } from '../../map/which-answer.js';
import { formatWhichText, whichJson } from '../../map/which-format.js';
import { parseBdf } from '../../model/rid.js';
import { gapDiagnostics } from '../../model/translation-map.js';
import type { CliContext } from '../context.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { readMapInputs, usageError, withMapInputOptions, type MapInputOptions, type MapInputs } from '../map-inputs.js';
import { visibleDiagnostics } from '../options.js';

interface WhichOptions extends MapInputOptions {
  format: 'text' | 'json';
  verbose: boolean;
}

export function registerWhich(program: Command, ctx: CliContext): void {
  withMapInputOptions(
    program
      .command('which')
      .description('one device: which IOMMU translates it, with which output ID, in which IOMMU group, and which table entry says so')
      .argument('<bdf>', 'the device, [SEG:]BB:DD.F in hex as lspci prints it (segment 0 when left out)')
      .argument('<input...>', 'what map accepts: a topology, tables (raw, acpidump text, .dsl, JSON, DTB, DTS), or a machine snapshot')
      .option('-t, --topology <file>', 'topology to resolve tables against (the device\'s aliases and group come from it)')
      .addOption(new Option('-f, --format <format>', 'output form').choices(['text', 'json']).default('text')),
  )
    .addHelpText(
      'after',
      `
Exit status: 0 the device is translated; 1 it is not, or the topology has no
function at that BDF; 2 a BDF that does not parse or an input that does not read.

Examples:
  ridmap which 02:00.0 tables/arm-smmuv3-its.yaml
  ridmap which 00:1f.2 DMAR.dat
  ridmap which 0000:01:00.0 IORT.dat --topology tables/arm-smmuv3-its.yaml --format json`,
    )
    .action(async (bdf: string, inputs: string[], opts: WhichOptions) => {
      const parsed = parseBdf(bdf);
      if (!parsed) throw usageError(`cannot read BDF "${bdf}": give [SEG:]BB:DD.F in hex, as lspci prints it (e.g. 0000:02:00.0 or 02:00.0)`);
      const read = await readMapInputs(ctx, inputs, opts);
      if (read.kind === 'topologies' && read.topologies.length > 1) throw usageError('give one topology (or tables with one topology): which answers for one machine');
      const sources = whichSources(read);
      if (read.kind === 'tables') ctx.report([...visibleDiagnostics(read.notes, opts.verbose), ...gapDiagnostics(read.map.gaps)]);
      const resolved = read.kind === 'tables' ? read.resolved : read.topologies[0]!.resolved;
      const answer = whichAnswer({ segment: parsed.segment ?? 0, rid: parsed.rid, sources, ...(resolved ? { resolved } : {}) });
      ctx.out(opts.format === 'json' ? JSON.stringify(whichJson(answer), null, 2) : formatWhichText(answer));
      if (read.kind === 'tables' && hasErrors(read.inputDiagnostics)) ctx.fail(EXIT_INPUT);
      if (answer.iommu === null) ctx.fail(EXIT_FINDINGS);
    });
}

/** The maps the answer may come from: the topology's own, or each table's with its structures' offsets. */
function whichSources(read: MapInputs): WhichSource[] {
  if (read.kind === 'topologies') return read.topologies.map((t) => ({ table: 'topology', file: t.file, map: t.resolved.map }));
  return read.perTable.map(({ table, map }) => {
    let offsets: Map<string, number> | undefined;
    return { table: table.name, file: table.file, map, offsetOf: (path: string) => (offsets ??= structureOffsets(table)).get(path) };
  });
}
