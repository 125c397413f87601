/**
 * The tables built from every example topology pass everything: no finding,
 * byte-exact round trip, the decoded model equal to the built one, every
 * device agreeing with the topology, and (the point of DMAR's scope paths)
 * every device keeping its IOMMU and output IDs under every numbering policy.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckSummary } from '../../src/checks/summary.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { NUMBERING_POLICIES } from '../../src/model/numbering.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const examples = readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const policies = NUMBERING_POLICIES.map((p) => p.name);

async function check(...args: string[]): Promise<{ code: number; findings: Diagnostic[]; summary: CheckSummary }> {
  const run = await runCli('check', ...args, '--format', 'json');
  expect(run.stderr).toBe('');
  return { code: run.code, ...(JSON.parse(run.stdout) as { findings: Diagnostic[]; summary: CheckSummary }) };
}

describe('check on the example topologies (built, then checked)', () => {
  for (const example of examples) {
    it(example, async () => {
      const { code, findings, summary } = await check(join(TABLES_DIR, example));
      expect(findings.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(code).toBe(0);
      expect(summary.topology!.devices).toBeGreaterThan(0);
      for (const t of summary.tables) {
        expect(t.origin).toBe('built');
        expect(t.roundTrip).toMatch(/^identical/);
        expect(t.consistency!.untranslated).toEqual([]);
        expect(t.consistency!.mismatched).toEqual([]);
        expect(t.renumbering!.map((r) => r.policy)).toEqual(policies);
      }
    });
  }

  it('every built DMAR keeps every device under every numbering policy', async () => {
    const withDmar: string[] = [];
    for (const example of examples) {
      const { summary } = await check(join(TABLES_DIR, example));
      const dmar = summary.tables.find((t) => t.format === 'DMAR');
      if (!dmar) continue;
      withDmar.push(example);
      expect(dmar.roundTrip).toContain('decodes to the model it was built from');
      for (const row of dmar.renumbering!) {
        expect(row.skipped).toBeUndefined();
        expect(row.devices).toBe(dmar.consistency!.devices);
        expect(row.unchanged).toBe(row.devices);
        expect(row.changed).toEqual([]);
      }
    }
    expect(withDmar).toEqual(['bridge-behind-bridge.yaml', 'q35-vtd-pci-bridge.yaml', 'q35-vtd-per-pxb.yaml', 'x86-server-dmar.yaml']);
  });

  it('a built DMAR checked as a file against its topology, one policy given', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-check-'));
    await runCli('build', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--out', out);
    const { code, findings, summary } = await check(join(out, 'DMAR.dat'), '--topology', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--numbering', 'compact');
    expect(code).toBe(0);
    expect(findings.filter((d) => d.severity !== 'info')).toEqual([]);
    const dmar = summary.tables[0]!;
    expect(dmar.origin).toBe('input');
    expect(dmar.renumbering!.map((r) => [r.policy, r.unchanged, r.devices])).toEqual([['firmware', 11, 11], ['compact', 11, 11]]);
  });
});
