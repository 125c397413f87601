/**
 * What the Graphviz pictures share (the topology's PCI tree in map-dot.ts,
 * a table's RID ranges in map-dot-ranges.ts): quoting, the graph preamble,
 * and one fill colour per IOMMU with a legend, so that both pictures of one
 * machine read alike.
 */

/** ColorBrewer Set3: light fills that keep black labels readable. */
const PALETTE = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd', '#ccebc5'];
export const UNTRANSLATED = '#d9d9d9';
export const HOST_BRIDGE = '#ffffff';

/** A dot double-quoted string: backslashes and quotes escaped, newlines as \n. */
export function dotString(text: string): string {
  // One pass (three chained replaces made three copies of every label); the alternatives never overlap, so the same text.
  return `"${text.replace(DOT_ESCAPES, (m) => (m === '\\' ? '\\\\' : m === '"' ? '\\"' : '\\n'))}"`;
}

const DOT_ESCAPES = /\\|"|\r?\n/g;

export const attrs = (a: Record<string, string>) =>
  `[${Object.entries(a)
    .map(([k, v]) => `${k}=${dotString(v)}`)
    .join(', ')}]`;

/** `digraph ridmap {` with the graph and node defaults; the caller closes it. */
export function dotPreamble(title: string): string[] {
  return [
    'digraph ridmap {',
    `  graph ${attrs({ rankdir: 'LR', fontname: 'Helvetica', label: title })};`,
    `  node ${attrs({ shape: 'box', style: 'filled', fontname: 'Helvetica' })};`,
  ];
}

export interface LegendEntry {
  /** Node name suffix (`iommu:<key>`). */
  key: string;
  label: string;
  /** The IOMMU identity whose colour the entry shows. */
  identity: string;
}

/** Fill colours by IOMMU identity, in the order the IOMMUs are first named; untranslated is grey. */
export class IommuColours {
  private readonly byIdentity = new Map<string, string>();

  add(identity: string): void {
    if (!this.byIdentity.has(identity)) this.byIdentity.set(identity, PALETTE[this.byIdentity.size % PALETTE.length]!);
  }

  fill(identity: string | null): string {
    return identity === null ? UNTRANSLATED : (this.byIdentity.get(identity) ?? UNTRANSLATED);
  }

  /** The `IOMMUs` cluster: one swatch per entry, then untranslated (where something can be). */
  legend(entries: readonly LegendEntry[], untranslated = true): string[] {
    return [
      '  subgraph cluster_legend {',
      `    graph ${attrs({ label: 'IOMMUs', style: 'solid' })};`,
      ...entries.map((e) => `    ${dotString(`iommu:${e.key}`)} ${attrs({ label: e.label, fillcolor: this.fill(e.identity) })};`),
      ...(untranslated ? [`    ${dotString('iommu:none')} ${attrs({ label: 'untranslated', fillcolor: UNTRANSLATED })};`] : []),
      '  }',
    ];
  }
}
