/**
 * What a device becomes in the topology, given the bus it is plugged into,
 * or why it cannot sit there. QEMU 7.2 itself refuses only non-bridges on
 * pxb-pcie and expanders off the root bus; the other refusals here are
 * places Linux cannot enumerate as PCIe describes them (a root port below a
 * bridge, a PCIe-only device on a conventional bus), which ridmap's topology
 * cannot express either. A conventional device on a PCIe link is kept (as a
 * PCIe endpoint: nothing aliases it) with a note.
 */
import type { PciNodeType } from '../../model/topology-schema.js';
import type { DeviceModel } from './catalog.js';
import type { BusKind, PciBus } from './pci-buses.js';

export type Placement = { type: PciNodeType; note?: string } | { refused: string };

const BRIDGE_ROLES = new Set(['root-port', 'switch-upstream', 'switch-downstream', 'pcie-pci-bridge', 'pci-bridge']);

function where(bus: PciBus): string {
  switch (bus.kind) {
    case 'pcie-root':
      return `on the PCIe root bus ${bus.name}`;
    case 'pci-root':
      return `on the conventional PCI root bus ${bus.name}`;
    case 'link':
      return `below the PCIe port ${bus.name}`;
    case 'switch':
      return `on the internal bus of the switch upstream port ${bus.name}`;
    case 'conventional':
      return `on the conventional PCI bus behind ${bus.name}`;
  }
}

const conventional = (kind: BusKind) => kind === 'conventional' || kind === 'pci-root';

export function placement(driver: string, model: DeviceModel, bus: PciBus, onMachineRoot: boolean): Placement {
  const refuse = (why: string): Placement => ({ refused: `${driver} cannot sit ${where(bus)}: ${why}` });
  if (bus.bridgesOnly && !BRIDGE_ROLES.has(model.role)) {
    return refuse('QEMU plugs only PCI/PCIe bridges and ports into a pxb-pcie (give bus= a root port)');
  }
  switch (model.role) {
    case 'root-port':
      return bus.kind === 'pcie-root' ? { type: 'pcie-root-port' } : refuse('a root port sits on a PCIe root bus (pcie.0 or a pxb-pcie)');
    case 'switch-upstream':
      return bus.kind === 'link' ? { type: 'pcie-switch-upstream-port' } : refuse('a switch upstream port sits directly below a root port or a downstream port');
    case 'switch-downstream':
      return bus.kind === 'switch' ? { type: 'pcie-switch-downstream-port' } : refuse('a switch downstream port sits on a switch upstream port\'s bus');
    case 'pcie-pci-bridge':
      if (conventional(bus.kind)) return refuse('it is a PCIe device and this is a conventional PCI bus');
      return bus.kind === 'switch' ? refuse('only downstream ports sit on a switch\'s internal bus') : { type: 'pcie-pci-bridge' };
    case 'pci-bridge':
      if (bus.kind === 'link') return refuse('a conventional PCI-to-PCI bridge below a PCIe port is not a topology Linux (or ridmap) describes; use pcie-pci-bridge');
      return bus.kind === 'switch' ? refuse('only downstream ports sit on a switch\'s internal bus') : { type: 'pci-bridge' };
    case 'expander':
      if (!onMachineRoot) return refuse('QEMU attaches expander bridges only to the machine\'s root bus');
      // pxb (conventional) is for the i440fx pc machine and pxb-pcie for PCIe root buses; QEMU refuses either on the other.
      if (model.expanderKind === 'pci' && bus.kind !== 'pci-root') return refuse('QEMU puts the conventional pxb on conventional root buses only (pc); use pxb-pcie');
      // hw/pci-bridge/pci_expander_bridge.c: a pxb puts a PCI-to-PCI bridge of its own on its root bus, and bus= the pxb lands behind it.
      if (model.expanderKind === 'pci') return refuse('QEMU\'s pxb puts a PCI-to-PCI bridge of its own on the expander\'s root bus and the devices given bus= behind it (QEMU 7.2 and 11.1 `info pci`), which the importer does not model yet');
      if (model.expanderKind === 'pcie' && bus.kind === 'pci-root') return refuse('QEMU: "pxb-pcie devices cannot reside on a PCI bus"; use pxb');
      return { type: 'rciep' };
    default:
      return endpointPlacement(model, bus, refuse);
  }
}

function endpointPlacement(model: DeviceModel, bus: PciBus, refuse: (why: string) => Placement): Placement {
  switch (bus.kind) {
    case 'pcie-root':
      return { type: 'rciep' };
    case 'link':
      return model.interface === 'conventional'
        ? { type: 'pcie-endpoint', note: 'a conventional PCI device on a PCIe link (QEMU allows it); nothing between it and the port aliases its requester ID' }
        : { type: 'pcie-endpoint' };
    case 'switch':
      return refuse('only downstream ports sit on a switch\'s internal bus');
    case 'pci-root':
      // QEMU 7.2 and 11.1 plug PCIe devices (e1000e, nvme) into pc's pci.0 too; the guest sees a function of the root bus, its own requester.
      return model.interface === 'pcie'
        ? { type: 'pci-endpoint', note: 'a PCIe device on pc\'s conventional root bus (QEMU allows it); it requests with its own ID' }
        : { type: 'pci-endpoint' };
    default:
      return model.interface === 'pcie' ? refuse('it is a PCIe-only device and this is a conventional PCI bus') : { type: 'pci-endpoint' };
  }
}

/** The kind of bus behind a port or bridge of this role. */
export function secondaryKind(model: DeviceModel): BusKind | undefined {
  switch (model.role) {
    case 'root-port':
    case 'switch-downstream':
      return 'link';
    case 'switch-upstream':
      return 'switch';
    case 'pcie-pci-bridge':
    case 'pci-bridge':
      return 'conventional';
    default:
      return undefined;
  }
}
