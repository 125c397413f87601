/**
 * The translation map: which IOMMU translates each requester ID (and each
 * MMIO device), with which output ID. Every format's resolver produces one;
 * comparing maps is how formats are checked against each other.
 *
 * Numbers are kept numeric here; map-json.ts turns them into the text form of
 * DESIGN.md.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { Rid } from './rid.js';

export interface Translation {
  segment: number;
  first: Rid;
  last: Rid;
  /** IOMMU identity, e.g. `vtd@0xfed90000`. */
  iommu: string;
  /** Output ID of `first`; RID r gets outputBase + (r - first). */
  outputBase: number;
  /** What said so: `topology`, `DMAR`, `IORT`, `VIOT`, `DT`. */
  source: string;
}

export interface DeviceEntry {
  id: string;
  segment: number;
  /** The device's own RID. */
  rid: Rid;
  /** Own RID first, then DMA aliases in pci_for_each_dma_alias order. */
  aliases: Rid[];
  /** IOMMU identity, or null when nothing translates the device. */
  iommu: string | null;
  /** Output ID per alias (empty when untranslated). */
  outputIds: number[];
  group: string;
}

export interface MmioTranslation {
  id?: string;
  base: bigint;
  iommu: string;
  outputIds: number[];
  source: string;
}

export interface TranslationMap {
  translations: Translation[];
  /** Present when a topology is known. */
  devices?: DeviceEntry[];
  mmio: MmioTranslation[];
  findings: Diagnostic[];
}

/**
 * Sorts by segment then first RID and merges neighbours that continue each
 * other (same IOMMU, same source, contiguous RIDs and output IDs), the
 * canonical form that makes two maps comparable.
 */
export function normalizeTranslations(input: readonly Translation[]): Translation[] {
  const sorted = [...input].sort((a, b) => a.segment - b.segment || a.first - b.first || a.last - b.last);
  const out: Translation[] = [];
  for (const t of sorted) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.segment === t.segment &&
      prev.iommu === t.iommu &&
      prev.source === t.source &&
      prev.last + 1 === t.first &&
      prev.outputBase + (t.first - prev.first) === t.outputBase
    ) {
      prev.last = t.last;
    } else {
      out.push({ ...t });
    }
  }
  return out;
}

export type RidLookup = (segment: number, r: Rid) => { iommu: string; outputId: number } | undefined;

/**
 * lookupRid for many RIDs: entries that do not overlap (normalized ones
 * never do) are searched by bisection, so a map of 100k devices is not a
 * scan of every translation per device; overlapping entries keep the scan
 * and its first-entry-wins rule.
 */
export function ridLookup(translations: readonly Translation[]): RidLookup {
  const sorted = [...translations].sort((a, b) => a.segment - b.segment || a.first - b.first);
  const disjoint = sorted.every((t, i) => i === 0 || sorted[i - 1]!.segment !== t.segment || sorted[i - 1]!.last < t.first);
  if (!disjoint) return (segment, r) => lookupRid(translations, segment, r);
  return (segment, r) => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = sorted[mid]!;
      if (t.segment < segment || (t.segment === segment && t.last < r)) lo = mid + 1;
      else if (t.segment > segment || t.first > r) hi = mid - 1;
      else return { iommu: t.iommu, outputId: t.outputBase + (r - t.first) };
    }
    return undefined;
  };
}

/** Looks up one RID; the first covering entry wins (entries are normalized, so at most one covers). */
export function lookupRid(
  translations: readonly Translation[],
  segment: number,
  r: Rid,
): { iommu: string; outputId: number } | undefined {
  for (const t of translations) {
    if (t.segment === segment && t.first <= r && r <= t.last) {
      return { iommu: t.iommu, outputId: t.outputBase + (r - t.first) };
    }
  }
  return undefined;
}
