/**
 * The x86 virtio-iommu scenarios where Linux and ridmap's map differed when
 * first booted (viot-disagreements.ts says where, on which kernel and QEMU,
 * and why). Each test expects full agreement, as boot-viot-interop.test.ts
 * does; it is skipped while its scenario is in LINUX_DISAGREES_TODAY, and runs
 * once the map models the behaviour and the scenario leaves that list.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JudgeResult } from '../../src/judge/judge-topology.js';
import { formatComparisonText } from '../../src/judge/render.js';
import { LINUX_DISAGREES_TODAY, VIOT_DISAGREEMENTS } from './viot-disagreements.js';
import { VIOT_KERNEL_MISSING, reportMissingViotKernel } from './viot-kernel.js';
import { bootScenarios, disagreements, expectTablesUsed, TABLES_FROM, VIOT_BOOT_MS, viotKey, X86_VIOT_SCENARIOS } from './viot-scenarios.js';

reportMissingViotKernel();

const recorded = X86_VIOT_SCENARIOS.filter((s) => VIOT_DISAGREEMENTS.has(s.name));
const toBoot = recorded.filter((s) => !LINUX_DISAGREES_TODAY.has(s.name));

describe('the record of VIOT disagreements', () => {
  it('names only x86 VIOT scenarios of the interop suite', () => {
    expect([...VIOT_DISAGREEMENTS.keys()].sort()).toEqual(recorded.map((s) => s.name).sort());
    expect([...LINUX_DISAGREES_TODAY].every((n) => VIOT_DISAGREEMENTS.has(n))).toBe(true);
  });
});

describe.skipIf(VIOT_KERNEL_MISSING !== undefined)('Linux 6.12 agrees with ridmap on the x86 virtio-iommu scenarios that once disagreed', () => {
  let results: Map<string, Promise<JudgeResult>>;
  beforeAll(() => {
    results = bootScenarios(toBoot);
  });

  for (const s of recorded) {
    for (const from of TABLES_FROM) {
      it.skipIf(LINUX_DISAGREES_TODAY.has(s.name))(`${viotKey(s.name, from)}: Linux agrees with ridmap's map (was: ${VIOT_DISAGREEMENTS.get(s.name)!.devices.join('; ')})`, async () => {
        const r = await results.get(viotKey(s.name, from))!;
        expectTablesUsed(r, from);
        expect(disagreements(r.comparison)).toEqual([]);
        expect(r.comparison.agree, formatComparisonText(r.comparison)).toBe(true);
      }, VIOT_BOOT_MS * 2 * recorded.length);
    }
  }
});
