/** What the judge tests share: the map's prediction through the CLI, and a comparison's differences in words. */
import { expect } from 'vitest';
import type { Comparison, PredictedDevice } from '../../src/judge/compare.js';
import type { JudgeResult } from '../../src/judge/judge-topology.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';

/** `map --format json` devices, through the CLI as a user runs it. */
export async function predict(...args: string[]): Promise<PredictedDevice[]> {
  const run = await runCli('map', ...args, '--format', 'json');
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { devices: PredictedDevice[] }).devices;
}

/** Each difference in words, so a failure shows them all. */
export function disagreements(c: Comparison): string[] {
  return [
    ...c.devices.filter((d) => !d.iommuAgrees).map((d) => `${d.id ?? '?'} ${d.sbdf}: ridmap ${d.ridmap ? d.ridmap.iommu ?? 'none' : 'does not know it'}, Linux ${d.linux ? d.linux.iommu ?? 'none' : 'does not see it'}`),
    ...c.groupDifferences,
  ];
}

/** A QEMU command line the judge boots, by name. */
export interface JudgeScenario {
  name: string;
  argv: readonly string[];
}

export type TablesFrom = 'ridmap' | 'firmware';

/**
 * Every (scenario, tables) boot, `concurrency` at a time (the machines have 2
 * cores), each on the topology import qemu makes of the scenario's command
 * line. A failed boot stops neither its lane nor goes unhandled: its own test
 * awaits it and reports it.
 */
export function judgeScenarios(
  scenarios: readonly JudgeScenario[],
  tablesFrom: readonly TablesFrom[],
  keyOf: (name: string, from: TablesFrom) => string,
  judge: (topology: Topology, scenario: JudgeScenario, from: TablesFrom) => Promise<JudgeResult>,
  concurrency = 2,
): Map<string, Promise<JudgeResult>> {
  const lanes: Promise<unknown>[] = Array.from({ length: concurrency }, () => Promise.resolve());
  const results = new Map<string, Promise<JudgeResult>>();
  let i = 0;
  for (const s of scenarios) {
    for (const from of tablesFrom) {
      const lane = i++ % lanes.length;
      const result = lanes[lane]!.then(async () => {
        const run = await runCli('import', 'qemu', '--', ...s.argv);
        expect(run.code, run.stderr).toBe(0);
        return judge(parseTopology(run.stdout, `${s.name}.yaml`), s, from);
      });
      lanes[lane] = result.catch(() => undefined);
      results.set(keyOf(s.name, from), result);
    }
  }
  return results;
}
