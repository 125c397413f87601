/**
 * Linux judges every x86 VT-d command line of the QEMU interop suite (issue 15):
 * `import qemu` turns it into a topology, ridmap builds that topology's DMAR,
 * Debian's kernel boots the same command line on ridmap's DMAR, and every PCI
 * device must get the IOMMU and group partition ridmap's map predicts.
 * Needs scripts/judge-assets.sh's kernel and qemu-system-x86_64 (skipped with a
 * message without them, failed when CI is set: boot-dmar.test.ts says which).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findJudgeAssets } from '../../src/judge/boot.js';
import type { Comparison } from '../../src/judge/compare.js';
import { judgeTopology, type JudgeResult } from '../../src/judge/judge-topology.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { missingQemu } from '../interop/qemu-env.js';
import { SCENARIOS } from '../interop/scenarios.js';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/paths.js';

const BOOT_MS = 300_000;
/** Two boots at a time: the machines have 2 cores. */
const CONCURRENCY = 2;

const assets = findJudgeAssets(process.env['RIDMAP_JUDGE_CACHE'] ?? join(REPO_ROOT, '.judge-cache'));
const skip = assets === undefined || missingQemu('x86') !== undefined;
const scenarios = SCENARIOS.filter((s) => s.arch === 'x86' && s.tables.includes('DMAR'));

describe.skipIf(skip)('Linux judges the interop suite\'s VT-d command lines', () => {
  const results = new Map<string, Promise<JudgeResult>>();

  beforeAll(() => {
    const lanes: Promise<unknown>[] = Array.from({ length: CONCURRENCY }, () => Promise.resolve());
    scenarios.forEach((s, i) => {
      const lane = i % CONCURRENCY;
      const result = lanes[lane]!.then(async () => {
        const run = await runCli('import', 'qemu', '--', ...s.argv);
        expect(run.code, run.stderr).toBe(0);
        return judgeTopology({ topology: parseTopology(run.stdout, `${s.name}.yaml`), assets: assets!, machineArgs: s.argv, timeoutMs: BOOT_MS });
      });
      // A failed boot must not stop its lane (its own test reports it) nor go unhandled before that test awaits it.
      lanes[lane] = result.catch(() => undefined);
      results.set(s.name, result);
    });
  });

  for (const s of scenarios) {
    it(`${s.name}: every device's IOMMU and the group partition are ridmap's`, async () => {
      const r = await results.get(s.name)!;
      console.info(`${s.name}: ${r.boot.elapsedMs} ms, ${r.comparison.devices.length} devices`);
      expect(disagreements(r.comparison)).toEqual([]);
    }, BOOT_MS * Math.ceil(scenarios.length / CONCURRENCY));
  }
});

function disagreements(c: Comparison): string[] {
  return [
    ...c.devices.filter((d) => !d.iommuAgrees).map((d) => `${d.id ?? '?'} ${d.sbdf}: ridmap ${d.ridmap ? d.ridmap.iommu ?? 'none' : 'does not know it'}, Linux ${d.linux ? d.linux.iommu ?? 'none' : 'does not see it'}`),
    ...c.groupDifferences,
  ];
}
