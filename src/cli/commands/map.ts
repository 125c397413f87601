/** `ridmap map INPUT... [--format text|json|tree|dot]`: the translation map. */
import { Option, type Command } from 'commander';
import { loadTopologyFile } from '../../io/load-topology.js';
import { renderMap, MAP_FORMATS, type MapFormat } from '../../map/render-map.js';
import { resolveTopology } from '../../model/resolve.js';
import { numberingOption } from '../options.js';
import type { CliContext } from '../context.js';

export function registerMap(program: Command, ctx: CliContext): void {
  program
    .command('map')
    .description('print which IOMMU translates each requester ID and each device, with output IDs')
    .argument('<input...>', 'topology file (YAML or JSON)')
    .addOption(new Option('-f, --format <format>', 'output form').choices(MAP_FORMATS).default('text'))
    .addOption(numberingOption())
    .addHelpText(
      'after',
      `
Formats: text (ranges and devices), json (the map JSON contract), tree (lspci -tv like,
annotated), dot (Graphviz, coloured by IOMMU).

Examples:
  ridmap map tables/q35-vtd-pci-bridge.yaml
  ridmap map tables/arm-smmuv3-its.yaml --format json
  ridmap map tables/bridge-behind-bridge.yaml --format dot | dot -Tsvg > topo.svg`,
    )
    .action((inputs: string[], opts: { format: MapFormat; numbering: string }) => {
      for (const input of inputs) {
        const resolved = resolveTopology(loadTopologyFile(input), { numbering: opts.numbering });
        ctx.report(resolved.findings.map((d) => ({ ...d, file: d.file ?? input })));
        ctx.out(renderMap(resolved, opts.format));
      }
    });
}
