/**
 * `ridmap plan HOST --assign BDF,...`: the guest for the devices a host
 * hands over (src/plan/). Writes the plan's files into --out as one set
 * (io/file-set.ts under the directory's lock, as `build` does); prints the
 * summary. Exit 1 when the plan cannot work, 2 for bad usage or input.
 */
import { Option, type Command } from 'commander';
import { statSync } from 'node:fs';
import { BUILD_OUTPUT_NAMES } from '../../build-outputs.js';
import { InputError, inFile } from '../../diagnostic.js';
import { replaceOutputSet } from '../../io/output-set.js';
import { loadTopologyFile } from '../../io/load-topology.js';
import { inputName, readInputText } from '../../io/read-input.js';
import { readSysfsSnapshot } from '../../import/sysfs/read-sysfs-snapshot.js';
import { assignFileWords, parseAssignList } from '../../plan/assignment.js';
import { DEFAULT_VIOMMU, VIOMMU_MODELS, type GuestMachine, type ViommuModel } from '../../plan/guest-line.js';
import { machineTakes, planGuest } from '../../plan/plan.js';
import { PLAN_OWN_FILES, planFiles } from '../../plan/plan-files.js';
import { hostFromSnapshot, hostFromTopology, type PlanHost } from '../../plan/plan-host.js';
import type { CliContext } from '../context.js';
import { isSnapshotArchive } from '../snapshot-input.js';
import { EXIT_FINDINGS } from '../exit-codes.js';
import { cliQemuVersion, lockWaitOption, verboseOption, visibleDiagnostics } from '../options.js';
import { appendAll } from '../../append.js';

interface PlanCliOptions {
  assign: string[];
  assignFile?: string;
  machine?: GuestMachine;
  viommu?: ViommuModel;
  out: string;
  qemuVersion?: string;
  qemu?: string;
  tablesOnly: boolean;
  verbose: boolean;
  lockWait: number;
}

const usage = (message: string) => new InputError([{ severity: 'error', code: 'plan-usage', message }]);

/**
 * The host: a `ridmap snapshot` (.tar.gz, .tar or its directory: Linux's own
 * IOMMUs and groups), else a topology (YAML/JSON: ridmap's map of it).
 */
async function loadHost(file: string): Promise<PlanHost> {
  let dir = false;
  try {
    dir = statSync(file).isDirectory();
  } catch {
    // The topology reader says why the path cannot be read.
  }
  if (dir || isSnapshotArchive(file)) return hostFromSnapshot(await readSysfsSnapshot(file));
  return hostFromTopology(loadTopologyFile(file), file);
}

/** Arm virt for an Arm host (it hands its devices to an Arm guest), else q35. */
const defaultMachine = (host: PlanHost): GuestMachine => (host.arm ? 'virt' : 'q35');

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('the guest for the devices a host hands over: one vIOMMU per host IOMMU, its QEMU command line and tables')
    .argument('<host>', 'the host: a `ridmap snapshot` (.tar.gz, .tar or directory: Linux\'s own IOMMUs and groups) or a topology file (YAML/JSON)')
    .option('-a, --assign <bdfs>', 'host functions to hand over, ssss:bb:dd.f or bb:dd.f, comma-separated (repeatable)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter((w) => w.trim())], [])
    .option('--assign-file <file>', 'host functions to hand over, one a line, # comments')
    .addOption(new Option('--machine <machine>', 'the guest machine (default: virt for an Arm host: SMMUs or an ITS, an IORT or Device Tree, an arm64 kernel; else q35)').choices(['q35', 'virt']))
    .addOption(new Option('--viommu <model>', 'the vIOMMU model (default: intel-iommu on q35, arm-smmuv3 on virt)').choices([...VIOMMU_MODELS]))
    .option('-o, --out <dir>', 'output directory', 'plan')
    .option('--qemu-version <version>', 'the QEMU the line is for (default: the newest ridmap has checked)')
    .option('--qemu <binary>', 'the QEMU the line is for, by its emulator: its `--version` gives the release')
    .option('--tables-only', 'when QEMU cannot build that many vIOMMUs: still write the guest topology and tables (no qemu.sh), for a VMM that builds several; exit 1 all the same', false)
    .addOption(verboseOption())
    .addOption(lockWaitOption())
    .addHelpText(
      'after',
      `
Each host IOMMU with assigned functions becomes one vIOMMU on its own pxb-pcie expander, with a
pcie-root-port per assigned slot (the slot's functions stay functions of one slot); a host IOMMU
group of several assigned endpoints goes behind one root port and a pcie-pci-bridge, so that
QEMU gives it one address space (VFIO: "group used in multiple address spaces") and the guest one
group. The guest topology has one address space per host IOMMU; when the host IOMMUs' capabilities
conflict, the reason is printed (the incompatible-iommus comparison).

The host is a \`ridmap snapshot\` of it (Linux's own IOMMUs and groups; the IOMMUs' VT-d CAP/ECAP
or AMD-Vi EFR as capabilities) or a topology (ridmap's map of it: its IOMMUs and alias groups).

Cannot work (exit 1, nothing written): a bridge assigned (plan-assign-bridge), a function without
an IOMMU group or whose group the input does not show (plan-no-iommu-group), a group not assigned
whole (plan-group-incomplete) or behind two host IOMMUs (plan-group-split-iommu), a vIOMMU the QEMU
release cannot put vfio-pci behind (plan-viommu-vfio: amd-iommu before dma-remap=), more vIOMMUs
than QEMU builds: one intel-iommu, amd-iommu or virtio-iommu per machine (plan-too-many-viommus;
--tables-only still writes the topology and tables, VT-d only).

The line has what each vIOMMU needs for vfio-pci: intel-iommu caching-mode=on, amd-iommu
dma-remap=on, arm-smmuv3 accel=on with an iommufd backend and KVM (nested on the host SMMUv3).

Writes into DIR: guest.yaml, qemu.sh (run with sh; extra QEMU options after it), the tables and
maps \`build\` writes for guest.yaml, and plan.txt (also printed).

Examples:
  ridmap snapshot -o host.tar.gz    # on the host
  ridmap plan host.tar.gz --assign 0000:01:00.0,0000:01:00.1 --out plan
  ridmap plan tables/arm-two-smmuv3.yaml --assign 0000:11:00.0,0000:12:00.0,0000:21:00.0 --out plan`,
    )
    .action(async (file: string, opts: PlanCliOptions) => {
      const qemuVersion = cliQemuVersion(opts);
      const words = opts.assign.map((text) => ({ text, where: '--assign' }));
      if (opts.assignFile !== undefined) appendAll(words, assignFileWords(readInputText(opts.assignFile), inputName(opts.assignFile)));
      if (words.length === 0) throw usage('give the host functions to hand over: --assign BDF,... or --assign-file FILE');
      const assign = parseAssignList(words);
      const host = await loadHost(file);
      const machine = opts.machine ?? (opts.viommu === 'arm-smmuv3' ? 'virt' : opts.viommu === 'intel-iommu' || opts.viommu === 'amd-iommu' ? 'q35' : defaultMachine(host));
      const viommu = opts.viommu ?? DEFAULT_VIOMMU[machine];
      if (!machineTakes(machine, viommu)) throw usage(`--viommu ${viommu} does not exist on QEMU's ${machine} machine`);
      let plan;
      try {
        plan = planGuest(host, { assign, machine, viommu, tablesOnly: opts.tablesOnly, ...(qemuVersion !== undefined ? { qemuVersion } : {}) });
      } catch (e) {
        if (e instanceof InputError) throw new InputError(inFile(file, e.diagnostics));
        throw e;
      }
      ctx.report(visibleDiagnostics(inFile(file, [...plan.findings, ...plan.notes]), opts.verbose));
      const files = planFiles(plan);
      if (files.length > 0) {
        await replaceOutputSet(opts.out, files, [...BUILD_OUTPUT_NAMES.map((o) => o.name), ...PLAN_OWN_FILES], opts.lockWait * 1000);
      } else ctx.err(`ridmap: nothing written to ${opts.out}: the plan cannot work`);
      ctx.out(plan.summary);
      if (plan.findings.some((f) => f.severity === 'error')) ctx.fail(EXIT_FINDINGS);
    });
}
