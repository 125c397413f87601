/**
 * `ridmap plan` as a pure function: from a host (PlanHost) and the functions
 * to hand over, the guest that gets them: one vIOMMU per host IOMMU in use,
 * each on its own pxb-pcie expander (guest-layout.ts), one address space per
 * host IOMMU, the QEMU command line and the tables. Every refusal is a named
 * error finding; a plan with one writes nothing, except that a plan whose
 * only problem is more vIOMMUs than QEMU builds still gives the topology and
 * tables when asked (`tablesOnly`), for VMMs that build several.
 */
import { buildOutputs, type BuildOutput } from '../build-outputs.js';
import { hasErrors, InputError, type Diagnostic } from '../diagnostic.js';
import { exportQemu } from '../import/qemu/export-qemu.js';
import { importQemu } from '../import/qemu/import-qemu.js';
import { formatQemuVersion, NEWEST_VERIFIED_QEMU, parseQemuVersion, qemuAtLeast } from '../import/qemu/qemu-version.js';
import { ARM_SMMUV3_DEVICE_SINCE } from '../import/qemu/smmuv3-devices.js';
import { resolveTopology } from '../model/resolve.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import { checkAssignment } from './assignment.js';
import { guestLayout, type GuestViommu } from './guest-layout.js';
import { standInLine, VIOMMU_MACHINES, type GuestMachine, type ViommuModel } from './guest-line.js';
import { guestCheck, guestTopology, expectedExportNote } from './guest-topology.js';
import { compatibility, MACHINE_WIDE, narrowestWidth, tooManyViommus, widerThanHost } from './iommu-fit.js';
import { cloneVtdUnits } from './more-viommus.js';
import type { PlanHost, PlanHostFunction } from './plan-host.js';
import { planSummary } from './plan-summary.js';
import { vfioLine } from './vfio-line.js';
import { appendAll } from '../append.js';

export interface PlanOptions {
  /** Host functions to hand over (`ssss:bb:dd.f`). */
  assign: readonly string[];
  machine: GuestMachine;
  viommu: ViommuModel;
  /** The QEMU the line is for (default NEWEST_VERIFIED_QEMU, as import qemu). */
  qemuVersion?: string;
  /** Write topology and tables even when QEMU cannot build the vIOMMUs. */
  tablesOnly?: boolean;
}

export interface Plan {
  /** Refusals (errors: the plan cannot work) and explanations (info). */
  findings: Diagnostic[];
  /** What import/export said about the guest (warnings and notes). */
  notes: Diagnostic[];
  viommus: GuestViommu[];
  /** Absent when nothing is to be written. */
  topology?: Topology;
  resolved?: ResolvedTopology;
  outputs?: BuildOutput[];
  /** The QEMU command line with the host devices; absent when QEMU cannot build the guest. */
  argv?: string[];
  summary: string;
}

export function planGuest(host: PlanHost, opts: PlanOptions): Plan {
  const version = opts.qemuVersion ?? formatQemuVersion(NEWEST_VERIFIED_QEMU);
  if (opts.viommu === 'arm-smmuv3' && !qemuAtLeast(parseQemuVersion(version), ARM_SMMUV3_DEVICE_SINCE)) {
    throw new InputError([{ severity: 'error', code: 'plan-usage', path: '--viommu', message:
      `arm-smmuv3 for QEMU ${version}: QEMU creates -device arm-smmuv3 (one per expander) from ${formatQemuVersion(ARM_SMMUV3_DEVICE_SINCE)} on; for an older QEMU plan with --viommu virtio-iommu (one vIOMMU)` }]);
  }
  const assignment = checkAssignment(host, opts.assign);
  const findings: Diagnostic[] = [...assignment.findings];
  const byIommu = new Map<string, PlanHostFunction[]>();
  for (const u of host.iommus) {
    const fns = assignment.functions.filter((f) => f.iommu === u.name);
    if (fns.length > 0) byIommu.set(u.name, fns);
  }
  const { viommus, problems } = guestLayout(byIommu);
  appendAll(findings, problems.map((p): Diagnostic => ({ severity: 'error', code: 'plan-guest-layout', path: p.hostIommu, message: p.message })));
  appendAll(findings, compatibility(host, assignment.functions));
  const tooMany = MACHINE_WIDE[opts.viommu] && viommus.length > 1;
  if (tooMany) findings.push(tooManyViommus(opts, viommus));
  const done = (extra: Partial<Plan> = {}): Plan => {
    const plan: Plan = { findings, notes: [], viommus, ...extra, summary: '' };
    plan.summary = planSummary(host, opts, version, plan);
    return plan;
  };
  // Only a vIOMMU count QEMU cannot build leaves a plan worth writing (and only when asked).
  const otherErrors = findings.some((f) => f.severity === 'error' && f.code !== 'plan-too-many-viommus');
  if (assignment.functions.length === 0 || otherErrors || (tooMany && !opts.tablesOnly)) return done();
  if (tooMany && opts.viommu !== 'intel-iommu') {
    findings.push({ severity: 'error', code: 'plan-tables-only-model', path: '--tables-only', message: `--tables-only draws several VT-d units (intel-iommu); for ${opts.viommu} it has no layout of more than one` });
    return done();
  }

  // The guest is what QEMU builds from the stand-in line: import qemu of it.
  const hostWidth = narrowestWidth(host, viommus);
  const imported = importQemu(standInLine(opts.machine, opts.viommu, viommus, hostWidth), { qemuVersion: version, name: 'plan-guest' });
  const topology = guestTopology(imported.topology, host, viommus);
  appendAll(findings, widerThanHost(topology, hostWidth, opts.viommu));
  if (tooMany) cloneVtdUnits(topology, viommus);
  const resolved = resolveTopology(topology);
  appendAll(findings, resolved.findings);
  appendAll(findings, guestCheck(resolved, viommus));
  const built = buildOutputs(resolved);
  // The stand-in line is ridmap's own: what import says of it is no news to the user, except that virt's expanders need ACPI.
  // A table the guest cannot have is a ridmap bug here (the guest is QEMU's), said as a finding.
  appendAll(findings, built.diagnostics.filter((d) => d.severity === 'error'));
  const notes: Diagnostic[] = built.diagnostics.filter((d) => d.severity !== 'error');
  if (opts.machine === 'virt' && imported.diagnostics.some((d) => d.code === 'qemu-acpi-only')) {
    notes.push({ severity: 'warning', code: 'plan-acpi-only', path: '--machine virt', message: 'boot the guest with UEFI (ACPI): QEMU describes pxb-pcie expanders and the SMMUv3s of expanders in ACPI only, not in a Device Tree' });
  }
  if (hasErrors(findings) && !tooMany) return done({ notes });
  if (tooMany) return done({ notes, topology, resolved, outputs: built.outputs });
  const exported = exportQemu(topology, { qemuVersion: version });
  const hostOf = new Map(viommus.flatMap((v) => v.ports.flatMap((p) => p.devices.map((d) => [d.id, d.host.sbdf] as const))));
  // vfio-pci becomes a stand-in in export's own line: that is the point here, not news.
  appendAll(notes, exported.diagnostics.filter((d) => d.severity !== 'info' && !expectedExportNote(d, topology, hostOf)));
  const line = vfioLine(exported.argv, opts.viommu, hostOf, version);
  if (hasErrors(line.warnings)) {
    appendAll(findings, line.warnings);
    return done({ notes });
  }
  appendAll(notes, line.warnings);
  return done({ notes, topology, resolved, outputs: built.outputs, argv: line.argv });
}

/** Machine and vIOMMU model go together (bad usage otherwise). */
export function machineTakes(machine: GuestMachine, viommu: ViommuModel): boolean {
  return VIOMMU_MACHINES[viommu].includes(machine);
}
