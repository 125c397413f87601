/**
 * The PCI buses of the machine being imported and the functions placed on
 * them, with QEMU's placement rules: an explicit addr= must be free; a
 * device without addr= takes function 0 of the first slot whose function 0
 * is free; function 0 decides whether a slot may hold other functions
 * (multifunction=on). A device without bus= goes where QEMU's qdev puts it:
 * the newest expander's root bus if there is one (qdev searches the newest
 * device first), else the machine's root bus.
 */
import { devfn, formatDevfn } from '../../model/rid.js';
import type { PciNodeType } from '../../model/topology-schema.js';
import type { DeviceModel } from './catalog.js';
import { fail, type ArgRef } from './problems.js';

/** What sits on a bus decides what may be plugged into it (see placement-rules.ts). */
export type BusKind = 'pcie-root' | 'pci-root' | 'link' | 'switch' | 'conventional';

export interface HostBridgeDraft {
  /** The root bus's name: pcie.0, or the expander's id. */
  id: string;
  rootBus: number;
  kind: 'pcie' | 'pci';
  /** The pxb function that creates this host bridge; none for the machine's own. */
  expander?: PlacedFunction;
  bypassIommu: boolean;
  numaNode?: number;
  bus: PciBus;
}

export interface PciBus {
  /** The name bus= uses. */
  name: string;
  kind: BusKind;
  /** pxb-pcie's root bus takes PCI/PCIe bridges only. */
  bridgesOnly: boolean;
  host: HostBridgeDraft;
  functions: Map<number, PlacedFunction>;
}

export interface PlacedFunction {
  /** The QEMU device model. */
  driver: string;
  /** The id in the topology: QEMU's id=, else `<driver>@<bus>:<dd.f>`. */
  id: string;
  model: DeviceModel;
  /** What it is in the topology, from placement-rules.ts. */
  type: PciNodeType;
  bus: PciBus;
  devfn: number;
  multifunction: boolean;
  /** The argument that created it; none for what the machine adds by itself. */
  arg?: ArgRef;
  /** Why the machine added it, when no argument did. */
  origin?: string;
  /** The bus behind a port or bridge. */
  secondary?: PciBus;
  reserveBuses?: number;
  acs?: boolean;
  notes: string[];
}

export interface PlaceRequest {
  driver: string;
  qemuId?: string;
  model: DeviceModel;
  type: PciNodeType;
  devfn?: number;
  multifunction: boolean;
  arg?: ArgRef;
  origin?: string;
  notes: string[];
}

const SLOTS = 32;

export class PciBuses {
  readonly hostBridges: HostBridgeDraft[] = [];
  private readonly buses = new Map<string, PciBus>();
  readonly main: HostBridgeDraft;

  constructor(rootBusName: string, kind: 'pcie' | 'pci') {
    this.main = this.addHostBridge(rootBusName, 0, kind);
  }

  addHostBridge(id: string, rootBus: number, kind: 'pcie' | 'pci', expander?: PlacedFunction): HostBridgeDraft {
    // A host bridge and its root bus refer to each other: the bus is filled in right after.
    const host = { id, rootBus, kind, bypassIommu: false, ...(expander ? { expander } : {}) } as HostBridgeDraft;
    host.bus = this.addBus(id, kind === 'pcie' ? 'pcie-root' : 'pci-root', host, expander?.model.expanderKind === 'pcie');
    this.hostBridges.push(host);
    return host;
  }

  /** The bus behind a port or bridge, named as QEMU names it: the device's id. */
  addSecondary(owner: PlacedFunction, kind: BusKind): PciBus {
    owner.secondary = this.addBus(owner.id, kind, owner.bus.host, false);
    return owner.secondary;
  }

  private addBus(name: string, kind: BusKind, host: HostBridgeDraft, bridgesOnly: boolean): PciBus {
    const bus: PciBus = { name, kind, bridgesOnly, host, functions: new Map() };
    this.buses.set(name, bus);
    return bus;
  }

  bus(name: string): PciBus | undefined {
    return this.buses.get(name);
  }

  /** Every bus name, in the order the buses appeared. */
  busNames(): string[] {
    return [...this.buses.keys()];
  }

  /** Where a device without bus= goes. */
  defaultBus(): PciBus {
    return this.hostBridges[this.hostBridges.length - 1]!.bus;
  }

  /** Places a function, by QEMU's rules; a contradiction fails naming the request's argument. */
  place(bus: PciBus, req: PlaceRequest): PlacedFunction {
    const at = req.devfn ?? this.firstFreeSlot(bus, req);
    const taken = bus.functions.get(at);
    if (taken) {
      fail('qemu-devfn-taken', req.arg, `${bus.name} ${formatDevfn(at)} is already taken by ${describe(taken)}`);
    }
    checkMultifunction(bus, at, req);
    const f: PlacedFunction = {
      driver: req.driver,
      id: req.qemuId ?? `${req.driver}@${bus.name}:${formatDevfn(at)}`,
      model: req.model,
      type: req.type,
      bus,
      devfn: at,
      multifunction: req.multifunction,
      notes: [...req.notes],
      ...(req.arg ? { arg: req.arg } : {}),
      ...(req.origin ? { origin: req.origin } : {}),
    };
    bus.functions.set(at, f);
    return f;
  }

  private firstFreeSlot(bus: PciBus, req: PlaceRequest): number {
    for (let slot = 0; slot < SLOTS; slot++) {
      if (!bus.functions.has(devfn(slot, 0))) return devfn(slot, 0);
    }
    return fail('qemu-bus-full', req.arg, `no free slot left on ${bus.name} for ${req.driver}`);
  }
}

/** `` `-device e1000,id=nic0` `` or `mch, built into the machine`: how a placed function is named in messages. */
export function describe(f: PlacedFunction): string {
  return f.arg ? `\`${f.arg.text}\`` : `${f.driver}, ${f.origin ?? 'added by the machine'}`;
}

/**
 * Function 0 says whether its slot is multifunction; QEMU refuses another
 * function beside a single-function function 0, and a single-function
 * function 0 beside functions already there. (A slot without function 0 is
 * left to the topology check: Linux never finds it.)
 */
function checkMultifunction(bus: PciBus, at: number, req: PlaceRequest): void {
  const slot = at >> 3;
  if ((at & 7) !== 0) {
    const f0 = bus.functions.get(devfn(slot, 0));
    if (f0 && !f0.multifunction) {
      fail('qemu-multifunction', req.arg, `${formatDevfn(at)} cannot join slot ${formatDevfn(devfn(slot, 0))}: ${describe(f0)} there is single-function (it needs multifunction=on)`);
    }
    return;
  }
  if (req.multifunction) return;
  for (let fn = 1; fn < 8; fn++) {
    const other = bus.functions.get(devfn(slot, fn));
    if (other) {
      fail('qemu-multifunction', req.arg, `function 0 of slot ${formatDevfn(at)} is single-function (no multifunction=on), but ${describe(other)} is already at ${formatDevfn(devfn(slot, fn))}`);
    }
  }
}
