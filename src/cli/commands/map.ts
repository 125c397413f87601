/**
 * `ridmap map INPUT... [--topology T] [--format text|json|tree|dot]`: the
 * translation map of a topology, or of tables (raw, acpidump, .dsl, JSON,
 * DTB, DTS), resolved with the topology when one is given.
 */
import { Option, type Command } from 'commander';
import { readDiagnostics, type LoadedInput } from '../../io/load-input.js';
import { repeatFinding, tablesLinuxReads } from '../../io/read-tables.js';
import { combineMaps, firstTranslating, MAP_DEVICES_PER_TABLE } from '../../model/combine-maps.js';
import { InputError, hasErrors, inFile } from '../../diagnostic.js';
import { loadInputFile } from '../../io/load-input-file.js';
import { inputName } from '../../io/read-input.js';
import { withOffsets } from '../../io/finding-offsets.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { mapToJson } from '../../map/map-json.js';
import { formatMapText } from '../../map/map-text.js';
import { formatTree } from '../../map/map-tree.js';
import { renderMap, tablesDot, MAP_FORMATS, type MapFormat } from '../../map/render-map.js';
import { parseTopology } from '../../model/parse-topology.js';
import { resolveTopology } from '../../model/resolve.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { gapDiagnostics } from '../../model/translation-map.js';
import type { CliContext } from '../context.js';
import { isSnapshot, loadSnapshotInput } from '../snapshot-input.js';
import { EXIT_FINDINGS, EXIT_INPUT } from '../exit-codes.js';
import { failOnOption, failsOnWarnings, firmwareOption, includeDirOption, linuxTarget, numberingOption, osOption, signatureOption, strictOption, verboseOption, visibleDiagnostics, type FailOn } from '../options.js';
import { selectTables, signaturesNotFound } from '../../io/signatures.js';
import { appendAll } from '../../append.js';

interface MapOptions {
  format: MapFormat;
  numbering: string;
  os: string;
  firmware: string;
  topology?: string;
  verbose: boolean;
  includeDir?: string[];
  signature?: string[];
  failOn: FailOn;
}

export function registerMap(program: Command, ctx: CliContext): void {
  program
    .command('map')
    .description('print which IOMMU translates each requester ID and each device, with output IDs')
    .argument('<input...>', 'a topology (YAML/JSON), or tables: raw, acpidump text, iasl .dsl, decoded JSON, DTB, DTS; or a machine snapshot (ridmap snapshot): its tables with its PCI tree')
    .option('-t, --topology <file>', 'topology to resolve tables against (bus numbers, paths, device list)')
    .addOption(new Option('-f, --format <format>', 'output form').choices(MAP_FORMATS).default('text'))
    .addOption(numberingOption())
    .addOption(osOption())
    .addOption(firmwareOption())
    .addOption(verboseOption())
    .addOption(includeDirOption())
    .addOption(signatureOption())
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
      const topologies: { file: string; text: string }[] = [];
      const tableInputs: LoadedInput[] = [];
      let fromMachine = false;
      const progress = ctx.progress('map', { json: opts.format === 'json' });
      for (const file of inputs) {
        progress.step(`reading ${inputName(file)}`);
        if (isSnapshot(file)) {
          // A machine snapshot: its tables, resolved against its own PCI tree.
          const s = await loadSnapshotInput(file);
          fromMachine = true;
          ctx.report(s.warnings);
          topologies.push({ file: inputName(file), text: s.topologyText });
          appendAll(tableInputs, s.tables);
          continue;
        }
        const input = await loadInputFile(file, { includeDirs: opts.includeDir ?? [] });
        if (input.topologyText !== undefined) topologies.push({ file, text: input.topologyText });
        else tableInputs.push(input);
      }

      const resolveOptions = { numbering: opts.numbering, linux: linuxTarget(opts) };
      if (tableInputs.length === 0) {
        for (const t of topologies) {
          progress.step(`resolving ${t.file}`);
          const resolved = resolveTopology(parseTopology(t.text, t.file), resolveOptions);
          progress.step(`drawing the map of ${t.file}`);
          printTopologyMap(ctx, resolved, t.file, opts.format);
        }
        return;
      }
      if (topologies.length + (opts.topology ? 1 : 0) > 1) throw usage('give one topology to resolve tables against');
      const topology = opts.topology ? loadTopologyFile(opts.topology) : topologies[0] ? parseTopology(topologies[0].text, topologies[0].file) : undefined;
      if (opts.format === 'tree' && !topology) throw usage('--format tree draws a topology: give one (--topology), or a machine snapshot; tables alone print as text, json or dot');
      progress.step('resolving the topology');
      const resolved = topology ? resolveTopology(topology, resolveOptions) : undefined;

      const chosen = selectTables(tableInputs, opts.signature);
      const inputDiagnostics = [...chosen.flatMap(readDiagnostics), ...signaturesNotFound(tableInputs.flatMap((i) => i.tables), opts.signature)];
      // Each table its format's resolver can read says its part (the first of a signature Linux reads once);
      // the others say nothing about IOMMUs.
      const { read, repeats } = tablesLinuxReads(chosen.flatMap((i) => i.tables));
      const maps = read.flatMap((t) => {
        progress.step(`resolving ${t.name}`);
        if (!t.resolve) return [];
        // Findings with the offset of the structure their path names, as check prints them.
        const map = t.resolve(resolved);
        return [{ map: { ...map, findings: withOffsets(t, map.findings) }, file: t.file }];
      });
      const map = combineMaps(maps);
      if (fromMachine && resolved && !map.devices) {
        // One machine's tables (a VIOT beside its IORT): each device is the first driver's that takes it, as in Linux.
        map.devices = firstTranslating(maps.map((m) => m.map.devices ?? []));
        map.findings = map.findings.filter((d) => d.code !== MAP_DEVICES_PER_TABLE);
      }
      const notes = [...inputDiagnostics, ...repeats.map(repeatFinding), ...map.findings];
      // What the map leaves out is said always, not only under -v: a partial map must not pass for a whole one.
      const gaps = gapDiagnostics(map.gaps);
      ctx.report([...visibleDiagnostics(notes, opts.verbose), ...gaps]);
      const names = chosen.flatMap((i) => i.tables.map((t) => `${t.file}: ${t.name}`)).join(', ');
      if (opts.format === 'tree') ctx.out(formatTree(resolved!, map.devices ?? []));
      else if (opts.format === 'dot') ctx.out(tablesDot(map, resolved, names));
      else ctx.out(opts.format === 'json' ? JSON.stringify(mapToJson(map), null, 2) : formatMapText(map));
      if (hasErrors(inputDiagnostics)) ctx.fail(EXIT_INPUT);
      if (hasErrors(map.findings) || failsOnWarnings([...notes, ...gaps], opts.failOn)) ctx.fail(EXIT_FINDINGS);
    });
}

function printTopologyMap(ctx: CliContext, resolved: ResolvedTopology, file: string, format: MapFormat): void {
  ctx.report(inFile(file, resolved.findings));
  ctx.out(renderMap(resolved, format));
}

function usage(message: string): InputError {
  return new InputError([{ severity: 'error', code: 'usage', message }]);
}
