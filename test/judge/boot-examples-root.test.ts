/**
 * `ridmap boot` on every bundled example (issue 15's proof), as a user runs
 * it: in the reference root, with its QEMU 11.1 and Debian's kernels, on
 * ridmap's own tables, each on more than one kernel series (VIOT from 6.12,
 * the first with virtio-iommu) and each Arm example through ACPI and a Device
 * Tree. Each must print full agreement; an example QEMU cannot express is
 * refused (exit 2) with its reasons, never booted half-way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportQemu } from '../../src/import/qemu/export-qemu.js';
import { smmuv3DtRefusal } from '../../src/import/qemu/export-smmuv3-devices.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { reportMissingRoot, ROOT_MISSING } from './reference-root-env.js';

const BOOT_S = 240;

interface Example {
  file: string;
  /** What export qemu says when it refuses the example. */
  refused?: string;
  arm?: boolean;
  riscv?: boolean;
  viot?: boolean;
  /** Why it cannot boot under a Device Tree (an expander's arm-smmuv3: QEMU's DT has pcie.0's only). */
  dtRefused?: string;
}

const EXAMPLES: Example[] = readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
  const file = join(TABLES_DIR, f);
  const topology = parseTopology(readFileSync(file, 'utf8'), file);
  try {
    const argv = exportQemu(topology).argv;
    const dtRefused = smmuv3DtRefusal(topology);
    return {
      file, arm: argv[0]!.includes('aarch64'), riscv: argv[0]!.includes('riscv64'), viot: (topology.iommus ?? []).some((u) => u.type.startsWith('virtio-iommu')),
      ...(dtRefused ? { dtRefused } : {}),
    };
  } catch (e) {
    return { file, refused: (e as Error).message };
  }
});

/** The boots of one example: kernel series and firmware interface. */
function boots(e: Example): { os?: string; firmware: 'acpi' | 'dt' }[] {
  // RISC-V: the root's newest riscv64 kernel, the one that parses RIMT (6.12 has no CONFIG_ACPI_RIMT), which boot --root picks without --os.
  if (e.riscv) return [{ firmware: 'acpi' }];
  const arm: ('acpi' | 'dt')[] = e.dtRefused ? ['acpi'] : ['acpi', 'dt'];
  if (e.arm) return ['linux-6.1', 'linux-6.12', 'linux-7.3'].flatMap((os) => arm.map((firmware) => ({ os, firmware })));
  return (e.viot ? ['linux-6.12', 'linux-7.3'] : ['linux-6.1', 'linux-6.12', 'linux-7.3']).map((os) => ({ os, firmware: 'acpi' as const }));
}

reportMissingRoot('ridmap boot on every bundled example');

describe('the bundled examples', () => {
  it('include one of each kind the judge boots: VT-d, virtio-iommu on q35, Arm virt with an SMMUv3, and RISC-V virt', () => {
    const booted = EXAMPLES.filter((e) => !e.refused);
    expect(booted.some((e) => !e.arm && !e.riscv && !e.viot)).toBe(true);
    expect(booted.some((e) => e.riscv)).toBe(true);
    expect(booted.some((e) => e.viot)).toBe(true);
    expect(booted.some((e) => e.arm)).toBe(true);
  });

  for (const e of EXAMPLES.filter((x) => x.refused)) {
    it(`${e.file.slice(TABLES_DIR.length + 1)}: ridmap boot refuses what QEMU cannot express (exit 2), naming why`, async () => {
      const run = await runCli('boot', e.file, '--root');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('[qemu-export-refused]');
      expect(run.stdout).toBe('');
    });
  }
});

describe.skipIf(ROOT_MISSING !== undefined)('ridmap boot --root on every bundled example QEMU can express', () => {
  for (const e of EXAMPLES.filter((x) => x.dtRefused)) {
    it(`${e.file.slice(TABLES_DIR.length + 1)} --firmware dt: refused before booting, saying why (exit 2)`, async () => {
      const run = await runCli('boot', e.file, '--root', '--os', 'linux-6.12', '--firmware', 'dt');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(e.dtRefused);
    });
  }

  for (const e of EXAMPLES.filter((x) => !x.refused)) {
    for (const b of boots(e)) {
      it(`${e.file.slice(TABLES_DIR.length + 1)} --os ${b.os ?? '(newest)'} --firmware ${b.firmware}: Linux agrees with ridmap`, async () => {
        const os = b.os ? ['--os', b.os] : [];
        const run = await runCli('boot', e.file, '--root', ...os, '--firmware', b.firmware, '--timeout', String(BOOT_S), '--format', 'json');
        expect(run.code, run.stderr + run.stdout).toBe(0);
        const out = JSON.parse(run.stdout) as { os: string; firmware: string; agree: boolean; kernel: string; root: { qemu: string } };
        expect(out).toMatchObject({ firmware: b.firmware, agree: true, ...(b.os ? { os: b.os } : {}) });
        if (b.os) expect(out.kernel.startsWith(b.os.replace('linux-', ''))).toBe(true);
        expect(out.root.qemu).toMatch(/^11\.1\./);
      }, BOOT_S * 2 * 1000);
    }
  }
});
