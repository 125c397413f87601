/**
 * One map against another, device by device: for every device of the
 * topology, the IOMMU and the output IDs (one per DMA alias) that a table
 * says, against what the topology's own map says.
 *
 * A table speaks only for the IOMMUs its format can describe: an IORT with
 * no SMMU says nothing about a virtio-iommu (Linux asks the VIOT next), so a
 * device the table leaves untranslated while the topology gives it an IOMMU
 * of another kind is that other table's business, not a disagreement.
 */
import type { DeviceEntry } from '../../src/model/translation-map.js';

export interface DeviceDisagreement {
  id: string;
  table: string;
  topology: string;
}

/** IOMMU identities (DESIGN.md) each source can name. */
const DESCRIBES: Record<string, RegExp> = {
  DMAR: /^vtd@/,
  IORT: /^smmuv[23]@/,
  VIOT: /^virtio-iommu-(pci|mmio)@/,
  DT: /./,
};

const say = (e: DeviceEntry | undefined) =>
  !e ? 'absent' : e.iommu === null ? 'untranslated' : `${e.iommu} [${e.outputIds.map((o) => `0x${o.toString(16)}`).join(',')}]`;

export interface Comparison {
  differ: DeviceDisagreement[];
  /** Devices behind an IOMMU that this source cannot describe (and that it leaves alone). */
  notItsToSay: number;
}

export function compareDevices(source: string, table: readonly DeviceEntry[], topology: readonly DeviceEntry[]): Comparison {
  const describes = DESCRIBES[source] ?? /./;
  const byId = new Map(table.map((e) => [e.id, e]));
  const out: Comparison = { differ: [], notItsToSay: 0 };
  for (const mine of topology) {
    const theirs = byId.get(mine.id);
    if (mine.iommu !== null && !describes.test(mine.iommu) && theirs?.iommu === null) {
      out.notItsToSay++;
    } else if (say(theirs) !== say(mine)) {
      out.differ.push({ id: mine.id, table: say(theirs), topology: say(mine) });
    }
  }
  return out;
}
