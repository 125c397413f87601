/**
 * A stored map.json (the map JSON contract, DESIGN.md) back into a
 * translation map, so that a changed golden map is compared RID by RID and
 * device by device rather than line by line.
 */
import { parseBdf, type Rid } from '../model/rid.js';
import type { TranslationMap } from '../model/translation-map.js';
import type { MapJson } from '../map/map-json.js';

export function mapFromJson(text: string): TranslationMap | undefined {
  try {
    const j = JSON.parse(text) as MapJson;
    return {
      translations: j.translations.map((t) => ({ ...t, first: bdf(t.first), last: bdf(t.last) })),
      ...(j.devices
        ? { devices: j.devices.map((d) => ({ id: d.id, segment: d.segment, rid: bdf(d.bdf), aliases: d.aliases.map(bdf), iommu: d.iommu, outputIds: d.outputIds, group: d.group })) }
        : {}),
      mmio: (j.mmio ?? []).map(({ base, ...m }) => ({ ...m, ...(base === undefined ? {} : { base: BigInt(base) }) })),
      findings: [],
    };
  } catch {
    return undefined;
  }
}

function bdf(text: string): Rid {
  const r = parseBdf(text);
  if (!r) throw new Error(`not a BDF: ${text}`);
  return r.rid;
}
