/**
 * The checks of one captured command line, shared by the live suite
 * (qemu-interop.test.ts) and the recorded captures (recorded.test.ts):
 * import it as a user would, compare placement with QEMU's query-pci, and
 * compare each IOMMU table's map (and the DT's) with the topology's, device
 * by device, allowing only the scenario's known QEMU behaviours.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { mapAcpiTables } from '../../src/acpi/map-tables.js';
import { tableResolver } from '../../src/acpi/resolvers.js';
import { decodeTable } from '../../src/acpi/table.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { ResolvedTopology } from '../../src/model/resolved.js';
import type { TranslationMap } from '../../src/model/translation-map.js';
import type { CaptureManifest } from '../../scripts/qemu-capture/capture.mjs';
import { runCli } from '../support/run-cli.js';
import { compareDevices } from './map-compare.js';
import { placementDifferences, qemuFunctions } from './qemu-pci.js';
import type { Scenario } from './scenarios.js';

/** A line for the suite's summary. */
export type Note = (line: string) => void;

/** The tables that say which IOMMU translates what. */
export const IOMMU_TABLES = ['DMAR', 'VIOT', 'IORT'];

/** The command line imported through the CLI, as a user would, then resolved under the firmware numbering. */
/** The scenario's command line imported for the QEMU that made the capture (its defaults differ by release: aw-bits...). */
export async function importScenario(s: Scenario, m: CaptureManifest): Promise<ResolvedTopology> {
  const run = await runCli('import', 'qemu', '--schema', 'topology.schema.json', '--qemu-version', versionText(m), '--', ...s.argv);
  expect(run.stderr.split('\n').filter((l) => l.includes('error'))).toEqual([]);
  expect(run.code).toBe(0);
  return resolveTopology(parseTopology(run.stdout, `${s.name}.yaml`));
}

export function versionText(m: CaptureManifest): string {
  const v = m.qemuVersion;
  return `${v.major}.${v.minor}.${v.micro}`;
}

/** Whether this QEMU still has a behaviour fixed in `fixedIn`. */
function before(m: CaptureManifest, fixedIn: [number, number] | undefined): boolean {
  const v = m.qemuVersion;
  return !fixedIn || v.major < fixedIn[0] || (v.major === fixedIn[0] && v.minor < fixedIn[1]);
}

/** Every function where QEMU put it (pci.json of the capture in `dir`); returns how many. */
export function expectPlacement(dir: string, resolved: ResolvedTopology): number {
  const qemu = qemuFunctions(JSON.parse(readFileSync(join(dir, 'pci.json'), 'utf8')));
  expect(placementDifferences(qemu, resolved)).toEqual([]);
  return qemu.length;
}

/**
 * Each IOMMU table of the capture in `dir` against the topology, through
 * mapAcpiTables (so a table joins in once its resolver is registered);
 * returns how many tables were compared.
 */
export function compareIommuTables(s: Scenario, dir: string, m: CaptureManifest, resolved: ResolvedTopology, note: Note): number {
  let compared = 0;
  for (const t of m.tables.filter((x) => IOMMU_TABLES.includes(x.signature))) {
    if (!tableResolver(t.signature)) {
      note(`${t.signature}: no resolver registered in src/acpi/resolvers.ts yet; not compared`);
      continue;
    }
    const table = decodeTable(new Uint8Array(readFileSync(join(dir, t.file))));
    compareMaps(s, m, t.signature, mapAcpiTables([{ table, file: t.file }], resolved), resolved, note);
    compared++;
  }
  return compared;
}

/**
 * A table's (or the DT's) map against the topology's: devices may differ
 * only as the scenario's known QEMU behaviours say, and a known finding must
 * be raised exactly while this QEMU still has the behaviour.
 */
export function compareMaps(s: Scenario, m: CaptureManifest, source: string, map: TranslationMap, resolved: ResolvedTopology, note: Note): void {
  expect(map.devices, `${source} resolved with the topology lists devices`).toBeDefined();
  const { differ, notItsToSay } = compareDevices(source, map.devices!, resolved.map.devices!);
  const known = (s.known ?? []).filter((k) => k.source === source);
  for (const k of known) {
    const expected = before(m, k.fixedIn);
    if (k.finding) {
      const raised = map.findings.some((f) => f.code === k.finding);
      expect(raised, `${source} raises ${k.finding} on QEMU ${versionText(m)}`).toBe(expected);
      if (raised) note(`finding (${source}) ${k.finding}: ${k.why}`);
    }
    const seen = differ.filter((d) => k.devices?.includes(d.id)).map((d) => `${d.id} (${source}: ${d.table}; topology: ${d.topology})`);
    if (seen.length > 0) note(`finding (${source}): ${seen.join(', ')}: ${k.why}`);
    else if (k.devices && expected) note(`known QEMU behaviour not seen in ${source}: ${k.why}`);
  }
  const explained = new Set(known.flatMap((k) => k.devices ?? []));
  expect(differ.filter((d) => !explained.has(d.id)), `${source} and the imported topology disagree`).toEqual([]);
  const knownCodes = new Set(known.flatMap((k) => (k.finding ? [k.finding] : [])));
  for (const f of map.findings) {
    if (f.severity !== 'info' && !knownCodes.has(f.code)) note(`${source} finding ${f.code}: ${f.message}`);
  }
  const total = resolved.map.devices!.length - notItsToSay;
  const others = notItsToSay > 0 ? ` (${notItsToSay} more sit behind an IOMMU ${source} does not describe)` : '';
  note(`${source}: ${total - differ.length} of ${total} devices agree${differ.length > 0 ? `, ${differ.length} differ as known` : ''}${others}`);
}
