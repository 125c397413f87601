/**
 * QEMU itself accepts what `ridmap export qemu` prints: each exported
 * command line (every exportable example of tables/ and the export of every
 * interop command line) starts a real QEMU, held before the first
 * instruction (-S, no display, no monitor, no serial). Still running after
 * HOLD_MS means QEMU built the machine; exiting means it refused, and its
 * stderr says why. Without QEMU the test is skipped with a message, unless
 * CI is set (CI installs QEMU: then it fails). Arm virt needs no firmware
 * to be built and held. RISC-V virt lines run the host's
 * qemu-system-riscv64 if it has one, else the reference root's (QEMU 11.1,
 * chroot, as the judge runs it); without either they are skipped (failed
 * under CI, which builds the root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chrootArgv, referenceRootPath } from '../../src/judge/reference-root.js';
import { expectedExportable, exportedArgv, importedFile, iommuSysFile, NUMA_ARGV, RISCV_BRIDGES_TOPOLOGY, scratchDir, topologyFile } from '../export/support.js';
import { RIMT_FIXTURE_DIR } from '../fixtures/rimt/tables.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { APT_PACKAGES, IN_CI, QEMU_BINARY } from './qemu-env.js';
import { SCENARIOS } from './scenarios.js';

/** How long QEMU must stay up: building the machine (device realize) takes well under a second. */
const HOLD_MS = 1500;
const HELD = ['-S', '-display', 'none', '-nodefaults', '-monitor', 'none', '-serial', 'none'];

interface Run {
  running: boolean;
  code: number | null;
  stderr: string;
}

const RISCV = 'qemu-system-riscv64';
const runs = (binary: string) => {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return run.error === undefined && run.status === 0;
};

/**
 * Where a RISC-V line runs: the host's QEMU, the reference root (its path),
 * or why neither. Only the root's QEMU is needed, so any recipe that has
 * qemu-system-riscv64 will do (the judge's recipe check is not this test's).
 */
function riscvRunner(): { root?: string; missing?: string } {
  if (runs(RISCV)) return {};
  const root = referenceRootPath();
  if (!existsSync(join(root, 'usr', 'bin', RISCV))) return { missing: `${RISCV} not found on the host nor in the reference root ${root} (scripts/reference-root.sh)` };
  if (process.getuid?.() !== 0) return { missing: `${RISCV} not found, and running the reference root's needs chroot, so root` };
  return { root };
}
const RISCV_RUNNER = riscvRunner();

/**
 * -device arm-smmuv3 is QEMU 10.1's (the host's 7.2 has none): such a line
 * runs in the reference root (QEMU 11.1, chroot), or is skipped without it.
 */
const SMMUV3_DEVICE_ROOT: { root?: string; missing?: string } = (() => {
  const root = referenceRootPath();
  if (!existsSync(join(root, 'usr', 'bin', QEMU_BINARY.arm))) return { missing: `-device arm-smmuv3 needs QEMU 10.1+: no reference root at ${root} (scripts/reference-root.sh)` };
  if (process.getuid?.() !== 0) return { missing: '-device arm-smmuv3 needs QEMU 10.1+, and running the reference root\'s needs chroot, so root' };
  return { root };
})();
const needsSmmuv3Device = (argv: readonly string[]) => argv.some((a) => a.startsWith('arm-smmuv3'));

/** Starts QEMU on `argv` (binary first) and reports whether it was still running after HOLD_MS; then stops it. */
function hold(argv: readonly string[]): Promise<Run> {
  const [binary, ...args] = argv;
  const root = binary === RISCV ? RISCV_RUNNER.root : needsSmmuv3Device(argv) ? SMMUV3_DEVICE_ROOT.root : undefined;
  const [program, ...rest] = root ? chrootArgv(root, binary!, [...HELD, ...args]) : [binary!, ...HELD, ...args];
  const child = spawn(program!, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    let running = true;
    const timer = setTimeout(() => child.kill('SIGKILL'), HOLD_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running = signal === 'SIGKILL';
      resolve({ running, code, stderr });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ running: false, code: null, stderr: String(e) });
    });
  });
}

const missing = Object.values(QEMU_BINARY).filter((b) => !runs(b));

const expectAccepted = async (argv: readonly string[]) => {
  const run = await hold(argv);
  expect(run.running, `QEMU exited (${run.code}) on ${argv.join(' ')}:\n${run.stderr}`).toBe(true);
};

if (missing.length > 0 && IN_CI) {
  describe('QEMU accepts export qemu', () => {
    it('has QEMU (CI installs it)', () => {
      throw new Error(`CI is set but ${missing.join(', ')} not found; install: apt-get install -y ${APT_PACKAGES}`);
    });
  });
} else if (missing.length > 0) {
  console.warn(`QEMU accepts export qemu: skipped (${missing.join(', ')} not found); to run it: apt-get install -y ${APT_PACKAGES}`);
} else {
  describe('QEMU accepts export qemu', () => {
    it('sees a QEMU that refuses (negative control)', async () => {
      const run = await hold([QEMU_BINARY.x86, '-M', 'q35', '-device', 'pcie-root-port,id=rp,bus=nowhere']);
      expect(run.running).toBe(false);
      expect(run.stderr).toMatch(/nowhere/);
    });

    for (const example of expectedExportable().filter((e) => !e.startsWith('riscv-'))) {
      it(`tables/${example}`, async (t) => {
        const argv = await exportedArgv(join(TABLES_DIR, example));
        if (needsSmmuv3Device(argv) && SMMUV3_DEVICE_ROOT.missing) {
          if (IN_CI) throw new Error(SMMUV3_DEVICE_ROOT.missing);
          t.skip(SMMUV3_DEVICE_ROOT.missing);
        }
        await expectAccepted(argv);
      }, 20_000);
    }

    it('an expander with numa_node, and the -numa nodes export writes for it', async () => {
      await expectAccepted(await exportedArgv(await importedFile(scratchDir(), 'numa', NUMA_ARGV)));
    }, 20_000);

    for (const s of SCENARIOS) {
      it(`interop ${s.name}`, async () => {
        const imported = await importedFile(scratchDir(), s.name, s.argv);
        await expectAccepted(await exportedArgv(imported));
      }, 20_000);
    }
  });
}

/**
 * RISC-V virt: QEMU 11.1 (whose pcie-root-port has no disable-acs, and whose
 * virt has no pxb-pcie) builds what export writes; each line with the RIMT
 * QEMU captured for the same machine (test/fixtures/rimt), or none.
 */
const RISCV_LINES: [string, () => string, string?][] = [
  ['tables/riscv-virt-iommu-pci.yaml', () => join(TABLES_DIR, 'riscv-virt-iommu-pci.yaml'), 'qemu-iommu-pci-addr3.dat'],
  ['a platform riscv-iommu (iommu-sys=on)', () => iommuSysFile(), 'qemu-iommu-sys.dat'],
  ['a switch and a PCIe-to-PCI bridge below a riscv-iommu-pci', () => topologyFile(RISCV_BRIDGES_TOPOLOGY)],
];
const CAPTURE_SCRIPT = join(REPO_ROOT, 'scripts', 'qemu-rimt-capture.mjs');

if (RISCV_RUNNER.missing && IN_CI) {
  describe('QEMU accepts export qemu: RISC-V virt', () => {
    it('has qemu-system-riscv64 (CI builds the reference root)', () => {
      throw new Error(RISCV_RUNNER.missing);
    });
  });
} else if (RISCV_RUNNER.missing) {
  console.warn(`QEMU accepts export qemu, RISC-V virt: skipped (${RISCV_RUNNER.missing})`);
} else {
  describe('QEMU accepts export qemu: RISC-V virt', () => {
    it('sees a QEMU that refuses (negative control: disable-acs, gone from QEMU 11.1)', async () => {
      const run = await hold([RISCV, '-M', 'virt', '-device', 'pcie-root-port,id=rp,chassis=1,disable-acs=on']);
      expect(run.running).toBe(false);
      expect(run.stderr).toMatch(/disable-acs/);
    });

    it('runs every RISC-V example export qemu writes', () => {
      expect(expectedExportable().filter((e) => e.startsWith('riscv-')).map((e) => `tables/${e}`)).toEqual(RISCV_LINES.map(([n]) => n).filter((n) => n.startsWith('tables/')));
    });

    for (const [name, file, rimt] of RISCV_LINES) {
      it(name, async () => {
        const argv = await exportedArgv(file());
        expect(argv[0]).toBe(RISCV);
        await expectAccepted(argv);
        // The capture script runs QEMU in the reference root only.
        if (!rimt || !RISCV_RUNNER.root) return;
        const out = join(scratchDir(), 'RIMT.dat');
        const run = spawnSync(process.execPath, [CAPTURE_SCRIPT, out, '--root', RISCV_RUNNER.root, '--', ...argv.slice(1)], { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
        expect(readFileSync(out).equals(readFileSync(join(RIMT_FIXTURE_DIR, rimt))), `the RIMT of the exported line is ${rimt}'s`).toBe(true);
      }, 30_000);
    }
  });
}
