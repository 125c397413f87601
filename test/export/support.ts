/**
 * What the export tests share: the command line `export qemu` gives for a
 * file (JSON form), a topology imported from a command line, and the
 * comparison of two maps (`map --format json`) that the export contract is
 * about.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DeviceJson, MapJson } from '../../src/map/map-json.js';
import { runCli } from '../support/run-cli.js';

/** The examples of tables/ that QEMU can express (the round trip checks the others are refused). */
export const expectedExportable = (): string[] => ['arm-virt-smmuv3.yaml', 'q35-amd-vi.yaml', 'q35-virtio-iommu-pxb.yaml', 'q35-vtd-pci-bridge.yaml'];

export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'ridmap-export-'));

/** `ridmap export qemu FILE --format json`, which must succeed. */
export async function exportedArgv(file: string, ...extra: string[]): Promise<string[]> {
  const r = await runCli('export', 'qemu', file, '--format', 'json', ...extra);
  expect(r.stderr.split('\n').filter((l) => / error /.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

/** `ridmap import qemu -o OUT -- ARGV`, which must succeed; the YAML file. */
export async function importedFile(dir: string, name: string, argv: readonly string[]): Promise<string> {
  const out = join(dir, `${name}.yaml`);
  const r = await runCli('import', 'qemu', '-o', out, '--', ...argv);
  expect(r.stderr).not.toMatch(/ error /);
  expect(r.code).toBe(0);
  return out;
}

export async function mapOf(file: string): Promise<MapJson> {
  const r = await runCli('map', file, '--format', 'json');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as MapJson;
}

/** Which ids share a group, as sorted id lists: group names are positional, the partition is the fact. */
function partition(devices: readonly DeviceJson[]): string[] {
  const byGroup = new Map<string, string[]>();
  for (const d of devices) byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d.id]);
  return [...byGroup.values()].map((ids) => ids.sort().join(' ')).sort();
}

/**
 * The same map: translations, and every device with its id, bus:dev.fn,
 * aliases, IOMMU, output IDs, and the same group partition. A function QEMU
 * names itself (`<driver>@<bus>:<dd.f>`: a built-in, a pxb-pcie function)
 * cannot keep the topology's id, so only such a name is matched by
 * bus:dev.fn; every other id must be the topology's.
 */
export function expectSameMap(theirs: MapJson, mine: MapJson): void {
  const mineDevices = mine.devices ?? [];
  const ids = new Set(mineDevices.map((d) => d.id));
  const atBdf = new Map(mineDevices.map((d) => [`${d.segment}:${d.bdf}`, d.id]));
  const renamed = (theirs.devices ?? []).map((d) =>
    ids.has(d.id) || !d.id.includes('@') ? d : { ...d, id: atBdf.get(`${d.segment}:${d.bdf}`) ?? d.id },
  );
  const facts = (ds: readonly DeviceJson[]) =>
    [...ds].sort((a, b) => a.id.localeCompare(b.id)).map(({ group: _group, ...rest }) => rest);
  expect(theirs.translations).toEqual(mine.translations);
  expect(facts(renamed)).toEqual(facts(mineDevices));
  expect(partition(renamed)).toEqual(partition(mineDevices));
}
