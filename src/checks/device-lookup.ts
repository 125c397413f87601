/**
 * Finding a device's entry by id in another list of entries. The lists
 * compared (the topology's, a table's under the same topology, the baseline
 * numbering's) hold the same devices in the same order, the resolver's
 * depth-first one, with some left out; so a cursor walking forward finds
 * each entry where the last one was found, without a Map of every device (a
 * million entries per list and per numbering at 1M endpoints). Lookups out of
 * order still work: after a few of them, which each cost a scan, the
 * entries are indexed once. Device ids are unique in a validated topology,
 * so the first entry found is the only one.
 */
import type { DeviceEntry } from '../model/translation-map.js';

/** Scans out of order tolerated before the entries are indexed in a Map. */
const SCANS_BEFORE_INDEX = 8;

export function deviceLookup(entries: readonly DeviceEntry[]): (id: string) => DeviceEntry | undefined {
  let cursor = 0;
  let restarts = 0;
  let index: Map<string, DeviceEntry> | undefined;
  const scan = (from: number, to: number, id: string): DeviceEntry | undefined => {
    for (let i = from; i < to; i++) {
      if (entries[i]!.id === id) {
        cursor = i + 1;
        return entries[i];
      }
    }
    return undefined;
  };
  return (id) => {
    if (index) return index.get(id);
    const found = scan(cursor, entries.length, id);
    if (found) return found;
    if (++restarts > SCANS_BEFORE_INDEX) {
      index = new Map(entries.map((d) => [d.id, d]));
      return index.get(id);
    }
    return scan(0, Math.min(cursor, entries.length), id);
  };
}
