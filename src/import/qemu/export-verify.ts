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
import { childPath } from '../../model/doc-path.js';
import { resolveTopology } from '../../model/resolve.js';
import { formatBdf } from '../../model/rid.js';
import type { PciNode, Topology } from '../../model/topology-schema.js';
import type { DeviceEntry, TranslationMap } from '../../model/translation-map.js';
import type { ExportReport } from './export-problems.js';
import { importQemu } from './import-qemu.js';

/** Document path of every PCI node, by id. */
function nodePaths(t: Topology): Map<string, string> {
  const paths = new Map<string, string>();
  const stack: { node: PciNode; path: string }[] = [];
  (t.hostBridges ?? []).forEach((h, i) => h.children.forEach((node, j) => stack.push({ node, path: `hostBridges[${i}].children[${j}]` })));
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    paths.set(node.id, path);
    (node.children ?? []).forEach((c, j) => stack.push({ node: c, path: childPath(childPath(path, 'children'), j) }));
  }
  return paths;
}

const sbdf = (d: DeviceEntry) => `${d.segment}:${d.rid}`;
const said = (d: DeviceEntry) =>
  `${formatBdf(d.rid)} aliases [${d.aliases.map(formatBdf).join(', ')}] ${d.iommu ?? 'untranslated'} [${d.outputIds.join(', ')}]`;

/** Members of each device's group, as sorted id lists. */
function groups(devices: readonly DeviceEntry[]): Map<string, string> {
  const byGroup = new Map<string, string[]>();
  for (const d of devices) byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d.id]);
  return new Map(devices.map((d) => [d.id, [...byGroup.get(d.group)!].sort().join(', ')]));
}

/**
 * Imports `argv` and compares its map with the topology's. Returns the ids
 * import qemu gives the functions that cannot keep theirs (its id → the
 * topology's), or undefined when it refused.
 */
export function verifyRoundTrip(t: Topology, mine: TranslationMap, argv: readonly string[], sources: ReadonlyMap<number, string>, report: ExportReport): Map<string, string> | undefined {
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
  const paths = nodePaths(t);
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
    const path = paths.get(d.id) ?? '';
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
