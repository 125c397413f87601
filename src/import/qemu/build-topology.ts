/**
 * The imported machine as a ridmap topology, with, for every node, the
 * argument that created it (so that a validator finding names the argument)
 * and the comments the YAML carries (what QEMU built in, what has no field).
 */
import { childPath } from '../../model/doc-path.js';
import { formatDevfn } from '../../model/rid.js';
import type { HostBridge, Iommu, ItsGroup, PciNode, Topology } from '../../model/topology-schema.js';
import type { IommuChoice } from './iommu.js';
import type { MachineConfig } from './machine-config.js';
import { Q35_AMDVI, Q35_VTD, RISCV_VIRT_LAYOUT, VIRT_LAYOUT } from './machines.js';
import { smmuv3DeviceLayout } from './smmuv3-devices.js';
import type { HostBridgeDraft, PciBus, PlacedFunction } from './pci-buses.js';
import type { ArgRef } from './problems.js';

export interface BuiltTopology {
  topology: Topology;
  /** Document path of a node → the argument that created it. */
  sources: Map<string, ArgRef>;
  /** Document path of a node → a comment for the YAML. */
  comments: Map<string, string>;
}

export interface MachineState {
  name: string;
  config: MachineConfig;
  hostBridges: readonly HostBridgeDraft[];
  /** One machine-wide IOMMU, or the arm-smmuv3 devices (each owning a root complex). */
  iommus: readonly IommuChoice[];
}

/** Ids that are not QEMU's: one namespace with the device ids, so they must not collide. */
function idAllocator(state: MachineState): (preferred: string) => string {
  const taken = new Set<string>();
  const walk = (bus: PciBus) => {
    for (const f of bus.functions.values()) {
      taken.add(f.id);
      if (f.secondary) walk(f.secondary);
    }
  };
  for (const h of state.hostBridges) {
    taken.add(h.id);
    walk(h.bus);
  }
  return (preferred) => {
    let id = preferred;
    for (let n = 2; taken.has(id); n++) id = `${preferred}-${n}`;
    taken.add(id);
    return id;
  };
}

export function buildTopology(state: MachineState): BuiltTopology {
  const { config } = state;
  const sources = new Map<string, ArgRef>();
  const comments = new Map<string, string>();
  const allocate = idAllocator(state);
  const itsId = config.its ? allocate('its') : undefined;
  const units = state.iommus.map((choice) => ({ id: allocate(iommuName(choice)), choice }));
  // The machine-wide IOMMU (any kind but arm-smmuv3 devices): every root bus is its, unless bypassed.
  const machineWide = units.find((u) => u.choice.kind !== 'smmuv3-dev');
  const iommu = machineWide?.choice;
  const iommuId = machineWide?.id;

  const topology: Topology = { name: state.name, description: `imported from a QEMU ${config.def.kind} command line by ridmap import qemu` };
  if (iommu?.kind === 'vtd') topology.dmar = { hostAddressWidth: iommu.awBits, interruptRemapping: iommu.interruptRemapping };
  if (units.length > 0) {
    topology.iommus = units.map((u, i) => {
      sources.set(`iommus[${i}]`, u.choice.arg);
      if (u.choice.kind === 'smmuv3-dev') {
        comments.set(`iommus[${i}]`, `arm-smmuv3 on ${u.choice.host.id}: base and SPIs are virt's platform-bus slot ${u.choice.index} (SMMUs in creation order)`);
      }
      return iommuEntry(u.choice, u.id, itsId);
    });
  }
  if (itsId) topology.msiControllers = [{ id: itsId, type: 'its', itsIds: [VIRT_LAYOUT.its.id], base: VIRT_LAYOUT.its.base } satisfies ItsGroup];

  const ctx: NodeContext = {
    config,
    ...(iommu ? { iommu: { id: iommuId!, choice: iommu } } : {}),
    owners: new Map(units.flatMap((u) => (u.choice.kind === 'smmuv3-dev' ? [[u.choice.host, u.id] as const] : []))),
    ...(itsId ? { itsId } : {}),
    visit: (nodePath, f) => {
      if (f.arg) sources.set(nodePath, f.arg);
      if (f.origin) comments.set(nodePath, f.origin);
    },
  };
  topology.hostBridges = state.hostBridges.map((h, i) => {
    const path = `hostBridges[${i}]`;
    // The machine's own host bridge comes from -M; an expander's from its -device.
    const arg = h.expander ? h.expander.arg : config.arg;
    if (arg) sources.set(path, arg);
    return hostBridge(h, path, ctx);
  });
  if (iommu?.kind === 'vtd') {
    // QEMU's DMAR scopes its I/O APIC as 0xff:00.0.
    topology.ioapics = [{ id: allocate('ioapic'), ioapicId: Q35_VTD.ioapic.ioapicId, sourceId: Q35_VTD.ioapic.sourceId, iommu: iommuId! }];
    sources.set('ioapics[0]', iommu.arg);
  }
  if (iommu?.kind === 'amd-vi' && iommu.interruptRemapping) {
    // QEMU's IVHD names its I/O APIC by the southbridge's 00:14.0, with interrupt remapping only.
    topology.ioapics = [{ id: allocate('ioapic'), ioapicId: Q35_AMDVI.ioapic.ioapicId, sourceId: Q35_AMDVI.ioapic.sourceId, iommu: iommuId! }];
    sources.set('ioapics[0]', iommu.arg);
  }
  return { topology, sources, comments };
}

/** QEMU's id of the IOMMU device, else its driver's name. */
function iommuName(iommu: IommuChoice): string {
  if (iommu.kind === 'vtd') return iommu.qemuId ?? 'intel-iommu';
  if (iommu.kind === 'amd-vi') return iommu.qemuId ?? 'amd-iommu';
  if (iommu.kind === 'smmuv3-dev') return iommu.qemuId ?? 'arm-smmuv3';
  return iommu.kind;
}

function iommuEntry(iommu: IommuChoice, id: string, itsId: string | undefined): Iommu {
  switch (iommu.kind) {
    case 'vtd':
      return { id, type: 'vtd', base: Q35_VTD.base, capabilities: iommu.capabilities };
    case 'amd-vi': {
      const xt = iommu.xtsup ? Q35_AMDVI.xtsup : { featureReporting: 0, efr: 0 };
      return {
        id,
        type: 'amd-vi',
        base: Q35_AMDVI.base,
        device: iommu.fn.id,
        capabilityOffset: Q35_AMDVI.capabilityOffset,
        ivhdFlags: Q35_AMDVI.ivhdFlags,
        featureReporting: Q35_AMDVI.featureReporting | xt.featureReporting,
        ...(iommu.efr ? { efr: Q35_AMDVI.efr | xt.efr } : {}),
      };
    }
    case 'virtio-iommu':
      return { id, type: 'virtio-iommu-pci', device: iommu.fn.id, capabilities: iommu.capabilities };
    case 'riscv-iommu-pci':
      return { id, type: 'riscv-iommu-pci', device: iommu.fn.id, capabilities: iommu.capabilities };
    case 'riscv-iommu-sys':
      return { id, type: 'riscv-iommu', base: RISCV_VIRT_LAYOUT.iommuSys };
    case 'smmuv3': {
      const gsiv = (n: number) => VIRT_LAYOUT.spiBase + VIRT_LAYOUT.smmuv3.firstSpi + n;
      return {
        id,
        type: 'smmuv3',
        base: VIRT_LAYOUT.smmuv3.base,
        interrupts: { event: gsiv(0), pri: gsiv(1), sync: gsiv(2), gerror: gsiv(3) },
        coherent: true,
        ...(itsId ? { msiController: itsId } : {}),
      };
    }
    case 'smmuv3-dev':
      return {
        id,
        type: 'smmuv3',
        ...smmuv3DeviceLayout(iommu.index),
        coherent: true,
        ...(itsId ? { msiController: itsId } : {}),
        capabilities: iommu.capabilities,
      };
  }
}

/** What every node of the tree needs to know. */
interface NodeContext {
  config: MachineConfig;
  iommu?: { id: string; choice: IommuChoice };
  /** Root complexes an arm-smmuv3 device translates → its id. */
  owners: ReadonlyMap<HostBridgeDraft, string>;
  itsId?: string;
  /** Called for every function with its document path. */
  visit: (path: string, f: PlacedFunction) => void;
}

function hostBridge(h: HostBridgeDraft, path: string, ctx: NodeContext): HostBridge {
  const { config, iommu, itsId } = ctx;
  const owner = ctx.owners.get(h);
  const main = !h.expander;
  const bypass = main ? config.defaultBusBypassIommu : h.bypassIommu;
  const virtMain = main && config.def.kind === 'virt';
  return {
    id: h.id,
    ...(h.kind === 'pci' ? { kind: 'pci' as const } : {}),
    rootBus: h.rootBus,
    ...(h.expander ? { expander: true } : {}),
    // numa_node: QEMU gives the expander's root bus _PXM N.
    ...(h.numaNode !== undefined ? { proximityDomain: h.numaNode } : {}),
    ...(virtMain && !config.highmem ? { busLimit: VIRT_LAYOUT.lowEcamBuses - 1 } : {}),
    ...(iommu ? (bypass ? { bypassIommu: true } : { iommu: iommu.id }) : {}),
    // With arm-smmuv3 devices a root complex no SMMU claims is untranslated (its MSIs still go to the ITS).
    ...(owner ? { iommu: owner } : {}),
    ...(itsId ? { msiController: itsId } : {}),
    ...(virtMain ? { ecam: config.highmem ? VIRT_LAYOUT.ecamHigh : VIRT_LAYOUT.ecamLow } : {}),
    ...(main && config.def.kind === 'riscv-virt' ? { ecam: RISCV_VIRT_LAYOUT.ecam } : {}),
    children: children(h.bus, childPath(path, 'children'), ctx),
  };
}

function children(bus: PciBus, path: string, ctx: NodeContext): PciNode[] {
  const iommu = ctx.iommu?.choice;
  const ats = iommu?.kind === 'vtd' && iommu.deviceIotlb;
  return [...bus.functions.values()]
    .sort((a, b) => a.devfn - b.devfn)
    .map((f, i) => {
      const nodePath = childPath(path, i);
      ctx.visit(nodePath, f);
      return {
        id: f.id,
        type: f.type,
        addr: formatDevfn(f.devfn),
        ...(f.reserveBuses !== undefined ? { reserveBuses: f.reserveBuses } : {}),
        ...(f.acs ? { acs: true } : {}),
        // device-iotlb: QEMU's DMAR has an ATSR for all root ports, which is what ATS on every root port says.
        ...(ats && f.type === 'pcie-root-port' ? { ats: true } : {}),
        model: f.driver,
        ...(f.model.vendorId !== undefined ? { vendorId: f.model.vendorId } : {}),
        ...(f.model.deviceId !== undefined ? { deviceId: f.model.deviceId } : {}),
        ...(f.notes.length > 0 ? { note: f.notes.join('; ') } : {}),
        ...(f.secondary ? { children: children(f.secondary, childPath(nodePath, 'children'), ctx) } : {}),
      };
    });
}
