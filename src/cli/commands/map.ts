/**
 * `ridmap map INPUT... [--topology T] [--format text|json|tree|dot]`: the
 * translation map of a topology, or of tables (raw, acpidump, .dsl, JSON,
 * DTB, DTS), resolved with the topology when one is given.
 */
import { Option, type Command } from 'commander';
import { hasErrors, inFile } from '../../diagnostic.js';
import { writeMapJson } from '../../map/map-json.js';
import { writeMapText } from '../../map/map-text.js';
import { writeTree } from '../../map/map-tree.js';
import { tablesDot, writeMap, MAP_FORMATS, type MapFormat } from '../../map/render-map.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { gapDiagnostics } from '../../model/translation-map.js';
import type { CliContext } from '../context.js';
import { readMapInputs, usageError, withMapInputOptions, type MapInputOptions } from '../map-inputs.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { failOnOption, failsOnWarnings, strictOption, visibleDiagnostics, type FailOn } from '../options.js';

interface MapOptions extends MapInputOptions {
  format: MapFormat;
  verbose: boolean;
  failOn: FailOn;
}

export function registerMap(program: Command, ctx: CliContext): void {
  withMapInputOptions(
    program
      .command('map')
      .description('print which IOMMU translates each requester ID and each device, with output IDs')
      .argument('<input...>', 'a topology (YAML/JSON), or tables: raw, acpidump text, iasl .dsl, decoded JSON, DTB, DTS; or a machine snapshot (ridmap snapshot): its tables with its PCI tree')
      .option('-t, --topology <file>', 'topology to resolve tables against (bus numbers, paths, device list)')
      .addOption(new Option('-f, --format <format>', 'output form').choices(MAP_FORMATS).default('text')),
  )
    .addOption(failOnOption())
    .addOption(strictOption())
    .addHelpText(
      'after',
      `
Formats: text (ranges and devices), json (the map JSON contract), tree (lspci -tv like,
annotated: a topology's own translations, or the tables' with --topology or a snapshot), dot (Graphviz, coloured by IOMMU: a topology's PCI tree, or the tables' RID ranges).
With --topology, devices[].iommu is what the tables say for each device under the
topology's bus numbers (--numbering), to compare with the topology's own map.

Examples:
  ridmap map tables/q35-vtd-pci-bridge.yaml
  ridmap map tables/arm-smmuv3-its.yaml --format json
  ridmap map DMAR.dat --topology tables/q35-vtd-pci-bridge.yaml --numbering compact
  sudo acpidump | ridmap map - --signature IORT
  ridmap map tables/bridge-behind-bridge.yaml --format dot | dot -Tsvg > topo.svg`,
    )
    .action(async (inputs: string[], opts: MapOptions) => {
      const progress = ctx.progress('map', { json: opts.format === 'json' });
      const inputsRead = await readMapInputs(ctx, inputs, opts, progress);
      if (inputsRead.kind === 'topologies') {
        for (const t of inputsRead.topologies) printTopologyMap(ctx, t.resolved, t.file, opts.format);
        return;
      }
      const { resolved, map, inputDiagnostics, notes, names } = inputsRead;
      if (opts.format === 'tree' && !resolved) throw usageError('--format tree draws a topology: give one (--topology), or a machine snapshot; tables alone print as text, json or dot');
      // What the map leaves out is said always, not only under -v: a partial map must not pass for a whole one.
      const gaps = gapDiagnostics(map.gaps);
      ctx.report([...visibleDiagnostics(notes, opts.verbose), ...gaps]);
      if (opts.format === 'tree') writeTree(resolved!, map.devices ?? [], (text) => ctx.out(text));
      else if (opts.format === 'dot') ctx.out(tablesDot(map, resolved, names));
      else if (opts.format === 'json') writeMapJson(map, (text) => ctx.out(text));
      else writeMapText(map, (text) => ctx.out(text));
      if (hasErrors(inputDiagnostics)) ctx.fail(EXIT_INPUT);
      if (hasErrors(map.findings) || failsOnWarnings([...notes, ...gaps], opts.failOn)) ctx.fail(EXIT_FINDINGS);
    });
}

function printTopologyMap(ctx: CliContext, resolved: ResolvedTopology, file: string, format: MapFormat): void {
  ctx.report(inFile(file, resolved.findings));
  // Every form goes out a piece at a time (renderMap's text, never held whole); each piece ends a line.
  writeMap(resolved, format, (text) => ctx.out(text));
}
