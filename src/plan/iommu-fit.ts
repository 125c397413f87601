/**
 * How host IOMMUs and the guest's vIOMMUs fit: how many vIOMMUs QEMU
 * builds, whether the host IOMMUs in use could share an address space (the
 * incompatible-iommus comparison), and whether a vIOMMU takes wider IOVAs
 * than the host IOMMU can map.
 */
import type { Diagnostic } from '../diagnostic.js';
import { incompatibleIommus, type AddressSpaceMember } from '../model/address-space-findings.js';
import type { ResolvedIommu } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import type { GuestViommu } from './guest-layout.js';
import type { GuestMachine, ViommuModel } from './guest-line.js';
import type { PlanHost, PlanHostFunction } from './plan-host.js';

/** QEMU builds one of these per machine (export qemu's refusal says so in QEMU's words); arm-smmuv3 is per root complex. */
export const MACHINE_WIDE: Record<ViommuModel, boolean> = { 'intel-iommu': true, 'amd-iommu': true, 'virtio-iommu': true, 'arm-smmuv3': false };

/** QEMU's words for a second machine-wide vIOMMU (hw/i386/pc.c and hw/arm/virt.c; export qemu quotes them too). */
const ONE_PER_MACHINE: Record<GuestMachine, string> = {
  q35: '"QEMU does not support multiple vIOMMUs for x86 yet"',
  virt: '"virt machine does not support multiple IOMMUs"',
};

export function tooManyViommus(opts: { machine: GuestMachine; viommu: ViommuModel }, viommus: readonly GuestViommu[]): Diagnostic {
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
export function compatibility(host: PlanHost, functions: readonly PlanHostFunction[]): Diagnostic[] {
  const used = host.iommus.filter((u) => functions.some((f) => f.iommu === u.name));
  if (used.length < 2) return [];
  const members = new Map<string, AddressSpaceMember>(functions.map((f) => [f.sbdf, { iommu: used.find((u) => u.name === f.iommu)?.identity ?? null, group: f.group ?? undefined }]));
  const units: ResolvedIommu[] = used.map((u) => ({ id: u.name, node: u.node, identity: u.identity, segment: 0 }));
  const space = { id: 'one-space', devices: functions.map((f) => f.sbdf) };
  const conflicts = incompatibleIommus([space], members, units);
  if (conflicts.length === 0) {
    const unknown = used.filter((u) => !u.node.capabilities || Object.keys(u.node.capabilities).length === 0).map((u) => u.name);
    const could = unknown.length > 0
      ? `nothing is known of the capabilities of ${unknown.join(', ')} (no registers in the input), so whether they could share one is not known`
      : 'they state no capability that conflicts, so they could share one';
    return [{ severity: 'info', code: 'plan-address-spaces', path: '--assign', message: `host IOMMUs ${used.map((u) => u.name).join(', ')} each keep their own guest address space (one per host IOMMU); ${could}` }];
  }
  return conflicts.map((c) => ({ ...c, severity: 'info', path: '--assign', message: `kept in separate guest address spaces, one per host IOMMU: ${c.message}` }));
}

/** The narrowest IOVA width (inputAddressBits) the host IOMMUs in use state; undefined when none states one. */
export function narrowestWidth(host: PlanHost, viommus: readonly GuestViommu[]): number | undefined {
  const widths = viommus.flatMap((v) => host.iommus.find((u) => u.name === v.hostIommu)?.node.capabilities?.inputAddressBits ?? []);
  return widths.length > 0 ? widths.reduce((a, b) => Math.min(a, b)) : undefined;
}

/**
 * A vIOMMU wider than the host's IOMMU lets the guest use IOVAs whose VFIO
 * mapping the host refuses (plan-viommu-wider, a warning: a guest that
 * keeps its IOVAs low works).
 */
export function widerThanHost(topology: Topology, hostWidth: number | undefined, model: ViommuModel): Diagnostic[] {
  if (hostWidth === undefined) return [];
  const wider = (topology.iommus ?? []).filter((u) => (u.capabilities?.inputAddressBits ?? 0) > hostWidth);
  return wider.map((u) => ({
    severity: 'warning',
    code: 'plan-viommu-wider',
    path: '--viommu',
    message: `the guest's ${model} ${u.id} takes ${u.capabilities!.inputAddressBits}-bit IOVAs, the host's IOMMU ${hostWidth}: ` +
      `VFIO cannot map a guest IOVA at or above 2^${hostWidth}` + (model === 'intel-iommu' ? ' (QEMU\'s intel-iommu has aw-bits 39 or 48 only)' : ''),
  }));
}
