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
import { formatAddress } from './address.js';

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

/**
 * Why Linux leaves a device without the IOMMU the tables give it
 * (model/linux-probe.ts). The entry's `iommu` is then null, as Linux shows it,
 * and this keeps what the tables said.
 */
export interface LinuxRefusal {
  /** The IOMMU the tables name for the device. */
  iommu: string;
  /** The output IDs the tables give its aliases. */
  outputIds: number[];
  /** The check id of the finding that reports it. */
  code: string;
  /** What Linux does and why, in a sentence. */
  reason: string;
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
  /** Present when the tables translate the device but Linux will not (its `iommu` is then null). */
  refused?: LinuxRefusal;
}

/**
 * Where a device's MSIs go (a map's deviceMsi): the ITS and the DeviceID of
 * the RID Linux sends them with (msiRequesterId); null when that RID reaches
 * no ITS (Linux gives the device no MSI domain); undefined when the map the
 * device's entry comes from has no MSI side (a machine's VIOT beside its
 * IORT). Asked device by device by what prints it, never stored per device
 * (model/device-msi.ts).
 */
export type DeviceMsiOf = (device: DeviceEntry) => DeviceMsi | null | undefined;

/** A device's MSI target: the ITS identity and the DeviceID it sees. */
export interface DeviceMsi {
  its: string;
  deviceId: number;
  /** The requester ID the DeviceID comes from (the device's own, or a bridge's alias). */
  rid: Rid;
}

/**
 * The MSI side of the map on Arm: RIDs first..last of a segment send their
 * MSIs to the ITS `its` with DeviceID deviceIdBase + (r − first). The ITS is
 * named `its@0x<base>` where its base is known (a topology, a Device Tree),
 * else `its#<GIC ITS translation ID>` (an IORT ITS group's first identifier,
 * the one Linux uses).
 */
export interface MsiTranslation {
  segment: number;
  first: Rid;
  last: Rid;
  its: string;
  deviceIdBase: number;
  source: string;
}

export interface MmioTranslation {
  id?: string;
  /**
   * The device's MMIO base; absent where the table names the device without
   * an address: an IORT named component is an ACPI object name (its `id`
   * then) and a memory address size, and only a topology knows where it is.
   */
  base?: bigint;
  /** An IORT named component's Memory Address Size Limit: how many bits of address its DMA drives. */
  addressBits?: number;
  iommu: string;
  outputIds: number[];
  source: string;
  /**
   * Where the device's MSIs go, when the input has an MSI side: the ITS and
   * DeviceID (IORT: the first single mapping that reaches an ITS group, as
   * iort_pmsi_get_dev_id takes it; DT: msi-parent's controller and cell);
   * null when they reach no ITS.
   */
  msi?: { its: string; deviceId: number } | null;
}

/** Where an MMIO device is, as the map's text, picture and page say it: its base (or the JSON's), or what the table says instead. */
export function mmioPlace(m: { base?: bigint | string; addressBits?: number }): string {
  if (m.base !== undefined) return typeof m.base === 'string' ? m.base : formatAddress(m.base);
  return m.addressBits === undefined ? 'no address' : `${m.addressBits}-bit DMA`;
}

/**
 * A part of the tables the map could not include, and why: scopes whose bus
 * numbers only a topology knows, a table this version does not model. A map
 * with gaps is partial, and every output says so (`map` on stderr and in its
 * text, `diff` in its notes, `check` in its summary), never "nothing is
 * translated".
 */
export interface MapGap {
  /** The table, as structure paths name it (`DMAR`, `IVRS`). */
  table: string;
  /** The input file it came from, once known. */
  file?: string;
  /** What is left out, short, for the map's text: `12 DMAR scopes need a topology`. */
  missing: string;
  /** The whole sentence: how much, why, and what to do. */
  message: string;
}

/**
 * A table entry: its structure path as findings name it
 * (`DMAR/DRHD[0]/DeviceScope[2]`) and, when the resolver knows it, its byte
 * offset in the table; in a Device Tree, the property's path
 * (`/pcie@10000000/iommu-map`) and the row of it that decides.
 */
export interface TableEntry {
  path: string;
  offset?: number;
  row?: number;
}

/** RIDs first..last of a segment are translated as `entry` says (the entry that decides them, after precedence). */
export interface EntryRun {
  segment: number;
  first: Rid;
  last: Rid;
  entry: TableEntry;
}

/**
 * Which table entry decides each run of RIDs (after precedence), in segment
 * and RID order, as a RidTable settled them: runs as four numbers each
 * (segment, first, last, the entry's index) in one flat list beside the
 * entries themselves, so a map of a million scopes holds no object per run,
 * and `which` finds a RID's entry by bisection.
 */
export class EntryRuns {
  /** segment, first, last, index into `entries`: four numbers per run, sorted. */
  private readonly runs: number[] = [];

  constructor(private readonly entries: readonly TableEntry[]) {}

  /** Adds RIDs first..last of a segment, decided by entries[index]; runs come in segment and RID order. */
  add(segment: number, first: Rid, last: Rid, index: number): void {
    this.runs.push(segment, first, last, index);
  }

  /** Every run with its entry, as objects (made on each call: for tests and tools, not for the map's own work). */
  list(): EntryRun[] {
    const out: EntryRun[] = [];
    for (let i = 0; i < this.runs.length; i += 4) out.push({ segment: this.runs[i]!, first: this.runs[i + 1]!, last: this.runs[i + 2]!, entry: this.entries[this.runs[i + 3]!]! });
    return out;
  }

  /** The entry that decides RID r of a segment, if any. */
  at(segment: number, r: Rid): TableEntry | undefined {
    const runs = this.runs;
    let lo = 0;
    let hi = runs.length / 4 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = runs[4 * mid]!;
      if (s < segment || (s === segment && runs[4 * mid + 2]! < r)) lo = mid + 1;
      else if (s > segment || runs[4 * mid + 1]! > r) hi = mid - 1;
      else return this.entries[runs[4 * mid + 3]!];
    }
    return undefined;
  }
}

export interface TranslationMap {
  translations: Translation[];
  /** Where PCI MSIs go (Arm: IORT ITS groups, DT msi-map/msi-parent, a topology's msiController); absent where the map has no MSI side. */
  msi?: MsiTranslation[];
  /** Which table entry decides each MSI run, as `entries` does for translations. */
  msiEntries?: EntryRuns;
  /**
   * Which table entry decides each translated RID, for the resolvers that
   * know (`ridmap which` names it); not part of the map JSON, and absent from
   * combined maps (each table's own map has its own).
   */
  entries?: EntryRuns;
  /** Present when a topology is known. */
  devices?: DeviceEntry[];
  /** Where each of `devices` sends its MSIs, when the map has an MSI side and devices (absent otherwise). */
  deviceMsi?: DeviceMsiOf;
  mmio: MmioTranslation[];
  findings: Diagnostic[];
  /** What the map leaves out (absent or empty: the map is whole). */
  gaps?: MapGap[];
}

/** What resolves a gap, said at the end of every gap's message: a topology, or the machine's own snapshot (its PCI tree). */
export const GAP_REMEDY = "map is partial; pass --topology, or map the machine's snapshot (ridmap snapshot), whose PCI tree resolves them";

/** A map's gaps as warnings (`map-partial`), one per table, in the usual diagnostic form. */
export function gapDiagnostics(gaps: readonly MapGap[] = []): Diagnostic[] {
  return gaps.map((g) => ({ severity: 'warning', code: 'map-partial', ...(g.file ? { file: g.file } : {}), path: g.table, message: g.message }));
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
    const t = runAt(sorted, segment, r);
    return t && { iommu: t.iommu, outputId: t.outputBase + (r - t.first) };
  };
}

/** The run covering RID r of a segment, in runs that are disjoint and sorted by segment then first RID: a bisection. */
export function runAt<T extends { segment: number; first: Rid; last: Rid }>(sorted: readonly T[], segment: number, r: Rid): T | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = sorted[mid]!;
    if (t.segment < segment || (t.segment === segment && t.last < r)) lo = mid + 1;
    else if (t.segment > segment || t.first > r) hi = mid - 1;
    else return t;
  }
  return undefined;
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
