/**
 * The difference of two translation maps in sentences: RIDs that moved to
 * another IOMMU (`00:1c.0 and below (rp1) moved from vtd@0xfed90000 to
 * vtd@0xfed91000`), that became or stopped being mapped, whose output IDs
 * shifted; then, when both maps list devices, each device whose IOMMU or
 * output IDs changed; then MMIO devices.
 */
import type { ResolvedTopology } from '../model/resolved.js';
import { formatBdf } from '../model/rid.js';
import { mmioPlace, type DeviceEntry, type TranslationMap } from '../model/translation-map.js';
import { compareTranslations, type RidDifference } from './rid-compare.js';
import { describeRids } from './rid-phrases.js';
import { lowerBound } from '../lower-bound.js';

const hex = (n: number) => `0x${n.toString(16)}`;
const ids = (xs: readonly number[]) => `[${xs.map(hex).join(',')}]`;

export interface DiffMapsOptions {
  /**
   * Compare only the RIDs the topology's devices use (own RIDs and aliases):
   * set when one side is a topology's own map and the other what tables say
   * under it, as tables say nothing about RIDs where no device is (a DMAR
   * names devices, a topology's map paints whole buses).
   */
  onlyDeviceRids?: boolean;
}

export function diffMaps(a: TranslationMap, b: TranslationMap, resolved?: ResolvedTopology, opts: DiffMapsOptions = {}): string[] {
  const diffs = compareTranslations(a.translations, b.translations);
  const shown = opts.onlyDeviceRids && resolved ? onDeviceRids(diffs, resolved) : diffs;
  return [...ridLines(shown, resolved), ...deviceLines(a.devices, b.devices), ...mmioLines(a, b)];
}

/** The parts of each difference that fall on RIDs a device of the topology uses, as runs of consecutive such RIDs. */
function onDeviceRids(diffs: readonly RidDifference[], resolved: ResolvedTopology): RidDifference[] {
  const used = new Map<number, Set<number>>();
  for (const d of resolved.map.devices ?? []) {
    const rids = used.get(d.segment) ?? new Set<number>();
    for (const r of d.aliases) rids.add(r);
    used.set(d.segment, rids);
  }
  const sorted = new Map([...used].map(([segment, rids]) => [segment, [...rids].sort((x, y) => x - y)]));
  const out: RidDifference[] = [];
  for (const d of diffs) {
    const rids = sorted.get(d.segment) ?? [];
    let i = lowerBound(rids.length, (k) => rids[k]! < d.first);
    while (i < rids.length && rids[i]! <= d.last) {
      const first = rids[i]!;
      while (i + 1 < rids.length && rids[i + 1]! === rids[i]! + 1 && rids[i + 1]! <= d.last) i++;
      const last = rids[i]!;
      const shift = first - d.first;
      const at = (x: RidDifference['a']) => (x ? { iommu: x.iommu, output: x.output + shift } : null);
      out.push({ segment: d.segment, first, last, a: at(d.a), b: at(d.b) });
      i++;
    }
  }
  return out;
}

/**
 * One sentence per kind of change (same IOMMUs before and after, same output
 * shift), naming all its RIDs; `say` words the change after them (default:
 * as a move from A to B).
 */
export function ridLines(diffs: readonly RidDifference[], resolved?: ResolvedTopology, say: (d: RidDifference) => string = changeText): string[] {
  const groups = new Map<string, { sample: RidDifference; segment: number; ranges: [number, number][] }>();
  for (const d of diffs) {
    const shift = d.a && d.b && d.a.iommu === d.b.iommu ? d.b.output - d.a.output : '';
    const key = `${d.segment}|${d.a?.iommu ?? '-'}|${d.b?.iommu ?? '-'}|${shift}`;
    const g = groups.get(key) ?? { sample: d, segment: d.segment, ranges: [] };
    g.ranges.push([d.first, d.last]);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ sample, segment, ranges }) => {
    const what = describeRids(segment, ranges, resolved) + (segment ? ` (segment ${segment})` : '');
    return `${what}${say(sample)}`;
  });
}

function changeText({ a, b }: RidDifference): string {
  if (a && b && a.iommu === b.iommu) {
    const shift = b.output - a.output;
    return ` keep ${a.iommu} but their output IDs shift by ${shift < 0 ? '-' : '+'}${hex(Math.abs(shift))}`;
  }
  if (a && b) return ` moved from ${a.iommu} to ${b.iommu}`;
  if (b) return ` now mapped to ${b.iommu} (before: not mapped)`;
  return ` no longer mapped (before: ${a!.iommu})`;
}

function deviceLines(a: readonly DeviceEntry[] | undefined, b: readonly DeviceEntry[] | undefined): string[] {
  if (!a || !b) return [];
  const after = new Map(b.map((d) => [d.id, d]));
  const lines: string[] = [];
  for (const da of a) {
    const db = after.get(da.id);
    const who = `device ${da.id} (${formatBdf(da.rid)})`;
    if (!db) {
      lines.push(`${who} is gone`);
      continue;
    }
    const where = (d: DeviceEntry) => (d.iommu === null ? 'untranslated' : `${d.iommu} ${ids(d.outputIds)}`);
    if (da.rid !== db.rid) lines.push(`${who} is now at ${formatBdf(db.rid)}`);
    if (da.iommu !== db.iommu) lines.push(`${who} moved from ${where(da)} to ${where(db)}`);
    else if (ids(da.outputIds) !== ids(db.outputIds)) lines.push(`${who} output IDs on ${da.iommu} ${ids(da.outputIds)} → ${ids(db.outputIds)}`);
    const [was, now] = [groupMates(a, da), groupMates(b, db)];
    if (was !== now) lines.push(`${who} shares its alias group with ${now} (before: ${was})`);
  }
  const before = new Set(a.map((d) => d.id));
  for (const db of b) if (!before.has(db.id)) lines.push(`device ${db.id} (${formatBdf(db.rid)}) is new`);
  return lines;
}

/** The other devices of a device's alias group (group ids are positional, so membership is what compares). */
function groupMates(devices: readonly DeviceEntry[], d: DeviceEntry): string {
  const mates = devices.filter((x) => x.group === d.group && x.id !== d.id).map((x) => x.id);
  return mates.length ? mates.join(', ') : 'no other device';
}

function mmioLines(a: TranslationMap, b: TranslationMap): string[] {
  const key = (m: TranslationMap['mmio'][number]) => m.id ?? mmioPlace(m);
  const text = (m: TranslationMap['mmio'][number] | undefined) => (m ? `${m.iommu} ${ids(m.outputIds)}` : 'not mapped');
  const before = new Map(a.mmio.map((m) => [key(m), m]));
  const after = new Map(b.mmio.map((m) => [key(m), m]));
  return [...new Set([...before.keys(), ...after.keys()])].flatMap((k) => {
    const [x, y] = [before.get(k), after.get(k)];
    return text(x) === text(y) ? [] : [`MMIO ${k} moved from ${text(x)} to ${text(y)}`];
  });
}
