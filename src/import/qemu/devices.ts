/**
 * -device options, in command-line order (QEMU realizes them in that order,
 * which is what auto-placement depends on): which bus each goes on, and what
 * its role brings (a secondary bus, an expander's host bridge, port
 * settings that QEMU checks).
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { QemuArg } from './argv.js';
import { lookupDevice, type Lookup } from './catalog.js';
import type { MachineConfig } from './machine-config.js';
import { parseBool, parseOpts, parsePciAddr, parseUint } from './opts.js';
import { describe, type PciBuses, type PciBus, type PlacedFunction } from './pci-buses.js';
import { addFunction } from './place-function.js';
import { checked, fail, problem, type ArgRef } from './problems.js';

export interface DeviceRequest {
  driver: string;
  props: Map<string, string>;
  arg: QemuArg;
  lookup: Lookup;
}

const DEFAULT_BUS_HINT =
  ' (without bus=, QEMU plugs a device into the root bus of the expander added last; give bus=pcie.0 or a port)';

/** QEMU's id rule: a letter, then letters, digits, '-', '.', '_'. */
export const QEMU_ID = /^[A-Za-z][A-Za-z0-9._-]*$/;

export function deviceRequests(args: readonly QemuArg[]): DeviceRequest[] {
  const seen = new Map<string, QemuArg>();
  return args
    .filter((a) => a.name === '-device')
    .map((arg) => {
      const props = checked(arg, '-device', () => parseOpts(arg.value!, 'driver')).props;
      const driver = props.get('driver');
      if (!driver) fail('qemu-bad-value', arg, '-device needs a driver name first');
      const id = props.get('id');
      if (id !== undefined) {
        if (!QEMU_ID.test(id)) fail('qemu-bad-value', arg, `id "${id}" is not an identifier (a letter, then letters, digits, '-', '.', '_')`);
        const first = seen.get(id);
        if (first) fail('qemu-duplicate-id', arg, `id "${id}" is already used by \`${first.text}\``);
        seen.set(id, arg);
      }
      return { driver, props, arg, lookup: lookupDevice(driver) };
    });
}

/**
 * The bus a -device goes on. An unknown model whose bus= names no PCI bus
 * but looks like a child bus (`scsi0.0`, `ide.2`) is some other bus's
 * device: undefined, and the caller ignores it.
 */
function busFor(buses: PciBuses, req: DeviceRequest): PciBus | undefined {
  const name = req.props.get('bus');
  if (name === undefined) return buses.defaultBus();
  // bus= may be a QOM path; its last element is the bus name.
  const bus = buses.bus(name.split('/').pop()!);
  if (bus) return bus;
  if (req.lookup.unknown && !req.driver.endsWith('-pci') && /\.\d+$/.test(name)) return undefined;
  return fail('qemu-unknown-bus', req.arg, `bus "${name}" is not a PCI bus of this machine (its PCI buses: ${buses.busNames().join(', ')})`);
}

export interface DeviceContext {
  buses: PciBuses;
  config: MachineConfig;
  warnings: Diagnostic[];
  /** PCIe slots in use, by "chassis/slot": QEMU refuses a second port with the same pair. */
  portSlots: Map<string, ArgRef>;
}

/**
 * Adds a -device that is a PCI function, with what its role brings: a
 * secondary bus, an expander's host bridge, port settings. Returns
 * undefined when the device turned out not to be on a PCI bus.
 */
export function addPciDevice(ctx: DeviceContext, req: DeviceRequest): PlacedFunction | undefined {
  const { buses, warnings } = ctx;
  const bus = busFor(buses, req);
  if (!bus) {
    warnings.push(problem('qemu-ignored', req.arg, `${req.driver} sits on ${req.props.get('bus')}, not a PCI bus; ignored`, 'warning'));
    return undefined;
  }
  const role = req.lookup.model.role;
  const addr = req.props.get('addr');
  const mf = req.props.get('multifunction');
  const qemuId = req.props.get('id');
  const f = addFunction(buses, bus, {
    driver: req.driver,
    lookup: req.lookup,
    multifunction: mf !== undefined && checked(req.arg, 'multifunction', () => parseBool(mf)),
    arg: req.arg,
    // An expander's id names its root bus (the host bridge); its function keeps the generated id.
    ...(qemuId !== undefined && role !== 'expander' ? { qemuId } : {}),
    ...(addr !== undefined ? { devfn: checked(req.arg, 'addr', () => parsePciAddr(addr)) } : {}),
  }, req.props.has('bus') || bus === buses.main.bus ? '' : DEFAULT_BUS_HINT);
  if (req.lookup.unknown) {
    warnings.push(problem('qemu-unknown-device', req.arg, `${req.driver} is not in ridmap's QEMU catalog; imported as a generic PCI endpoint`, 'warning'));
  }
  const uint = (key: string, max: number) => {
    const v = req.props.get(key);
    return v === undefined ? undefined : checked(req.arg, key, () => parseUint(v, max));
  };
  const bool = (key: string) => {
    const v = req.props.get(key);
    return v !== undefined && checked(req.arg, key, () => parseBool(v));
  };
  if (role === 'root-port' || role === 'switch-downstream') claimPortSlot(ctx, req, uint('chassis', 0xff) ?? 0, uint('slot', 0xffff) ?? 0);
  if (role === 'root-port') {
    // QEMU's "unset" is 0xffffffff (its default); the firmware then reserves nothing.
    const reserve = uint('bus-reserve', 0xffffffff);
    if (reserve !== undefined && reserve !== 0xffffffff) {
      if (reserve > 0xff) fail('qemu-bad-value', req.arg, `bus-reserve=${reserve} reserves more buses than there are`);
      f.reserveBuses = reserve;
    }
    f.acs = !bool('disable-acs');
  }
  if (role === 'pci-bridge' && !uint('chassis_nr', 0xff)) {
    fail('qemu-chassis-slot', req.arg, 'a pci-bridge needs chassis_nr= (1-255); QEMU refuses it without one');
  }
  if (role === 'expander') {
    const host = addExpander(ctx, req, f, uint('bus_nr', 0xff), uint('numa_node', 0xffff));
    host.bypassIommu = bool('bypass_iommu');
  }
  return f;
}

/** QEMU's PCIe slot registry: each (chassis, slot) pair once; both default to 0. */
function claimPortSlot(ctx: DeviceContext, req: DeviceRequest, chassis: number, slot: number): void {
  const key = `${chassis}/${slot}`;
  const first = ctx.portSlots.get(key);
  if (first) {
    fail('qemu-chassis-slot', req.arg, `chassis ${chassis} slot ${slot} is already used by \`${first.text}\` (QEMU: "Can't add chassis slot"); give each port its own chassis= or slot=`);
  }
  ctx.portSlots.set(key, req.arg);
}

function addExpander(ctx: DeviceContext, req: DeviceRequest, f: PlacedFunction, busNr: number | undefined, numaNode: number | undefined) {
  const { buses } = ctx;
  if (!busNr) {
    fail('qemu-expander', req.arg, 'an expander needs bus_nr= above the root bus (0); QEMU\'s default 0 would give two host bridges bus 0');
  }
  const clash = buses.hostBridges.find((h) => h.rootBus === busNr);
  if (clash) fail('qemu-expander', req.arg, `bus_nr=${busNr} is already the root bus of ${clash.expander ? describe(clash.expander) : clash.id}`);
  if (numaNode !== undefined && !ctx.config.numaNodes.has(numaNode)) {
    fail('qemu-expander', req.arg, `numa_node=${numaNode} names no -numa node (QEMU: "Illegal numa node")`);
  }
  const host = buses.addHostBridge(req.props.get('id') ?? `${f.id}-bus`, busNr, f.model.expanderKind ?? 'pcie', f);
  if (numaNode !== undefined) host.numaNode = numaNode;
  if (ctx.config.def.kind === 'virt') {
    // virt's generated tree has one PCIe host node whose scan starts at bus 0; an expander's root
    // bus is reachable from no bridge there, so only ACPI (a PNP0A08 device per expander) shows it.
    ctx.warnings.push(problem('qemu-acpi-only', req.arg,
      `QEMU describes expander ${host.id} (bus 0x${busNr.toString(16)}) only in ACPI: booted with a Device Tree (no UEFI, or acpi=off), Linux never sees it or anything below it`, 'warning'));
  }
  return host;
}
