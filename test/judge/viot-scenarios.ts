/**
 * Booting the interop suite's x86 VIOT command lines (test/interop/scenarios.ts)
 * through the judge: `import qemu` makes the topology, ridmap builds its VIOT,
 * and Debian's 6.12 boots the same command line on ridmap's tables (a rebuilt
 * set, acpi_rsdp=) or on QEMU's. Shared by the agreeing suite and the one for
 * known disagreements.
 */
import { expect } from 'vitest';
import { judgeTopology, type JudgeResult } from '../../src/judge/judge-topology.js';
import { type Scenario, SCENARIOS } from '../interop/scenarios.js';
import { VIOT_KERNEL } from './viot-kernel.js';
import { disagreements, judgeScenarios } from './judge-support.js';

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
  return judgeScenarios(scenarios, TABLES_FROM, viotKey, (topology, s, from) =>
    judgeTopology({ topology, assets: VIOT_KERNEL!.assets, machineArgs: s.argv, timeoutMs: VIOT_BOOT_MS, tablesFrom: from }));
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

export { disagreements };
