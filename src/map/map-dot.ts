/**
 * The topology as Graphviz dot: host bridges, bridges and devices as nodes,
 * PCI tree edges, each node filled with its IOMMU's colour (a legend lists
 * them; untranslated is grey), alias groups of more than one function drawn as
 * dashed clusters, and every label carrying its group id as well.
 *
 * Given the devices of tables resolved against this topology, nodes show and
 * are coloured by what the tables say instead, and a device the tables give
 * another IOMMU or other output IDs than the topology does is outlined in red
 * with the topology's answer beneath: the picture of a consistency check.
 */
import type { PciFunction, ResolvedTopology } from '../model/resolved.js';
import { formatBdf } from '../model/rid.js';
import { formatAddress } from '../model/address.js';
import type { DeviceEntry } from '../model/translation-map.js';
import { attrs, dotPreamble, dotString, HOST_BRIDGE, IommuColours } from './dot-common.js';
import { formatAliasList, formatBusRange, hex, identityLookup } from './format-common.js';
import { joinPieces, Lines } from './text-pieces.js';
import { groupBy } from '../model/validate/topology-index.js';

export { dotString } from './dot-common.js';

export interface DotOptions {
  /** Devices as tables say (a map's `devices`, resolved with this topology). */
  devices?: readonly DeviceEntry[];
}

const fnNode = (id: string) => dotString(`fn:${id}`);
const hbNode = (id: string) => dotString(`hb:${id}`);
const assignment = (identity: string | null, outputIds: readonly number[]) =>
  identity === null ? 'untranslated' : `${identity} [${outputIds.map(hex).join(',')}]`;

export function formatDot(resolved: ResolvedTopology, opts: DotOptions = {}): string {
  return joinPieces((write) => writeDot(resolved, opts, write));
}

/** formatDot's text, handed to `write` a piece at a time (text-pieces.ts). */
export function writeDot(resolved: ResolvedTopology, opts: DotOptions, write: (text: string) => void): void {
  const identityOf = identityLookup(resolved);
  const colours = new IommuColours();
  for (const u of resolved.iommus) colours.add(u.identity);
  const fromTables = opts.devices && new Map(opts.devices.map((d) => [d.id, d]));
  for (const d of opts.devices ?? []) if (d.iommu !== null) colours.add(d.iommu);

  const out = new Lines(write);
  out.addAll(dotPreamble(resolved.topology.name));
  out.addAll(
    colours.legend([
      ...resolved.iommus.map((u) => ({ key: u.id, label: `${u.id}\n${u.identity}`, identity: u.identity })),
      ...[...new Set((opts.devices ?? []).map((d) => d.iommu))]
        .filter((i): i is string => i !== null && !resolved.iommus.some((u) => u.identity === i))
        .map((i) => ({ key: i, label: `${i}\n(tables only)`, identity: i })),
    ]),
  );

  const fnDecl = (f: PciFunction, indent: string) => {
    const own = assignment(identityOf(f.iommu), f.outputIds);
    const table = fromTables?.get(f.id);
    const said = table ? assignment(table.iommu, table.outputIds) : own;
    const label = [
      `${f.id} (${f.kind})`,
      `${formatBdf(f.rid)}${f.isBridge ? ` ${formatBusRange(f.secondary!, f.subordinate!)}` : ''}`,
      ...(f.aliases.length > 1 ? [`aliases ${formatAliasList(f.aliases)}`] : []),
      said,
      ...(said === own ? [] : [`topology: ${own}`]),
      `group ${f.group}`,
    ].join('\n');
    const fill = colours.fill(table ? table.iommu : identityOf(f.iommu));
    const mismatch: Record<string, string> = said === own ? {} : { color: 'red', penwidth: '2' };
    return `${indent}${fnNode(f.id)} ${attrs({ label, fillcolor: fill, ...mismatch })};`;
  };

  // Each group's functions in one pass (a group lists its members in function order), not a lookup by id per
  // function: at a million functions each lookup was a cache miss (issue 21).
  const membersOf = groupBy(resolved.functions, (f) => f.group);
  for (const group of resolved.groups) {
    const members = membersOf.get(group.id) ?? [];
    if (members.length === 1) {
      out.add(fnDecl(members[0]!, '  '));
      continue;
    }
    out.add(`  subgraph ${dotString(`cluster_${group.id}`)} {`);
    out.add(`    graph ${attrs({ label: `alias group ${group.id}`, style: 'dashed' })};`);
    for (const f of members) out.add(fnDecl(f, '    '));
    out.add('  }');
  }

  for (const hb of resolved.hostBridges) {
    const label = `${hb.id} (${hb.kind} host bridge)\nsegment ${hb.segment} ${formatBusRange(hb.rootBus, hb.subordinate)}`;
    out.add(`  ${hbNode(hb.id)} ${attrs({ label, shape: 'folder', fillcolor: HOST_BRIDGE })};`);
    for (const f of hb.functions) out.add(`  ${hbNode(hb.id)} -> ${fnNode(f.id)};`);
  }
  for (const f of resolved.functions) for (const c of f.children) out.add(`  ${fnNode(f.id)} -> ${fnNode(c.id)};`);
  for (const d of resolved.platformDevices) {
    const label = `${d.id} (platform)\n${formatAddress(d.base)}\n${assignment(identityOf(d.iommu), d.outputIds)}`;
    out.add(`  ${dotString(`mmio:${d.id}`)} ${attrs({ label, shape: 'component', fillcolor: colours.fill(identityOf(d.iommu)) })};`);
  }
  out.add('}');
  out.end();
}
