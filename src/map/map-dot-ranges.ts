/**
 * A map without a topology as Graphviz dot: what tables say when no PCI tree
 * is known (no bus numbers behind bridges, no device names). What there is
 * to draw is RID ranges, so the tree is segment, then bus, then each range on
 * that bus, filled with its IOMMU's colour (a range that crosses buses hangs
 * from its segment); MMIO masters stand beside it. Colours and legend are the
 * topology picture's (map-dot.ts), so the two pictures of a machine read alike;
 * RIDs outside every range are simply not drawn (there is no device list to
 * say which of them exist), so the legend has no `untranslated`.
 */
import { formatBdf, formatDevfn, ridBus, ridDevfn } from '../model/rid.js';
import { mmioPlace, type Translation, type TranslationMap } from '../model/translation-map.js';
import { attrs, dotPreamble, dotString, HOST_BRIDGE, IommuColours } from './dot-common.js';
import { hex, hex2 } from './format-common.js';

const segNode = (segment: number) => dotString(`seg:${segment}`);
const busNode = (segment: number, bus: number) => dotString(`bus:${segment}:${bus}`);

/** `00:1f.2-00:1f.3`, `bus 00` for a whole bus, `00:02.0` for one RID. */
function rangeText(t: Translation): string {
  if (t.first === t.last) return formatBdf(t.first);
  const oneBus = ridBus(t.first) === ridBus(t.last);
  if (oneBus && ridDevfn(t.first) === 0 && ridDevfn(t.last) === 0xff) return `bus ${hex2(ridBus(t.first))}`;
  return oneBus ? `${formatBdf(t.first)}-${formatDevfn(ridDevfn(t.last))}` : `${formatBdf(t.first)}-${formatBdf(t.last)}`;
}

export function formatRangesDot(map: TranslationMap, title: string): string {
  const colours = new IommuColours();
  const identities = [...new Set([...map.translations.map((t) => t.iommu), ...map.mmio.map((m) => m.iommu)])];
  for (const i of identities) colours.add(i);
  const out = [...dotPreamble(title), ...colours.legend(identities.map((i) => ({ key: i, label: i, identity: i })), false)];

  const buses = new Set<string>();
  for (const segment of new Set(map.translations.map((t) => t.segment))) {
    out.push(`  ${segNode(segment)} ${attrs({ label: `segment ${segment.toString(16).padStart(4, '0')}`, shape: 'folder', fillcolor: HOST_BRIDGE })};`);
  }
  map.translations.forEach((t, i) => {
    const node = dotString(`range:${i}`);
    const label = `${rangeText(t)}\n${t.iommu} +${hex(t.outputBase)}\n(${t.source})`;
    out.push(`  ${node} ${attrs({ label, fillcolor: colours.fill(t.iommu) })};`);
    const bus = ridBus(t.first);
    if (bus !== ridBus(t.last)) {
      out.push(`  ${segNode(t.segment)} -> ${node};`);
      return;
    }
    if (!buses.has(`${t.segment}:${bus}`)) {
      buses.add(`${t.segment}:${bus}`);
      out.push(`  ${busNode(t.segment, bus)} ${attrs({ label: `bus ${hex2(bus)}`, shape: 'box', style: 'rounded', fillcolor: HOST_BRIDGE })};`);
      out.push(`  ${segNode(t.segment)} -> ${busNode(t.segment, bus)};`);
    }
    out.push(`  ${busNode(t.segment, bus)} -> ${node};`);
  });
  map.mmio.forEach((m, i) => {
    const label = `${m.id ?? 'MMIO master'} (platform)\n${mmioPlace(m)}\n${m.iommu} [${m.outputIds.map(hex).join(',')}]\n(${m.source})`;
    out.push(`  ${dotString(`mmio:${i}`)} ${attrs({ label, shape: 'component', fillcolor: colours.fill(m.iommu) })};`);
  });
  out.push('}');
  return out.join('\n') + '\n';
}
