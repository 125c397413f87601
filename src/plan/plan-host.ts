/**
 * The host as `plan` needs it, from either input: a HostSnapshot (Linux's
 * own answer: each function's IOMMU and group as sysfs showed them) or a
 * host topology (ridmap's map of it: the IOMMU and alias group it predicts).
 * Both become one small shape, so the rules do not care which it was.
 */
import type { HostSnapshot } from '../import/host/host-snapshot.js';
import { hostSbdf } from '../import/host/host-snapshot.js';
import { resolveTopology } from '../model/resolve.js';
import type { Iommu, Topology } from '../model/topology-schema.js';
import { registerCapabilities } from './register-capabilities.js';

export interface PlanHostFunction {
  /** `ssss:bb:dd.f`, lower-case hex. */
  sbdf: string;
  segment: number;
  bus: number;
  device: number;
  fn: number;
  /** A bridge or port: VFIO leaves it to the host (it does not count for a group's viability). */
  bridge: boolean;
  /** The host IOMMU's name (PlanHostIommu.name), null when nothing translates the function. */
  iommu: string | null;
  /** The host IOMMU group, null when the function has none, undefined when the input does not say (lspci text). */
  group: string | null | undefined;
  /** The topology's id, when the host was a topology. */
  id?: string;
}

export interface PlanHostIommu {
  /** /sys/class/iommu name, or the topology's IOMMU id. */
  name: string;
  /** For the capability comparison only (its id and capabilities; the rest is a carrier). */
  node: Iommu;
  /** How messages name the unit: the map's identity for a topology, the sysfs name for a snapshot. */
  identity: string;
}

export interface PlanHost {
  source: string;
  functions: PlanHostFunction[];
  iommus: PlanHostIommu[];
}

/** PCIe port types (PCIe Base 6.0, 7.5.3.2) that are bridges, whatever their header says. */
const PORT_TYPES = new Set(['root-port', 'switch-upstream', 'switch-downstream', 'pcie-to-pci-bridge', 'pci-to-pcie-bridge']);

export function hostFromSnapshot(snapshot: HostSnapshot): PlanHost {
  const functions = snapshot.functions.map((f): PlanHostFunction => ({
    sbdf: f.sbdf,
    segment: f.segment,
    bus: f.bus,
    device: f.device,
    fn: f.fn,
    bridge: f.headerType === 1 || f.headerType === 2 || (f.pcieType !== undefined && PORT_TYPES.has(f.pcieType)),
    iommu: f.iommu ?? null,
    // Absent is "not shown" (lspci text), not "none": the rules say which.
    group: f.group,
  }));
  const iommus = snapshot.iommus.map((u): PlanHostIommu => {
    const capabilities = registerCapabilities(u.registers);
    // A carrier for the comparison: capabilityConflicts reads id and capabilities only.
    const node: Iommu = { id: u.name, type: 'vtd', base: u.address !== undefined ? `0x${u.address.toString(16)}` : 0, ...(capabilities ? { capabilities } : {}) };
    return { name: u.name, node, identity: u.name };
  });
  return { source: snapshot.source, functions, iommus };
}

/** A topology's functions under its numbering, each with the IOMMU and alias group ridmap's map gives it. */
export function hostFromTopology(topology: Topology, source: string): PlanHost {
  const resolved = resolveTopology(topology);
  const functions = resolved.functions.map((f): PlanHostFunction => ({
    sbdf: hostSbdf(f.segment, f.bus, f.device, f.fn),
    segment: f.segment,
    bus: f.bus,
    device: f.device,
    fn: f.fn,
    bridge: f.isBridge,
    iommu: f.iommu,
    // Linux gives a function no group when no IOMMU translates it.
    group: f.iommu === null ? null : f.group,
    id: f.id,
  }));
  const iommus = resolved.iommus.map((u): PlanHostIommu => ({ name: u.id, node: u.node, identity: u.identity }));
  return { source, functions, iommus };
}
