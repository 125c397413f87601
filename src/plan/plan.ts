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
import { incompatibleIommus, type AddressSpaceMember } from '../model/address-space-findings.js';
import { resolveTopology } from '../model/resolve.js';
import type { ResolvedIommu, ResolvedTopology } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import { checkAssignment } from './assignment.js';
import { guestLayout, type GuestViommu } from './guest-layout.js';
import { standInLine, VIOMMU_MACHINES, type GuestMachine, type ViommuModel } from './guest-line.js';
import { cloneVtdUnits } from './more-viommus.js';
import type { PlanHost, PlanHostFunction } from './plan-host.js';
import { planSummary } from './plan-summary.js';
import { vfioLine } from './vfio-line.js';

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

/** QEMU builds one of these per machine (export qemu's refusal says so in QEMU's words); arm-smmuv3 is per root complex. */
const MACHINE_WIDE: Record<ViommuModel, boolean> = { 'intel-iommu': true, 'amd-iommu': true, 'virtio-iommu': true, 'arm-smmuv3': false };

/** QEMU's words for a second machine-wide vIOMMU (hw/i386/pc.c and hw/arm/virt.c; export qemu quotes them too). */
const ONE_PER_MACHINE: Record<GuestMachine, string> = {
  q35: '"QEMU does not support multiple vIOMMUs for x86 yet"',
  virt: '"virt machine does not support multiple IOMMUs"',
};

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
  findings.push(...problems.map((p): Diagnostic => ({ severity: 'error', code: 'plan-guest-layout', path: p.hostIommu, message: p.message })));
  findings.push(...compatibility(host, assignment.functions));
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
  const imported = importQemu(standInLine(opts.machine, opts.viommu, viommus), { qemuVersion: version, name: 'plan-guest' });
  const topology = guestTopology(imported.topology, host, viommus);
  if (tooMany) cloneVtdUnits(topology, viommus);
  const resolved = resolveTopology(topology);
  findings.push(...resolved.findings, ...guestCheck(resolved, viommus));
  const built = buildOutputs(resolved);
  // The stand-in line is ridmap's own: what import says of it is no news to the user, except that virt's expanders need ACPI.
  // A table the guest cannot have is a ridmap bug here (the guest is QEMU's), said as a finding.
  findings.push(...built.diagnostics.filter((d) => d.severity === 'error'));
  const notes: Diagnostic[] = built.diagnostics.filter((d) => d.severity !== 'error');
  if (opts.machine === 'virt' && imported.diagnostics.some((d) => d.code === 'qemu-acpi-only')) {
    notes.push({ severity: 'warning', code: 'plan-acpi-only', path: '--machine virt', message: 'boot the guest with UEFI (ACPI): QEMU describes pxb-pcie expanders and the SMMUv3s of expanders in ACPI only, not in a Device Tree' });
  }
  if (hasErrors(findings) && !tooMany) return done({ notes });
  if (tooMany) return done({ notes, topology, resolved, outputs: built.outputs });
  const exported = exportQemu(topology, { qemuVersion: version });
  const hostOf = new Map(viommus.flatMap((v) => v.ports.flatMap((p) => p.devices.map((d) => [d.id, d.host.sbdf] as const))));
  // vfio-pci becomes a stand-in in export's own line: that is the point here, not news.
  notes.push(...exported.diagnostics.filter((d) => d.severity !== 'info' && !expectedExportNote(d, topology, hostOf)));
  const line = vfioLine(exported.argv, opts.viommu, hostOf, version);
  if (hasErrors(line.warnings)) {
    findings.push(...line.warnings);
    return done({ notes });
  }
  notes.push(...line.warnings);
  return done({ notes, topology, resolved, outputs: built.outputs, argv: line.argv });
}

/** Machine and vIOMMU model go together (bad usage otherwise). */
export function machineTakes(machine: GuestMachine, viommu: ViommuModel): boolean {
  return VIOMMU_MACHINES[viommu].includes(machine);
}

function tooManyViommus(opts: PlanOptions, viommus: readonly GuestViommu[]): Diagnostic {
  const units = viommus.map((v) => v.hostIommu).join(', ');
  const instead = opts.machine === 'q35'
    ? 'an Arm host\'s guest can have one per expander (`--machine virt --viommu arm-smmuv3`, QEMU 10.1+); on x86, assign the devices of one host IOMMU only'
    : '`--viommu arm-smmuv3` gives one per expander (QEMU 10.1+)';
  return {
    severity: 'error',
    code: 'plan-too-many-viommus',
    path: '--viommu',
    message: `the devices sit behind ${viommus.length} host IOMMUs (${units}), which need ${viommus.length} vIOMMUs, but QEMU builds one ${opts.viommu} per ${opts.machine} machine ` +
      `(${ONE_PER_MACHINE[opts.machine]}). What would work: ${instead}. --tables-only writes the guest topology and tables for a VMM that builds several`,
  };
}

/**
 * Why the host IOMMUs in use cannot share one address space, by the one
 * comparison a topology's address spaces get (incompatible-iommus): asked
 * of a single space holding every assigned function. The plan keeps one
 * space per host IOMMU anyway; this says whether merging them would work.
 */
function compatibility(host: PlanHost, functions: readonly PlanHostFunction[]): Diagnostic[] {
  const used = host.iommus.filter((u) => functions.some((f) => f.iommu === u.name));
  if (used.length < 2) return [];
  const members = new Map<string, AddressSpaceMember>(functions.map((f) => [f.sbdf, { iommu: used.find((u) => u.name === f.iommu)?.identity ?? null, group: f.group ?? undefined }]));
  const units: ResolvedIommu[] = used.map((u) => ({ id: u.name, node: u.node, identity: u.identity, segment: 0 }));
  const space = { id: 'one-space', devices: functions.map((f) => f.sbdf) };
  const conflicts = incompatibleIommus([space], members, units);
  if (conflicts.length === 0) {
    return [{ severity: 'info', code: 'plan-address-spaces', path: '--assign', message: `host IOMMUs ${used.map((u) => u.name).join(', ')} state no capability that conflicts: each keeps its own guest address space (one per host IOMMU), though they could share one` }];
  }
  return conflicts.map((c) => ({ ...c, severity: 'info', path: '--assign', message: `kept in separate guest address spaces, one per host IOMMU: ${c.message}` }));
}

/** The imported stand-in guest, made the plan's: assigned functions say vfio-pci, one address space per host IOMMU. */
function guestTopology(imported: Topology, host: PlanHost, viommus: readonly GuestViommu[]): Topology {
  const ids = new Set(viommus.flatMap((v) => v.ports.flatMap((p) => p.devices.map((d) => d.id))));
  const stack = (imported.hostBridges ?? []).flatMap((h) => h.children);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ids.has(node.id)) {
      node.model = 'vfio-pci';
      // pci-testdev's IDs are not the host device's.
      delete node.vendorId;
      delete node.deviceId;
    }
    stack.push(...(node.children ?? []));
  }
  return {
    ...imported,
    name: 'plan-guest',
    description: `ridmap plan: ${ids.size} function(s) of ${host.source} behind ${viommus.length} vIOMMU(s), one per host IOMMU`,
    addressSpaces: viommus.map((v) => ({ id: `space${v.index}`, devices: v.ports.flatMap((p) => p.devices.map((d) => d.id)) })),
  };
}

/**
 * The guest as resolved must be the plan: each function behind its
 * vIOMMU, each host group in one guest group (one address space in QEMU).
 * A difference is a ridmap bug, said as a finding rather than a wrong plan.
 */
function guestCheck(resolved: ResolvedTopology, viommus: readonly GuestViommu[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const wide = resolved.iommus.length === 1;
  for (const v of viommus) {
    const groupOf = new Map<string, string>();
    for (const d of v.ports.flatMap((p) => p.devices)) {
      const f = resolved.byId.get(d.id);
      const want = wide ? resolved.iommus[0]!.id : v.viommu;
      if (!f || f.iommu !== want) out.push({ severity: 'error', code: 'plan-guest-mismatch', path: d.id, message: `${d.id} is not behind ${want} in the guest ridmap drew (a ridmap bug)` });
      const g = groupOf.get(d.host.group!);
      if (f && g !== undefined && g !== f.group) out.push({ severity: 'error', code: 'plan-guest-mismatch', path: d.id, message: `host group ${d.host.group} is split in the guest ridmap drew (a ridmap bug)` });
      if (f) groupOf.set(d.host.group!, f.group);
    }
  }
  return out;
}

/** What export says of every plan: vfio-pci written as a stand-in (vfio-line.ts puts the host device back), address spaces not QEMU's. */
function expectedExportNote(d: Diagnostic, topology: Topology, assigned: ReadonlyMap<string, string>): boolean {
  if (d.code === 'qemu-export-not-carried' && d.path?.startsWith('addressSpaces')) return true;
  return d.code === 'qemu-export-model' && [...assigned.keys()].some((id) => d.path !== undefined && pathIsDevice(topology, d.path, id));
}

function pathIsDevice(topology: Topology, path: string, id: string): boolean {
  // Export names its nodes by document path; the node's id is what we know.
  const segs = [...path.matchAll(/([A-Za-z]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  let node: unknown = topology;
  for (const s of segs) node = (node as Record<string | number, unknown> | undefined)?.[s];
  return (node as { id?: string } | undefined)?.id === id;
}
