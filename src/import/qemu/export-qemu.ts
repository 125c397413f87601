/**
 * `ridmap export qemu TOPOLOGY` as a pure function: the QEMU command line
 * (q35, Arm virt or RISC-V virt) of a topology, the inverse of import qemu. It is
 * written only when import qemu of it gives the topology's map
 * (export-verify.ts); anything QEMU cannot build is refused, each item with
 * its document path and reason (InputError). What the command line drops
 * without changing the map (descriptive fields, ACPI header ids, device
 * models QEMU cannot create alone) comes back as warnings.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { resolveTopology } from '../../model/resolve.js';
import type { Topology } from '../../model/topology-schema.js';
import { QEMU_ID } from './devices.js';
import { planMachine, type ExportArg } from './export-machine.js';
import { planPci } from './export-pci.js';
import { ExportReport } from './export-problems.js';
import { warnQemuRimtShortfall } from './export-riscv-rimt.js';
import { verifyRoundTrip } from './export-verify.js';
import { ARM_SMMUV3_DEVICE_SINCE } from './smmuv3-devices.js';
import { shellWord } from '../yaml-out.js';
import { OLDEST_QEMU, parseQemuVersion, qemuAtLeast, qemuVersionRefused, type QemuVersion } from './qemu-version.js';
import { appendAll } from '../../append.js';

export { OLDEST_QEMU };

export interface QemuExportOptions {
  /** `major.minor[.micro]`: the QEMU the command line is for; older than OLDEST_QEMU is refused. */
  qemuVersion?: string;
}

export interface QemuExport {
  /** The binary first, then options and their values. */
  argv: string[];
  /** Warnings (what is not carried) and notes (built-in functions and their QEMU names). */
  diagnostics: Diagnostic[];
  /** The name import qemu gives a function that cannot keep its id → the topology's id. */
  renames: Map<string, string>;
}

/**
 * The oldest QEMU whose RISC-V virt the exported line describes: 10.1
 * writes the RIMT (and has iommu-sys); ridmap's RISC-V facts are QEMU 11.1's.
 */
export const OLDEST_QEMU_RISCV: QemuVersion = [10, 1];

/** The first QEMU known to have no pcie-root-port disable-acs: 11.1 ("Property 'pcie-root-port.disable-acs' not found"; 7.2 has it). */
const NO_DISABLE_ACS_QEMU: QemuVersion = [11, 1];


export function exportQemu(topology: Topology, opts: QemuExportOptions = {}): QemuExport {
  const version = opts.qemuVersion === undefined ? undefined : parseQemuVersion(opts.qemuVersion);
  // A topology ridmap cannot resolve fails here as it does for `map`.
  const resolved = resolveTopology(topology);
  const report = new ExportReport();
  const plan = planMachine(topology, report, version);
  plan.rootPortsAlwaysAcs = plan.def.kind === 'riscv-virt' || (version !== undefined && qemuAtLeast(version, NO_DISABLE_ACS_QEMU));
  if (version && plan.smmuv3Devices && !qemuAtLeast(version, ARM_SMMUV3_DEVICE_SINCE)) {
    throw qemuVersionRefused(opts.qemuVersion!, `the topology's SMMUv3s are -device arm-smmuv3, which QEMU's virt takes from ${ARM_SMMUV3_DEVICE_SINCE.join('.')} on`);
  }
  if (version && plan.def.kind === 'riscv-virt' && !qemuAtLeast(version, OLDEST_QEMU_RISCV)) {
    throw qemuVersionRefused(opts.qemuVersion!, `the topology is a RISC-V virt machine, whose RIMT (and iommu-sys) QEMU writes from ${OLDEST_QEMU_RISCV.join('.')} on`);
  }
  const pci = planPci(topology, plan, report);
  const args: ExportArg[] = [
    { name: '-M', value: [plan.def.type, ...plan.machineProps, ...pci.machineProps].join(','), path: '' },
    // No default display or NIC: every function comes from the topology.
    { name: '-nodefaults', path: '' },
  ];
  if (pci.numaNodes) appendAll(args, numaArgs(pci.numaNodes));
  const unit = plan.unit;
  if (unit?.type === 'vtd' && plan.vtdProps) {
    const props = ['intel-iommu', ...(QEMU_ID.test(unit.id) ? [`id=${unit.id}`] : []), ...plan.vtdProps, ...(pci.deviceIotlb ? ['device-iotlb=on'] : [])];
    args.push({ name: '-device', value: props.join(','), path: 'iommus[0]' });
  }
  appendAll(args, pci.devices);
  // Each after the pxb-pcie its primary-bus names, in the topology's order: that order places them on the platform bus.
  appendAll(args, (plan.smmuv3Devices ?? []));
  if (unit?.type === 'amd-vi' && plan.amdViProps) {
    // Last: its own PCI function takes the first free slot of the root bus then (export-verify checks that it is the topology's).
    const props = ['amd-iommu', ...(QEMU_ID.test(unit.id) ? [`id=${unit.id}`] : []), ...plan.amdViProps];
    args.push({ name: '-device', value: props.join(','), path: 'iommus[0]' });
  }
  if (report.refused) throw report.refusal();

  const argv = [plan.def.binary];
  const sources = new Map<number, string>();
  for (const a of args) {
    sources.set(argv.length, a.path);
    argv.push(a.name, ...(a.value !== undefined ? [a.value] : []));
  }
  const renames = verifyRoundTrip(resolved, argv, sources, report);
  if (report.refused || !renames) throw report.refusal();
  if (unit?.type === 'riscv-iommu-pci') warnQemuRimtShortfall(resolved, unit, report);
  return { argv, diagnostics: report.diagnostics, renames };
}

/**
 * The RAM of a line with NUMA nodes, all on node 0: QEMU wants the nodes'
 * memory to add up to -m ("total memory for NUMA nodes ... should equal RAM
 * size"), and `ridmap boot` gives its x86 and Arm guests 512M.
 */
const NUMA_RAM = '512M';

/**
 * -numa nodes 0..count-1 for the expanders' numa_node=: node 0 holds all the
 * RAM (a memory backend, as machine types since 5.1 require instead of
 * mem=), the others none, which QEMU 7.2 and 11.1 both accept.
 */
function numaArgs(count: number): ExportArg[] {
  return [
    { name: '-m', value: NUMA_RAM, path: 'hostBridges' },
    { name: '-object', value: `memory-backend-ram,id=ram-node0,size=${NUMA_RAM}`, path: 'hostBridges' },
    ...Array.from({ length: count }, (_, n): ExportArg => ({ name: '-numa', value: `node,nodeid=${n}${n === 0 ? ',memdev=ram-node0' : ''}`, path: 'hostBridges' })),
  ];
}

/** One option (with its value) a line, `\` continued: a shell takes it as pasted. */
export function argvText(argv: readonly string[]): string {
  const lines: string[] = [shellWord(argv[0]!)];
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    const next = argv[i + 1];
    // An option and its value share a line; a flag stands alone.
    if (next !== undefined && !next.startsWith('-')) {
      lines.push(`  ${shellWord(word)} ${shellWord(next)}`);
      i++;
    } else lines.push(`  ${shellWord(word)}`);
  }
  return lines.join(' \\\n') + '\n';
}
