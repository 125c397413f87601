/**
 * `ridmap export qemu TOPOLOGY` as a pure function: the QEMU command line
 * (q35 or Arm virt) of a topology, the inverse of import qemu. It is
 * written only when import qemu of it gives the topology's map
 * (export-verify.ts); anything QEMU cannot build is refused, each item with
 * its document path and reason (InputError). What the command line drops
 * without changing the map (descriptive fields, ACPI header ids, device
 * models QEMU cannot create alone) comes back as warnings.
 */
import { InputError, type Diagnostic } from '../../diagnostic.js';
import { resolveTopology } from '../../model/resolve.js';
import type { Topology } from '../../model/topology-schema.js';
import { QEMU_ID } from './devices.js';
import { planMachine, type ExportArg } from './export-machine.js';
import { planPci } from './export-pci.js';
import { ExportReport } from './export-problems.js';
import { verifyRoundTrip } from './export-verify.js';
import { shellWord } from './to-yaml.js';

/** The oldest QEMU whose machines the importer's facts describe (machines.ts, catalog.ts: QEMU 7.2). */
export const OLDEST_QEMU: readonly [number, number] = [7, 2];

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

function checkVersion(text: string | undefined): void {
  if (text === undefined) return;
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text);
  const bad = (why: string) => new InputError([{ severity: 'error', code: 'usage', message: `--qemu-version ${text}: ${why}` }]);
  if (!m) throw bad('give major.minor, e.g. 7.2');
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < OLDEST_QEMU[0] || (major === OLDEST_QEMU[0] && minor < OLDEST_QEMU[1])) {
    throw bad(`ridmap's QEMU facts are those of QEMU ${OLDEST_QEMU.join('.')} and later`);
  }
}

export function exportQemu(topology: Topology, opts: QemuExportOptions = {}): QemuExport {
  checkVersion(opts.qemuVersion);
  // A topology ridmap cannot resolve fails here as it does for `map`.
  const resolved = resolveTopology(topology);
  const report = new ExportReport();
  const plan = planMachine(topology, report);
  const pci = planPci(topology, plan, report);
  const args: ExportArg[] = [
    { name: '-M', value: [plan.def.kind, ...plan.machineProps, ...pci.machineProps].join(','), path: '' },
    // No default display or NIC: every function comes from the topology.
    { name: '-nodefaults', path: '' },
  ];
  const unit = plan.unit;
  if (unit?.type === 'vtd' && plan.vtdProps) {
    const props = ['intel-iommu', ...(QEMU_ID.test(unit.id) ? [`id=${unit.id}`] : []), ...plan.vtdProps, ...(pci.deviceIotlb ? ['device-iotlb=on'] : [])];
    args.push({ name: '-device', value: props.join(','), path: 'iommus[0]' });
  }
  args.push(...pci.devices);
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
  return { argv, diagnostics: report.diagnostics, renames };
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
