/**
 * Booting the interop suite's x86 VIOT command lines (test/interop/scenarios.ts)
 * through the judge: `import qemu` makes the topology, ridmap builds its VIOT,
 * and Debian's 6.12 boots the same command line on ridmap's tables (a rebuilt
 * set, acpi_rsdp=) or on QEMU's. Shared by the agreeing suite and the one for
 * known disagreements.
 */
import { expect } from 'vitest';
import type { Comparison } from '../../src/judge/compare.js';
import { judgeTopology, type JudgeResult } from '../../src/judge/judge-topology.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { type Scenario, SCENARIOS } from '../interop/scenarios.js';
import { runCli } from '../support/run-cli.js';
import { VIOT_KERNEL } from './viot-kernel.js';

export const VIOT_BOOT_MS = 300_000;
export const TABLES_FROM = ['ridmap', 'firmware'] as const;
export type TablesFrom = (typeof TABLES_FROM)[number];

export const X86_VIOT_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((s) => s.arch === 'x86' && s.tables.includes('VIOT'));

export function viotKey(name: string, from: TablesFrom): string {
  return `${name} on ${from === 'ridmap' ? "ridmap's" : "QEMU's"} VIOT`;
}

/**
 * Every (scenario, tables) boot, two at a time (the machines have 2 cores);
 * each scenario's firmware boot is shared by its ridmap boots (rsdp-boot.ts's cache).
 */
export function bootScenarios(scenarios: readonly Scenario[]): Map<string, Promise<JudgeResult>> {
  const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  const results = new Map<string, Promise<JudgeResult>>();
  let i = 0;
  for (const s of scenarios) {
    for (const from of TABLES_FROM) {
      const lane = i++ % lanes.length;
      const result = lanes[lane]!.then(async () => {
        const run = await runCli('import', 'qemu', '--', ...s.argv);
        expect(run.code, run.stderr).toBe(0);
        const topology = parseTopology(run.stdout, `${s.name}.yaml`);
        return judgeTopology({ topology, assets: VIOT_KERNEL!.assets, machineArgs: s.argv, timeoutMs: VIOT_BOOT_MS, tablesFrom: from });
      });
      // A failed boot must not stop its lane (its own test reports it) nor go unhandled before that test awaits it.
      lanes[lane] = result.catch(() => undefined);
      results.set(viotKey(s.name, from), result);
    }
  }
  return results;
}

/** Each difference in words, so a failure shows them all. */
export function disagreements(c: Comparison): string[] {
  return [
    ...c.devices.filter((d) => !d.iommuAgrees).map((d) => `${d.id ?? '?'} ${d.sbdf}: ridmap ${d.ridmap ? d.ridmap.iommu ?? 'none' : 'does not know it'}, Linux ${d.linux ? d.linux.iommu ?? 'none' : 'does not see it'}`),
    ...c.groupDifferences,
  ];
}

/** The proof for each kind of boot: ridmap's RSDP and bytes, or QEMU's own VIOT untouched. */
export function expectTablesUsed(r: JudgeResult, from: TablesFrom): void {
  const held = r.boot.report.tables.get('VIOT');
  if (from === 'ridmap') {
    expect(r.rebuilt?.image.address).toBe(0x1000_0000n);
    expect(held).toEqual(r.tables.find((t) => t.signature === 'VIOT')!.bytes);
  } else {
    expect(r.rebuilt).toBeUndefined();
    expect(held && new TextDecoder().decode(held.subarray(28, 32))).toBe('BXPC');
  }
}
