/**
 * `ridmap which`: one device's line of the map, with the table entry that
 * says so. Nothing is resolved here: the answer is read off the maps `map`
 * prints (each table's own map, with the entries that decide each RID, as
 * its resolver settled them), so `which` and `map` cannot disagree.
 *
 * With a topology (or a snapshot) the device is known: its DMA aliases in
 * Linux's order, its IOMMU group and the devices in it, and the IOMMU and
 * output ID per alias as the tables give them. Without one only the RID
 * itself can be looked up: the tables do not say which bridges a device sits
 * behind, so its aliases and group are unknown, and the answer says so.
 * Several tables (a machine's VIOT beside its IORT): the first that
 * translates the device answers, as Linux's first driver takes it.
 */
import type { ResolvedTopology } from '../model/resolved.js';
import { formatSbdf, type Rid } from '../model/rid.js';
import type { DeviceEntry, EntryRuns, LinuxRefusal, MsiTranslation, TableEntry, TranslationMap } from '../model/translation-map.js';
import { lookupRid, runAt } from '../model/translation-map.js';

/** One map the answer may come from: a table's (or a topology's own). */
export interface WhichSource {
  /** `DMAR`, `IORT`, `DT`, `topology`. */
  table: string;
  file: string;
  map: TranslationMap;
  /** Byte offset of a structure path, where the format has a layout (ACPI). */
  offsetOf?: (path: string) => number | undefined;
}

/** The table entry that decides one RID of the device. */
export interface WhichEntry extends TableEntry {
  rid: Rid;
  table: string;
  file: string;
}

export interface WhichDevice {
  id: string;
  /** Own RID first, then the DMA aliases an IOMMU may see instead. */
  aliases: Rid[];
  group: string;
  /** Every device of the group (this one included), by id, in the map's order. */
  groupDevices: { id: string; segment: number; rid: Rid }[];
}

export interface WhichMsi {
  its: string;
  deviceId: number;
  rid: Rid;
  entry?: WhichEntry;
}

export interface WhichAnswer {
  segment: number;
  rid: Rid;
  /** Present when a topology is known; null when it has no function at this BDF. */
  device?: WhichDevice | null;
  iommu: string | null;
  /** Output ID per alias (per own RID without a topology); empty when untranslated. */
  outputIds: number[];
  /** The table (or `topology`) whose map says so. */
  source?: string;
  entries: WhichEntry[];
  refused?: LinuxRefusal;
  /**
   * Where the device's MSIs go, when the source has an MSI side: the ITS,
   * the DeviceID, the requester ID it comes from and the entry that decides;
   * null when they reach no ITS.
   */
  msi?: WhichMsi | null;
  /** Why the answer is "not translated", or what it cannot tell. */
  notes: string[];
}

export interface WhichQuestion {
  segment: number;
  rid: Rid;
  sources: readonly WhichSource[];
  /** The topology the maps were resolved against, if any. */
  resolved?: ResolvedTopology;
}

export function whichAnswer(q: WhichQuestion): WhichAnswer {
  const { segment, rid, sources } = q;
  const answer: WhichAnswer = { segment, rid, iommu: null, outputIds: [], entries: [], notes: [] };
  const at = formatSbdf(segment, rid);
  if (!q.resolved) {
    const hit = sources.find((s) => lookupRid(s.map.translations, segment, rid));
    if (!hit) {
      answer.notes.push(`no input translates RID ${at}`);
      return withGaps(withMsiAlone(answer, sources), sources);
    }
    const t = lookupRid(hit.map.translations, segment, rid)!;
    answer.iommu = t.iommu;
    answer.outputIds = [t.outputId];
    answer.source = hit.table;
    pushEntry(answer, hit, rid);
    return withMsiAlone(answer, sources);
  }

  // Each source's entry for the device; the first that translates it answers (else the first that lists it).
  const listed = sources.flatMap((s) => {
    const d = s.map.devices?.find((e) => e.segment === segment && e.rid === rid);
    return d ? [{ s, d }] : [];
  });
  const chosen = listed.find((x) => x.d.iommu !== null) ?? listed.find((x) => x.d.refused) ?? listed[0];
  if (!chosen) {
    answer.device = null;
    answer.notes.push(`the topology has no PCI function at ${at}`);
    return answer;
  }
  const { s, d } = chosen;
  answer.device = deviceOf(d, s.map.devices ?? []);
  answer.iommu = d.iommu;
  answer.outputIds = [...d.outputIds];
  answer.source = s.table;
  if (d.refused) {
    answer.refused = d.refused;
    answer.notes.push(`Linux leaves the device without an IOMMU: ${d.refused.reason}`);
  }
  if (d.iommu === null && !d.refused) answer.notes.push(`no input translates ${at}${d.aliases.length > 1 ? ' or its DMA aliases' : ''}`);
  // The entry that decides each alias the tables translate (a refused device's too: it names what Linux refuses).
  if (d.iommu !== null || d.refused) for (const alias of d.aliases) pushEntry(answer, s, alias);
  // The MSI side: the first source that has one answers (an IORT beside a VIOT: the IORT's).
  const msiSource = listed.map((x) => ({ s: x.s, m: x.s.map.deviceMsi?.(x.d) })).find((x) => x.m !== undefined);
  if (msiSource?.m !== undefined) {
    const m = msiSource.m;
    answer.msi = m && { ...m, ...entryField(msiSource.s, msiSource.s.map.msiEntries, m.rid, segment) };
    if (!m) answer.notes.push('its MSIs reach no ITS: Linux gives the device no MSI domain (INTx only, or its driver fails to probe)');
  }
  return d.iommu === null ? withGaps(answer, sources) : answer;
}

function deviceOf(d: DeviceEntry, all: readonly DeviceEntry[]): WhichDevice {
  const groupDevices = all.filter((e) => e.group === d.group).map((e) => ({ id: e.id, segment: e.segment, rid: e.rid }));
  return { id: d.id, aliases: [...d.aliases], group: d.group, groupDevices };
}

function pushEntry(answer: WhichAnswer, s: WhichSource, rid: Rid): void {
  const e = entryOf(s, s.map.entries, answer.segment, rid);
  if (e) answer.entries.push(e);
}

/** The entry of `runs` that decides a RID, placed (its byte offset from the table's layout where the resolver did not give one). */
function entryOf(s: WhichSource, runs: EntryRuns | undefined, segment: number, rid: Rid): WhichEntry | undefined {
  const entry = runs?.at(segment, rid);
  if (!entry) return undefined;
  const offset = entry.offset ?? s.offsetOf?.(entry.path);
  return { rid, table: s.table, file: s.file, path: entry.path, ...(offset === undefined ? {} : { offset }), ...(entry.row === undefined ? {} : { row: entry.row }) };
}

function entryField(s: WhichSource, runs: EntryRuns | undefined, rid: Rid, segment: number): { entry?: WhichEntry } {
  const entry = entryOf(s, runs, segment, rid);
  return entry ? { entry } : {};
}

/**
 * Without a topology, the MSI side of the RID itself (its aliases are
 * unknown): the first source with an MSI side answers.
 */
function withMsiAlone(answer: WhichAnswer, sources: readonly WhichSource[]): WhichAnswer {
  const s = sources.find((x) => x.map.msi);
  if (!s) return answer;
  const hit = lookupMsi(s.map.msi!, answer.segment, answer.rid);
  answer.msi = hit ? { ...hit, rid: answer.rid, ...entryField(s, s.map.msiEntries, answer.rid, answer.segment) } : null;
  if (!hit) answer.notes.push(`the MSIs of RID ${formatSbdf(answer.segment, answer.rid)} reach no ITS`);
  return answer;
}

function lookupMsi(msi: readonly MsiTranslation[], segment: number, rid: Rid): { its: string; deviceId: number } | undefined {
  const m = runAt(msi, segment, rid);
  return m && { its: m.its, deviceId: m.deviceIdBase + (rid - m.first) };
}


/** An untranslated answer from a partial map is not a "no": say what the map left out. */
function withGaps(answer: WhichAnswer, sources: readonly WhichSource[]): WhichAnswer {
  for (const s of sources) for (const g of s.map.gaps ?? []) answer.notes.push(`${s.file}: ${g.missing}, so this may be translated after all (${g.message})`);
  return answer;
}
