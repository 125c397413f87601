/**
 * The topology as Graphviz dot: host bridges, bridges and devices as nodes,
 * PCI tree edges, each node filled with its IOMMU's colour (a legend lists
 * them; untranslated is grey), alias groups of more than one function drawn as
 * dashed clusters, and every label carrying its group id as well.
 */
import type { PciFunction, ResolvedTopology } from '../model/resolved.js';
import { formatBdf } from '../model/rid.js';
import { formatAddress } from '../model/address.js';
import { formatAliasList, formatBusRange, hex, identityLookup } from './format-common.js';

/** ColorBrewer Set3: light fills that keep black labels readable. */
const PALETTE = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd', '#ccebc5'];
const UNTRANSLATED = '#d9d9d9';
const HOST_BRIDGE = '#ffffff';

/** A dot double-quoted string: backslashes and quotes escaped, newlines as \n. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const attrs = (a: Record<string, string>) =>
  `[${Object.entries(a)
    .map(([k, v]) => `${k}=${dotString(v)}`)
    .join(', ')}]`;

const fnNode = (id: string) => dotString(`fn:${id}`);
const hbNode = (id: string) => dotString(`hb:${id}`);

export function formatDot(resolved: ResolvedTopology): string {
  const colourOf = new Map(resolved.iommus.map((u, i) => [u.id, PALETTE[i % PALETTE.length]!]));
  const fill = (iommu: string | null) => (iommu === null ? UNTRANSLATED : (colourOf.get(iommu) ?? UNTRANSLATED));
  const identityOf = identityLookup(resolved);
  const out: string[] = [
    'digraph ridmap {',
    `  graph ${attrs({ rankdir: 'LR', fontname: 'Helvetica', label: resolved.topology.name })};`,
    `  node ${attrs({ shape: 'box', style: 'filled', fontname: 'Helvetica' })};`,
    '  subgraph cluster_legend {',
    `    graph ${attrs({ label: 'IOMMUs', style: 'solid' })};`,
    ...resolved.iommus.map(
      (u) => `    ${dotString(`iommu:${u.id}`)} ${attrs({ label: `${u.id}\n${u.identity}`, fillcolor: fill(u.id) })};`,
    ),
    `    ${dotString('iommu:none')} ${attrs({ label: 'untranslated', fillcolor: UNTRANSLATED })};`,
    '  }',
  ];

  const fnLabel = (f: PciFunction) =>
    [
      `${f.id} (${f.kind})`,
      `${formatBdf(f.rid)}${f.isBridge ? ` ${formatBusRange(f.secondary!, f.subordinate!)}` : ''}`,
      ...(f.aliases.length > 1 ? [`aliases ${formatAliasList(f.aliases)}`] : []),
      f.iommu === null ? 'untranslated' : `${identityOf(f.iommu)} [${f.outputIds.map(hex).join(',')}]`,
      `group ${f.group}`,
    ].join('\n');
  const fnDecl = (f: PciFunction, indent: string) => `${indent}${fnNode(f.id)} ${attrs({ label: fnLabel(f), fillcolor: fill(f.iommu) })};`;

  for (const group of resolved.groups) {
    const members = group.members.map((id) => resolved.byId.get(id)!);
    if (members.length === 1) {
      out.push(fnDecl(members[0]!, '  '));
      continue;
    }
    out.push(`  subgraph ${dotString(`cluster_${group.id}`)} {`);
    out.push(`    graph ${attrs({ label: `alias group ${group.id}`, style: 'dashed' })};`);
    out.push(...members.map((f) => fnDecl(f, '    ')));
    out.push('  }');
  }

  for (const hb of resolved.hostBridges) {
    const label = `${hb.id} (${hb.kind} host bridge)\nsegment ${hb.segment} ${formatBusRange(hb.rootBus, hb.subordinate)}`;
    out.push(`  ${hbNode(hb.id)} ${attrs({ label, shape: 'folder', fillcolor: HOST_BRIDGE })};`);
    out.push(...hb.functions.map((f) => `  ${hbNode(hb.id)} -> ${fnNode(f.id)};`));
  }
  for (const f of resolved.functions) out.push(...f.children.map((c) => `  ${fnNode(f.id)} -> ${fnNode(c.id)};`));
  for (const d of resolved.platformDevices) {
    const label = `${d.id} (platform)\n${formatAddress(d.base)}\n${
      d.iommu === null ? 'untranslated' : `${identityOf(d.iommu)} [${d.outputIds.map(hex).join(',')}]`
    }`;
    out.push(`  ${dotString(`mmio:${d.id}`)} ${attrs({ label, shape: 'component', fillcolor: fill(d.iommu) })};`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
