/**
 * The topology's translations cut at host-bridge boundaries: each host bridge
 * decodes [rootBus, busLimit] of its segment, and firmware describes its
 * bridges one by one (QEMU writes a VIOT range per host bridge, DT puts an
 * iommu-map on each host node), even where neighbouring ranges would merge.
 */
import type { ResolvedHostBridge, ResolvedTopology } from './resolved.js';
import { rid } from './rid.js';
import type { Translation } from './translation-map.js';

export interface HostBridgeTranslations {
  hostBridge: ResolvedHostBridge;
  translations: Translation[];
}

export function translationsPerHostBridge(resolved: ResolvedTopology): HostBridgeTranslations[] {
  return resolved.hostBridges.map((hostBridge) => {
    const lo = rid(hostBridge.rootBus, 0);
    const hi = rid(hostBridge.busLimit, 0xff);
    const translations: Translation[] = [];
    for (const t of resolved.map.translations) {
      if (t.segment !== hostBridge.segment || t.last < lo || t.first > hi) continue;
      const first = Math.max(t.first, lo);
      translations.push({ ...t, first, last: Math.min(t.last, hi), outputBase: t.outputBase + (first - t.first) });
    }
    return { hostBridge, translations };
  });
}
