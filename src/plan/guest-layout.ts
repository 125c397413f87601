/**
 * Where the assigned functions go in the guest: one vIOMMU per host IOMMU
 * in use, each with its own pxb-pcie expander; on it a pcie-root-port per
 * assigned slot, the slot's functions as functions of one slot below it.
 *
 * A host IOMMU group with more than one assigned endpoint goes behind one
 * root port and a pcie-pci-bridge instead, its slots on that conventional
 * bus: QEMU gives each PCIe function its own vIOMMU address space, and VFIO
 * takes a group into one address space only ("group N used in multiple
 * address spaces"); behind a PCIe-to-PCI bridge the vIOMMU sees the
 * bridge's requester ID for all of them (QEMU's pci_device_iommu_address_space
 * follows that alias since 4.1), so they share one, and Linux in the guest
 * puts them in one group too.
 */
import { devfn, formatDevfn } from '../model/rid.js';
import type { PlanHostFunction } from './plan-host.js';

export interface GuestDevice {
  /** The guest's id (QEMU id=): `vfio-ssss-bb-dd.f` of the host function. */
  id: string;
  host: PlanHostFunction;
  /** `dd.f` on its guest bus. */
  addr: string;
}

export interface GuestPort {
  /** pcie-root-port id. */
  id: string;
  /** `dd.0` on the expander's root bus. */
  addr: string;
  /** The pcie-pci-bridge below the port, for a host group of several endpoints. */
  bridge?: string;
  devices: GuestDevice[];
}

export interface GuestViommu {
  /** 1, 2, ...: names the expander (pcie.N), the vIOMMU (viommuN) and the ports. */
  index: number;
  hostIommu: string;
  expander: string;
  viommu: string;
  busNr: number;
  ports: GuestPort[];
}

/** Root ports an expander bus takes (devices 0-31, function 0 each). */
export const MAX_PORTS_PER_EXPANDER = 32;
/** Bus numbers: 0 is the machine's root bus; each expander starts at a multiple of 16 after the last one's buses. */
const FIRST_EXPANDER_BUS = 0x10;
const LAST_BUS = 0xff;

export const guestDeviceId = (f: PlanHostFunction): string => `vfio-${f.sbdf.replace(/:/g, '-')}`;
const slotKey = (f: PlanHostFunction) => `${f.segment}:${f.bus}:${f.device}`;

/**
 * The functions of one host IOMMU in guest units: slots joined by shared
 * host groups (an explicit union-find: no recursion), in host order.
 */
function units(functions: readonly PlanHostFunction[]): { functions: PlanHostFunction[]; shared: boolean }[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const groupSlot = new Map<string, string>();
  const groupSize = new Map<string, number>();
  for (const f of functions) {
    const k = slotKey(f);
    if (!parent.has(k)) parent.set(k, k);
    groupSize.set(f.group!, (groupSize.get(f.group!) ?? 0) + 1);
    const other = groupSlot.get(f.group!);
    if (other === undefined) groupSlot.set(f.group!, k);
    else parent.set(find(k), find(other));
  }
  const byRoot = new Map<string, { functions: PlanHostFunction[]; shared: boolean }>();
  for (const f of functions) {
    const root = find(slotKey(f));
    const unit = byRoot.get(root) ?? { functions: [], shared: false };
    unit.functions.push(f);
    if (groupSize.get(f.group!)! > 1) unit.shared = true;
    byRoot.set(root, unit);
  }
  return [...byRoot.values()];
}

/** `dd.f` for each function of a slot list: slots numbered from `firstSlot` in host order, functions 0.. in host order (a guest slot needs its function 0). */
function placeSlots(functions: readonly PlanHostFunction[], firstSlot: number): GuestDevice[] {
  const slots = new Map<string, PlanHostFunction[]>();
  for (const f of functions) slots.set(slotKey(f), [...(slots.get(slotKey(f)) ?? []), f]);
  return [...slots.values()].flatMap((fns, i) =>
    fns.map((host, fn) => ({ id: guestDeviceId(host), host, addr: formatDevfn(devfn(firstSlot + i, fn)) })),
  );
}

export interface LayoutProblem {
  hostIommu: string;
  message: string;
}

/** The guest layout for functions already checked (each with an IOMMU and a group), host IOMMUs in the order given. */
export function guestLayout(byIommu: ReadonlyMap<string, readonly PlanHostFunction[]>): { viommus: GuestViommu[]; problems: LayoutProblem[] } {
  const viommus: GuestViommu[] = [];
  const problems: LayoutProblem[] = [];
  let busNr = FIRST_EXPANDER_BUS;
  for (const [hostIommu, functions] of byIommu) {
    const index = viommus.length + 1;
    const ports = units(functions).map((unit, j): GuestPort => {
      const id = `rp${index}-${j}`;
      const addr = formatDevfn(devfn(j, 0));
      // Slots on the bridge's conventional bus from 1: the pcie-pci-bridge's SHPC takes devices 1-31 only (QEMU: "Unsupported PCI slot 0 for standard hotplug controller").
      return unit.shared
        ? { id, addr, bridge: `br${index}-${j}`, devices: placeSlots(unit.functions, 1) }
        : { id, addr, devices: placeSlots(unit.functions, 0) };
    });
    if (ports.length > MAX_PORTS_PER_EXPANDER) {
      problems.push({ hostIommu, message: `${ports.length} guest slots behind ${hostIommu}: one expander bus has ${MAX_PORTS_PER_EXPANDER} root ports at most` });
    }
    if (ports.some((p) => p.devices.length > 8 && !p.bridge)) {
      problems.push({ hostIommu, message: `a slot with more than 8 functions behind ${hostIommu}` });
    }
    const buses = 1 + ports.reduce((n, p) => n + (p.bridge ? 2 : 1), 0);
    if (busNr + buses - 1 > LAST_BUS) problems.push({ hostIommu, message: `the guest runs out of bus numbers (0-${LAST_BUS}) at the expander for ${hostIommu}` });
    viommus.push({ index, hostIommu, expander: `pcie.${index}`, viommu: `viommu${index}`, busNr, ports });
    busNr = Math.ceil((busNr + buses) / 0x10) * 0x10;
  }
  return { viommus, problems };
}
