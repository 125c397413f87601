/**
 * Renumbering invariance: the topology numbered under every policy asked for
 * (the OS may renumber buses: `pci=assign-busses`, a hot-added bridge), every
 * table resolved again, and for each device whether the table still gives it
 * the IOMMU and output IDs the topology does under that numbering. Devices
 * the table already got wrong under the baseline numbering are left to the
 * consistency checks.
 *
 * DMAR scopes are paths from a root bus, so a DMAR must survive every
 * policy: a device that changes is an error. VIOT, IORT and Device Tree maps
 * hold the firmware's RIDs, so they break when buses move; that is reported
 * as a warning, device by device, with the old and new RID and the entry
 * that matched before and after.
 */
import { formatBdf } from '../model/rid.js';
import { runAt, type DeviceEntry, type Translation, type TranslationMap } from '../model/translation-map.js';
import { ANY_FORMAT, tableCheck, type FindingDraft } from './check.js';
import { compareDevices, consistencyOf, describeAnswer, iommuFunctions } from './consistency.js';
import type { TableContext } from './context.js';
import { formatInfo } from '../model/table-formats.js';
import { deviceLookup } from './device-lookup.js';

export interface RenumberedDevice {
  id: string;
  oldRid: number;
  newRid: number;
  /** What the table says under the baseline numbering, under the policy, and what the topology says under the policy. */
  before: DeviceEntry;
  after: DeviceEntry;
  expected: DeviceEntry;
  /** The table's entries that cover the old and the new RID. */
  why: string;
}

export interface RenumberingRow {
  policy: string;
  /** Why the topology could not be numbered under the policy (no devices compared). */
  skipped?: string;
  /** Devices compared (those the table got right under the baseline numbering). */
  devices: number;
  changed: RenumberedDevice[];
}

export function renumberingOf(ctx: TableContext): RenumberingRow[] | undefined {
  return ctx.session.onceFor(ctx.table, 'renumbering', () => {
    const base = consistencyOf(ctx);
    const baseMap = ctx.map();
    if (!base || !baseMap?.devices) return undefined;
    const wrongAtBase = new Set(base.disagreements.map((d) => d.expected.id));
    return ctx.session.policies.map((policy) => renumberUnder(ctx, policy, baseMap, wrongAtBase, !!base.iommusFromTable));
  });
}

function renumberUnder(
  ctx: TableContext,
  policy: string,
  baseMap: TranslationMap,
  wrongAtBase: ReadonlySet<string>,
  iommusFromTable: boolean,
): RenumberingRow {
  const under = ctx.session.under(policy)!;
  if ('problem' in under) return { policy, skipped: under.problem, devices: 0, changed: [] };
  const resolved = under.resolved;
  // Under the baseline's own numbering the baseline map (kept by the session); under another, a map only this
  // comparison needs, so it is not kept: at 1M endpoints each held a million device entries to the end of the run.
  const map = resolved === ctx.resolved ? baseMap : ctx.table.resolve!(resolved);
  const exempt = iommuFunctions(resolved);
  const before = deviceLookup(baseMap.devices!);
  const devices = (resolved.map.devices ?? []).filter((d) => !wrongAtBase.has(d.id) && !exempt.has(d.id));
  // A topology without IOMMUs: each device must keep the IOMMU the table gave it under the baseline numbering
  // (its output IDs are RIDs or offsets that move with the buses, and the topology does not say them).
  const expected = iommusFromTable ? devices.map((d) => ({ ...d, iommu: before(d.id)?.iommu ?? null, outputIds: [] })) : devices;
  const changed = compareDevices(formatInfo(ctx.table.format), expected, map.devices ?? [], exempt, !iommusFromTable).map((d): RenumberedDevice => {
    const old = before(d.expected.id)!;
    return {
      id: d.expected.id,
      oldRid: old.rid,
      newRid: d.actual.rid,
      before: old,
      after: d.actual,
      expected: d.expected,
      why:
        `under ${ctx.session.policies[0]} ${formatBdf(old.rid)} matched ${entry(baseMap.translations, old)}; ` +
        `under ${policy} ${formatBdf(d.actual.rid)} matches ${entry(map.translations, d.actual)}` +
        // A PCI-based IOMMU (virtio-iommu-pci) is named by its own BDF, which moves too.
        (old.iommu !== null && d.expected.iommu !== null && old.iommu !== d.expected.iommu && old.iommu.split('@')[0] === d.expected.iommu.split('@')[0]
          ? `; the IOMMU itself moved from ${old.iommu} to ${d.expected.iommu}, and the table still names it by its old address`
          : ''),
    };
  });
  return { policy, devices: expected.length, changed };
}

/**
 * The table entry covering a device's own RID, as `04:00.0-04:1f.7 -> vtd@0xfed91000`, or `no entry`.
 * A bisection (a map's translations are normalized: sorted and disjoint), not a scan: a hot-added bus
 * moves a device or two below every root port, and at 1M endpoints thousands of them scanned thousands of runs.
 */
function entry(translations: readonly Translation[], d: DeviceEntry): string {
  const t = runAt(translations, d.segment, d.rid);
  return t ? `the entry ${formatBdf(t.first)}-${formatBdf(t.last)} -> ${t.iommu}` : 'no entry';
}

export const renumberingChangesDevice = tableCheck({
  needs: { table: ANY_FORMAT, map: true, topology: true },
  id: 'renumbering-changes-device',
  severity: 'error',
  description:
    'under another bus numbering a device gets another IOMMU or other output IDs from the table than the topology ' +
    'gives it: an error for DMAR (paths must survive renumbering), a warning for RID-keyed tables (VIOT, IORT, DT), ' +
    'which hold the firmware\'s bus numbers',
  run: (ctx) => {
    const keyedBy = formatInfo(ctx.table.format).keyedBy;
    return (renumberingOf(ctx) ?? []).flatMap((row) =>
      row.changed.map((c): FindingDraft => ({
        path: ctx.table.name,
        ...(keyedBy === 'rid' ? { severity: 'warning' as const } : {}),
        message:
          `${c.id} ${c.oldRid === c.newRid ? `stays at ${formatBdf(c.oldRid)}` : `moves from ${formatBdf(c.oldRid)} to ${formatBdf(c.newRid)}`} ` +
          `under the ${row.policy} numbering, and ` +
          `${ctx.table.format} then gives it ${describeAnswer(c.after)} where the topology says ${describeAnswer(c.expected)} ` +
          `(before: ${describeAnswer(c.before)}): ${c.why}` +
          (keyedBy === 'rid' ? ` (${ctx.table.format} holds the firmware's RIDs; they hold only while the OS keeps its bus numbers)` : ''),
      })),
    );
  },
});
