/** What the judge tests share: the map's prediction through the CLI, and a comparison's differences in words. */
import { expect, it } from 'vitest';
import type { Comparison, PredictedDevice } from '../../src/model/linux-verdict.js';
import { formatComparisonText } from '../../src/judge/render.js';
import { type JudgeRequest, type JudgeResult, judgeTopology } from '../../src/judge/judge-topology.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { runCli } from '../support/run-cli.js';
import type { InteropKernel } from './reference-root-env.js';

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

/**
 * judgeScenarios on each kernel in turn (interopKernels), in the kernel's root
 * when it has one; `keyOf` names each boot with its kernel.
 */
export function judgeScenariosOnKernels(
  kernels: readonly InteropKernel[],
  scenarios: readonly JudgeScenario[],
  tablesFrom: readonly TablesFrom[],
  keyOf: (kernel: InteropKernel, name: string, from: TablesFrom) => string,
  request: (kernel: InteropKernel) => Omit<JudgeRequest, 'topology' | 'machineArgs' | 'tablesFrom'>,
): Map<string, Promise<JudgeResult>> {
  return new Map(kernels.flatMap((k) => [...judgeScenarios(scenarios, tablesFrom, (name, from) => keyOf(k, name, from), (topology, s, from) =>
    judgeTopology({ ...request(k), topology, machineArgs: s.argv, tablesFrom: from, ...(k.root ? { root: k.root } : {}) }))]));
}

/**
 * One test per boot of judgeScenariosOnKernels: Linux must give every device
 * the IOMMU and group partition ridmap's map predicts; `proof` adds what the
 * boot must show of whose tables it used.
 */
export function itAgreesOnEveryBoot(
  kernels: readonly InteropKernel[],
  scenarios: readonly JudgeScenario[],
  tablesFrom: readonly TablesFrom[],
  keyOf: (kernel: InteropKernel, name: string, from: TablesFrom) => string,
  results: () => Map<string, Promise<JudgeResult>>,
  timeoutMs: number,
  proof: (r: JudgeResult, from: TablesFrom) => void,
): void {
  for (const k of kernels) {
    for (const s of scenarios) {
      for (const from of tablesFrom) {
        const key = keyOf(k, s.name, from);
        it(`${key}: every device's IOMMU and the group partition are what ridmap's map predicts`, async () => {
          const r = await results().get(key)!;
          console.info(`${key}: ${r.boot.elapsedMs} ms, ${r.comparison.devices.length} devices`);
          proof(r, from);
          expect(disagreements(r.comparison)).toEqual([]);
          expect(r.comparison.agree, formatComparisonText(r.comparison)).toBe(true);
        }, timeoutMs * scenarios.length * kernels.length);
      }
    }
  }
}

/** What `ridmap boot --root --format json` prints, the parts the reference-root boot tests read. */
export interface BootRootJson {
  agree: boolean;
  os: string;
  firmware: string;
  root: { qemu: string };
  devices: { id: string; linux: { iommu: string | null; group: string | null } }[];
}
