/**
 * The contract of `export qemu`, checked before anything is printed: the
 * command line, read back by import qemu, gives the topology's map (the
 * same translations; every device with its id, bus:dev.fn, aliases, IOMMU,
 * output IDs, and the same group partition). A difference is a refusal
 * naming the topology part, so no command line that means another machine
 * ever leaves the exporter. QEMU's built-in functions (and pxb-pcie
 * functions) cannot keep an id: they are matched by bus:dev.fn, and the
 * names import qemu gives them come back as renames.
 */
import { InputError } from '../../diagnostic.js';
import { resolveTopology } from '../../model/resolve.js';
import { formatBdf } from '../../model/rid.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import type { DeviceEntry, TranslationMap } from '../../model/translation-map.js';
import type { ExportReport } from './export-problems.js';
import { importQemu } from './import-qemu.js';

const sbdf = (d: DeviceEntry) => `${d.segment}:${d.rid}`;
const said = (d: DeviceEntry) =>
  `${formatBdf(d.rid)} aliases [${d.aliases.map(formatBdf).join(', ')}] ${d.iommu ?? 'untranslated'} [${d.outputIds.join(', ')}]`;

/** Members of each device's group, as sorted id lists. */
function groups(devices: readonly DeviceEntry[]): Map<string, string> {
  const byGroup = new Map<string, string[]>();
  for (const d of devices) {
    const members = byGroup.get(d.group);
    if (members) members.push(d.id);
    else byGroup.set(d.group, [d.id]);
  }
  // One sorted text per group, shared by its members (not one sort per device).
  const text = new Map([...byGroup].map(([g, ids]) => [g, ids.sort().join(', ')]));
  return new Map(devices.map((d) => [d.id, text.get(d.group)!]));
}

/**
 * Imports `argv` and compares its map with the topology's. Returns the ids
 * import qemu gives the functions that cannot keep theirs (its id → the
 * topology's), or undefined when it refused.
 */
export function verifyRoundTrip(resolved: ResolvedTopology, argv: readonly string[], sources: ReadonlyMap<number, string>, report: ExportReport): Map<string, string> | undefined {
  let theirs: TranslationMap;
  try {
    theirs = resolveTopology(importQemu(argv).topology).map;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    for (const d of e.diagnostics) {
      const index = /^argv\[(\d+)\]$/.exec(d.path ?? '')?.[1];
      const path = index === undefined ? '' : sources.get(Number(index)) ?? '';
      report.refuse(path, `import qemu would not read the command line back: ${d.message} [${d.code}]`);
    }
    return undefined;
  }
  const mine = resolved.map;
  const mineDevices = mine.devices ?? [];
  const ids = new Set(mineDevices.map((d) => d.id));
  const atBdf = new Map(mineDevices.map((d) => [sbdf(d), d.id]));
  const renames = new Map<string, string>();
  for (const d of theirs.devices ?? []) {
    const same = atBdf.get(sbdf(d));
    if (!ids.has(d.id) && same !== undefined) renames.set(d.id, same);
  }
  const theirDevices = (theirs.devices ?? []).map((d) => ({ ...d, id: renames.get(d.id) ?? d.id }));
  const byId = new Map(theirDevices.map((d) => [d.id, d]));
  const [mineGroups, theirGroups] = [groups(mineDevices), groups(theirDevices)];
  for (const d of mineDevices) {
    const path = resolved.byId.get(d.id)?.docPath ?? '';
    const q = byId.get(d.id);
    if (!q) report.refuse(path, `QEMU would have no function ${d.id} at ${formatBdf(d.rid)}`);
    else if (said(q) !== said(d)) report.refuse(path, `${d.id}: the topology maps ${said(d)}; the QEMU machine would map ${said(q)}`);
    else if (mineGroups.get(d.id) !== theirGroups.get(d.id)) {
      report.refuse(path, `${d.id}: the topology groups it with [${mineGroups.get(d.id)}]; the QEMU machine with [${theirGroups.get(d.id)}]`);
    }
  }
  for (const q of theirDevices) {
    if (!ids.has(q.id)) report.refuse('hostBridges', `QEMU would add a function the topology does not have: ${q.id} at ${formatBdf(q.rid)}`);
  }
  const line = (m: TranslationMap) => m.translations.map((x) => `${x.segment}:${formatBdf(x.first)}-${formatBdf(x.last)} ${x.iommu} +${x.outputBase}`);
  const [a, b] = [line(mine), line(theirs)];
  if (a.join('\n') !== b.join('\n')) {
    report.refuse('iommus', `the RID translations differ: the topology says [${a.join('; ')}]; the QEMU machine [${b.join('; ')}]`);
  }
  return renames;
}
