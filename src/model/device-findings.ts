/**
 * Findings that follow from a map's device entries alone, so they apply to
 * the topology's own map and to tables resolved under a topology alike.
 *
 * - group-split-iommu: an alias group whose members are not all translated
 *   by one IOMMU (or some translated, some not). The members cannot be
 *   isolated from each other, so Linux must give them one domain; behind
 *   different units (or none) there is no such domain.
 * - alias-collision: two devices issue a common RID (their alias sets
 *   intersect) but are assigned different IOMMUs or output IDs for it: only
 *   one of them can be right about that RID.
 * - the refusals of Linux's IOMMU drivers (linux-probe.ts), each under its own id.
 */
import type { Diagnostic } from '../diagnostic.js';
import { formatBdf, sbdfKey, sbdfKeyRid } from './rid.js';
import type { DeviceEntry } from './translation-map.js';
import { REFUSAL_SEVERITY } from './linux-probe.js';

export interface DeviceFindingOptions {
  /** Devices exempt from group-split-iommu: the PCI functions that are IOMMUs (never translated by design). */
  iommuFunctions?: ReadonlySet<string>;
  /** Document path of a device, for the diagnostic. */
  pathOf?: (id: string) => string | undefined;
}

const describeIommu = (iommu: string | null) => iommu ?? 'no IOMMU';

/**
 * The tables' answer for a device, before Linux's drivers refuse anything
 * (linux-probe.ts): these findings are about the tables, and a refusal has
 * its own finding (linuxRefusals).
 */
function tableView(d: DeviceEntry): DeviceEntry {
  return d.refused ? { ...d, iommu: d.refused.iommu, outputIds: d.refused.outputIds } : d;
}

function withPath(d: Diagnostic, path: string | undefined): Diagnostic {
  return path === undefined ? d : { ...d, path };
}

export function groupSplitIommu(entries: readonly DeviceEntry[], options: DeviceFindingOptions = {}): Diagnostic[] {
  const byGroup = new Map<string, DeviceEntry[]>();
  for (const entry of entries) {
    const d = tableView(entry);
    if (options.iommuFunctions?.has(d.id)) continue;
    // Appended in place: a copy of the group per member was quadratic in a group's size (a whole non-ACS hierarchy is one group).
    const members = byGroup.get(d.group);
    if (members) members.push(d);
    else byGroup.set(d.group, [d]);
  }
  const findings: Diagnostic[] = [];
  for (const [group, members] of byGroup) {
    if (members.every((m) => m.iommu === members[0]!.iommu)) continue;
    const list = members.map((m) => `${m.id} → ${describeIommu(m.iommu)}`).join(', ');
    findings.push(
      withPath(
        {
          severity: 'error',
          code: 'group-split-iommu',
          message:
            `alias group ${group} is split across IOMMUs (${list}); its members cannot be isolated ` +
            'from each other, so they must all be translated by one IOMMU (or none)',
        },
        options.pathOf?.(members[0]!.id),
      ),
    );
  }
  return findings;
}

/** Output ID a device's entry gives one of its aliases (undefined when untranslated). */
function outputFor(d: DeviceEntry, r: number): number | undefined {
  return d.iommu === null ? undefined : d.outputIds[d.aliases.indexOf(r)];
}

const describeOutput = (d: DeviceEntry, r: number) => {
  const out = outputFor(d, r);
  return out === undefined ? `${d.id} is untranslated` : `${d.id} goes to ${d.iommu} as 0x${out.toString(16)}`;
};

export function aliasCollisions(entries: readonly DeviceEntry[], options: DeviceFindingOptions = {}): Diagnostic[] {
  // The first device of each RID, and the list of all of them only where a second one comes: most RIDs are one
  // device's own, and a list for each was one array per device and map.
  const firstOf = new Map<number, DeviceEntry>();
  const sharers = new Map<number, DeviceEntry[]>();
  for (const entry of entries) {
    const d = tableView(entry);
    for (const r of d.aliases) {
      const key = sbdfKey(d.segment, r);
      const first = firstOf.get(key);
      if (first === undefined) {
        firstOf.set(key, d);
        continue;
      }
      const sharing = sharers.get(key);
      if (sharing) sharing.push(d);
      else sharers.set(key, [first, d]);
    }
  }
  const reported = new Set<string>();
  const findings: Diagnostic[] = [];
  // In the order the RIDs first appear, as before.
  for (const key of firstOf.keys()) {
    const sharing = sharers.get(key);
    if (!sharing) continue;
    // Usually everyone behind a bridge agrees on the bridge's alias: then no pair there can disagree.
    const shared = sbdfKeyRid(key);
    const first = sharing[0]!;
    if (sharing.every((d) => d.iommu === first.iommu && outputFor(d, shared) === outputFor(first, shared))) continue;
    for (let i = 0; i < sharing.length; i++) {
      for (let j = i + 1; j < sharing.length; j++) {
        const a = sharing[i]!;
        const b = sharing[j]!;
        const pair = `${a.id}\u0000${b.id}`;
        const disagree = (x: number) => a.iommu !== b.iommu || outputFor(a, x) !== outputFor(b, x);
        const r = a.aliases.find((x) => b.aliases.includes(x) && disagree(x));
        if (r === undefined || reported.has(pair)) continue;
        reported.add(pair);
        findings.push(
          withPath(
            {
              severity: 'error',
              code: 'alias-collision',
              message:
                `${a.id} and ${b.id} both issue RID ${formatBdf(r)} (segment ${a.segment}) but ` +
                `${describeOutput(a, r)} while ${describeOutput(b, r)}; an IOMMU sees one requester there`,
            },
            options.pathOf?.(b.id),
          ),
        );
      }
    }
  }
  return findings;
}

/** One error per device Linux's IOMMU driver refuses (DeviceEntry.refused), under the refusal's own id. */
export function linuxRefusals(devices: readonly DeviceEntry[], options: DeviceFindingOptions = {}): Diagnostic[] {
  return devices.flatMap((d) =>
    d.refused
      ? [withPath({ severity: REFUSAL_SEVERITY[d.refused.code] ?? 'error', code: d.refused.code, message: `Linux leaves ${d.id} without an IOMMU: ${d.refused.reason}` }, options.pathOf?.(d.id))]
      : [],
  );
}
