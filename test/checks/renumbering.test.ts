/**
 * Renumbering invariance as `check` reports it: per table, per policy, per
 * device, with the old and new RID and why. A DMAR that breaks is an error;
 * a RID-keyed table (here a VIOT whose virtio-iommu sits behind a root port
 * that moves when the OS renumbers) is reported as warnings.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckSummary } from '../../src/checks/summary.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/checks', name);

async function checkJson(...args: string[]): Promise<{ code: number; findings: Diagnostic[]; summary: CheckSummary }> {
  const run = await runCli('check', ...args, '--format', 'json');
  return { code: run.code, ...(JSON.parse(run.stdout) as { findings: Diagnostic[]; summary: CheckSummary }) };
}

describe('renumbering invariance', () => {
  it('a DMAR scope that holds a bus number breaks under hotplug-shift: an error, with the device, both RIDs and both entries', async () => {
    const { code, findings, summary } = await checkJson(fixture('renumbering-changes-device.dsl'), '--topology', fixture('renumbering-changes-device.topology.yaml'));
    expect(code).toBe(1);
    const rows = summary.tables[0]!.renumbering!;
    expect(rows.map((r) => [r.policy, r.unchanged, r.devices])).toEqual([['firmware', 6, 6], ['compact', 6, 6], ['hotplug-shift', 5, 6]]);
    expect(rows[2]!.changed).toEqual([
      { id: 'nvme0', oldRid: '02:00.0', newRid: '03:00.0', before: 'vtd@0xfed90000 [0x200]', after: 'vtd@0xfed91000 [0x300]', expected: 'vtd@0xfed90000 [0x300]' },
    ]);
    const f = findings.find((d) => d.code === 'renumbering-changes-device')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('under firmware 02:00.0 matched the entry 02:00.0-02:00.0 -> vtd@0xfed90000; under hotplug-shift 03:00.0 matches the entry');
  });

  it('a RID-keyed table that breaks is reported device by device as warnings', async () => {
    const topology = join(REPO_ROOT, 'test/fixtures/topology-valid/viot-behind-a-port.yaml');
    const { code, findings, summary } = await checkJson(topology, '--numbering', 'compact');
    expect(code).toBe(0);
    const viot = summary.tables.find((t) => t.format === 'VIOT')!;
    const compact = viot.renumbering!.find((r) => r.policy === 'compact')!;
    expect(compact.changed.map((c) => c.id)).toEqual(['rp1', 'nic0', 'rp2']);
    const renumbered = findings.filter((d) => d.code === 'renumbering-changes-device');
    // The board DT built beside the VIOT is RID-keyed too and breaks the same way.
    expect(renumbered.filter((d) => d.file?.endsWith('#board.dtb')).length).toBe(3);
    const warnings = renumbered.filter((d) => d.file?.endsWith('#VIOT.dat'));
    expect(warnings.length).toBe(3);
    expect(warnings.every((d) => d.severity === 'warning')).toBe(true);
    expect(warnings[1]!.message).toMatch(/^nic0 stays at 01:00\.0 under the compact numbering, and VIOT then gives it untranslated/);
    expect(warnings[1]!.message).toContain('the IOMMU itself moved from virtio-iommu-pci@0000:04:00.0 to virtio-iommu-pci@0000:02:00.0');
    expect(warnings[1]!.message).toContain("VIOT holds the firmware's RIDs");
  });
});
