/**
 * Linux judges the QEMU interop suite's Arm SMMUv3 command lines (issue 15):
 * `import qemu` turns each into a topology, and Debian's arm64 kernels (6.1
 * and 6.12 under the reference root's QEMU 7.2; else the host's) boot
 * the same command line through ACPI (EDK2) on ridmap's IORT and on QEMU's
 * own; every PCI device must get the IOMMU and group partition ridmap's map
 * of the topology predicts. Their DT boots are judged in
 * boot-arm64-dt-aliases.test.ts (where the expander scenarios are still
 * listed as disagreeing: QEMU's tree has no expander buses).
 * virtio-iommu-virt is left out: its VIOT cannot be injected (Linux's table
 * upgrade refuses the signature). Needs what arm64-env.ts says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JudgeResult } from '../../src/judge/judge-topology.js';
import { SCENARIOS } from '../interop/scenarios.js';
import { ARM64_BOOT_MS, arm64Assets, missingArm64, reportMissingArm64 } from './arm64-env.js';
import { itAgreesOnEveryBoot, judgeScenariosOnKernels } from './judge-support.js';
import { type InteropKernel, interopKernels, ROOT_MISSING } from './reference-root-env.js';

const scenarios = SCENARIOS.filter((s) => s.arch === 'arm' && s.tables.includes('IORT'));
const TABLES_FROM = ['ridmap', 'firmware'] as const;
const key = (k: InteropKernel, name: string, from: string) => `${name} on Linux ${k.label} through ACPI on ${from === 'ridmap' ? "ridmap's" : "QEMU's"} IORT`;
const kernels = interopKernels('arm64', arm64Assets);

reportMissingArm64('Linux judging the interop suite\'s SMMUv3 command lines');

describe.skipIf(missingArm64 !== undefined)('Linux judges the interop suite\'s SMMUv3 command lines through ACPI (UEFI)', () => {
  let results: Map<string, Promise<JudgeResult>>;

  beforeAll(() => {
    results = judgeScenariosOnKernels(kernels, scenarios, TABLES_FROM, key, (k) => ({ assets: k.assets, firmware: 'acpi', timeoutMs: ARM64_BOOT_MS }));
  });

  it('has the suite\'s four SMMUv3 scenarios, booted on two kernel series when the reference root is there', () => {
    expect(scenarios.map((s) => s.name)).toEqual(['smmuv3-its', 'smmuv3-pxb-bypass', 'smmuv3-default-bypass-pxb', 'smmuv3-gicv2']);
    expect(kernels.length).toBe(ROOT_MISSING === undefined ? 2 : 1);
  });

  itAgreesOnEveryBoot(kernels, scenarios, TABLES_FROM, key, () => results, ARM64_BOOT_MS, (r, from) => {
    // QEMU's own table on a firmware boot (creator BXPC), ridmap's otherwise (bootJudge proved its bytes).
    const held = r.boot.report.tables.get('IORT');
    expect(held && new TextDecoder().decode(held.subarray(28, 32))).toBe(from === 'firmware' ? 'BXPC' : 'RDMP');
  });
});
