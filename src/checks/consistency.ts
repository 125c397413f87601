/**
 * Several inputs for one platform must say the same thing. With a topology,
 * each table's device entries (what the table says for each device under the
 * topology's bus numbers) are compared with the topology's own: a device the
 * topology puts behind an IOMMU the format can name but the table leaves out
 * skips its IOMMU (map-device-untranslated); any other difference of IOMMU or
 * output IDs is a mismatch. Without a topology, tables are compared with each
 * other RID by RID (map-tables-disagree).
 */
import { iommuPciFunction } from '../model/iommu-identity.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { formatSbdf } from '../model/rid.js';
import type { DeviceEntry } from '../model/translation-map.js';
import { compareTranslations, type RidAnswer, type RidDifference } from '../diff/rid-compare.js';
import { ridLines } from '../diff/map-diff.js';
import { ANY_FORMAT, sessionCheck, tableCheck, type Check, type FindingDraft } from './check.js';
import type { TableContext } from './context.js';
import { formatInfo, type FormatInfo } from '../model/table-formats.js';
import { appendAll } from '../append.js';
import { deviceLookup } from './device-lookup.js';

export interface DeviceDisagreement {
  kind: 'untranslated' | 'mismatch';
  /** What the topology says. */
  expected: DeviceEntry;
  /** What the table says. */
  actual: DeviceEntry;
}

export const describeDevice = (d: DeviceEntry) => `${d.id} (${formatSbdf(d.segment, d.rid)})`;
export const describeAnswer = (d: DeviceEntry) =>
  d.iommu === null ? 'untranslated' : d.outputIds.length === 0 ? d.iommu : `${d.iommu} [${d.outputIds.map((x) => `0x${x.toString(16)}`).join(',')}]`;

/**
 * A topology that describes only the PCI tree (no IOMMUs) is the bus
 * structure the tables' paths are followed through, not a statement that
 * nothing is translated: the devices' IOMMUs are then the tables' own.
 */
export function namesIommus(resolved: ResolvedTopology): boolean {
  return resolved.iommus.length > 0;
}

/** PCI functions that are IOMMUs themselves (virtio-iommu-pci, riscv-iommu-pci): never translated, whatever a range covers. */
export function iommuFunctions(resolved: ResolvedTopology): Set<string> {
  return new Set(resolved.iommus.flatMap((u) => iommuPciFunction(u.node) ?? []));
}

/** Where a table's device entries differ from the topology's, device by device (matched by id). */
export function compareDevices(
  format: FormatInfo,
  expected: readonly DeviceEntry[],
  actual: readonly DeviceEntry[],
  exempt: ReadonlySet<string>,
  /** False: compare IOMMUs only (the expected output IDs are not known). */
  compareOutputs = true,
): DeviceDisagreement[] {
  const actualOf = deviceLookup(actual);
  const out: DeviceDisagreement[] = [];
  for (const e of expected) {
    const a = actualOf(e.id);
    if (!a || exempt.has(e.id)) continue;
    if (e.iommu !== null && format.describes(e.iommu) && a.iommu === null) {
      out.push({ kind: 'untranslated', expected: e, actual: a });
    } else if (a.iommu !== null && (a.iommu !== e.iommu || (compareOutputs && !sameIds(a.outputIds, e.outputIds)))) {
      // A device behind an IOMMU this format cannot name is not the table's business, unless the table claims it.
      out.push({ kind: 'mismatch', expected: e, actual: a });
    }
  }
  return out;
}

/** Element by element: joining both lists to strings made two strings per device and per numbering. */
function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface Consistency {
  devices: number;
  disagreements: DeviceDisagreement[];
  /** The topology names no IOMMU: the devices' IOMMUs are the table's, so nothing was compared but the PCI structure. */
  iommusFromTable?: true;
}

/** The table against the topology under the baseline numbering (undefined without a topology or a resolver). */
export function consistencyOf(ctx: TableContext): Consistency | undefined {
  return ctx.session.onceFor(ctx.table, 'consistency', () => {
    const map = ctx.map();
    if (!ctx.resolved || !map?.devices) return undefined;
    const exempt = iommuFunctions(ctx.resolved);
    const expected = (ctx.resolved.map.devices ?? []).filter((d) => !exempt.has(d.id));
    // Scopes that name no device in such a topology are still reported (the resolver's findings).
    if (!namesIommus(ctx.resolved)) return { devices: expected.length, disagreements: [], iommusFromTable: true };
    return { devices: expected.length, disagreements: compareDevices(formatInfo(ctx.table.format), expected, map.devices, exempt) };
  });
}

function disagreementCheck(kind: DeviceDisagreement['kind'], spec: Omit<Check, 'needs' | 'run'>, say: (d: DeviceDisagreement, format: string) => string): Check {
  return tableCheck({
    ...spec,
    needs: { table: ANY_FORMAT, map: true, topology: true },
    run: (ctx) =>
      (consistencyOf(ctx)?.disagreements ?? [])
        .filter((d) => d.kind === kind)
        .map((d): FindingDraft => ({ path: ctx.table.name, message: say(d, ctx.table.format) })),
  });
}

export const deviceUntranslated = disagreementCheck(
  'untranslated',
  {
    id: 'map-device-untranslated',
    severity: 'error',
    description:
      'a device the topology puts behind an IOMMU that the table\'s format can name, but that the table leaves ' +
      'untranslated: its DMA skips the IOMMU',
  },
  (d, format) =>
    `${describeDevice(d.expected)} is behind ${d.expected.iommu} in the topology, but no ${format} entry covers it: ` +
    'its DMA skips the IOMMU',
);

export const deviceMismatch = disagreementCheck(
  'mismatch',
  {
    id: 'map-device-mismatch',
    severity: 'error',
    description: 'the table gives a device another IOMMU or other output IDs than the topology does (or translates a device the topology leaves untranslated)',
  },
  (d, format) => `${describeDevice(d.expected)}: ${format} says ${describeAnswer(d.actual)}, the topology says ${describeAnswer(d.expected)}`,
);

export const tablesDisagree = sessionCheck({
  needs: { tables: true },
  id: 'map-tables-disagree',
  severity: 'error',
  description:
    'without a topology: two tables give a RID another IOMMU or output ID, or one translates a RID behind an IOMMU ' +
    'the other\'s format can name and the other does not',
  run: (session) => {
    if (session.topology) return []; // each table is compared with the topology instead
    // A table kept as raw bytes (not modelled, or over the size limit) maps nothing: there is nothing to compare.
    // Repeats Linux ignores are not compared (table-repeated reports them).
    const tables = session.readTables().read.filter((t) => t.resolve && t.modelled);
    const out: FindingDraft[] = [];
    for (let i = 0; i < tables.length; i++) {
      for (let j = i + 1; j < tables.length; j++) {
        const [x, y] = [tables[i]!, tables[j]!];
        const [fx, fy] = [formatInfo(x.format), formatInfo(y.format)];
        const diffs = compareTranslations(session.mapOf(x)!.translations, session.mapOf(y)!.translations).filter(
          (d) => (d.a && d.b) || (d.b && fx.describes(d.b.iommu)) || (d.a && fy.describes(d.a.iommu)),
        );
        const name = (t: typeof x) => `${t.file}:${t.name}`;
        const say = ({ a, b }: RidDifference) => `: ${name(x)} says ${answer(a)}, ${name(y)} says ${answer(b)}`;
        appendAll(out, ridLines(diffs, undefined, say).map((message) => ({ file: x.file, path: x.name, message })));
      }
    }
    return out;
  },
});

const answer = (a: RidAnswer | null) => (a ? `${a.iommu} (output 0x${a.output.toString(16)})` : 'untranslated');

/**
 * A PCI-only topology (no `iommus`: what `import sysfs`/`import lspci` give)
 * is the bus structure, not a statement that nothing is translated: the
 * table's IOMMUs are taken as they are, and this says so once per table, so
 * that "no mismatch" is not read as "the topology agrees".
 */
export const topologyPciOnly = tableCheck({
  id: 'topology-pci-only',
  severity: 'info',
  description:
    'the topology names no IOMMU (a PCI-only topology, as import sysfs and import lspci give): the table\'s paths and ' +
    'bus ranges are followed through its PCI tree and each device\'s IOMMU is taken from the table as is, not compared',
  needs: { table: ANY_FORMAT, map: true, topology: true },
  run: (ctx) => {
    const c = consistencyOf(ctx);
    if (!c?.iommusFromTable) return [];
    return [{
      path: ctx.table.name,
      message:
        `the topology names no IOMMU: ${c.devices} device(s) were placed through its PCI tree and their IOMMUs are the ${ctx.table.format}'s ` +
        'as it says them; add iommus to the topology to have them checked',
    }];
  },
});

export const CONSISTENCY_CHECKS: readonly Check[] = [deviceUntranslated, deviceMismatch, tablesDisagree, topologyPciOnly];
