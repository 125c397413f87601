/**
 * The machine's root bus with what QEMU puts there before any -device, in
 * QEMU's order: the built-in functions at their fixed addresses, then the
 * default display and the NICs at the first free slots.
 */
import { lookupDevice } from './catalog.js';
import type { MachineConfig } from './machine-config.js';
import { pcBuiltins, q35Builtins, VIRT_BUILTINS } from './machines.js';
import { PciBuses } from './pci-buses.js';
import { addFunction, type FunctionRequest } from './place-function.js';
import { devfn } from '../../model/rid.js';

/** Why the machine adds a function no argument asked for. */
export const ORIGIN = {
  builtin: 'built into the machine',
  vga: 'the default display (-vga none or -nodefaults removes it)',
  nic: 'the default NIC (-nic none or -nodefaults removes it)',
};

export function machineBuses(config: MachineConfig): PciBuses {
  const buses = new PciBuses(config.def.rootBus, config.def.rootBusKind);
  const root = buses.main.bus;
  const add = (driver: string, more: Partial<FunctionRequest>) =>
    addFunction(buses, root, { driver, lookup: lookupDevice(driver), multifunction: false, ...more });
  const builtins = config.def.kind === 'q35' ? q35Builtins(config) : config.def.kind === 'pc' ? pcBuiltins(config) : VIRT_BUILTINS;
  for (const b of builtins) add(b.driver, { devfn: devfn(b.slot, b.fn), multifunction: b.multifunction ?? false, origin: ORIGIN.builtin });
  if (config.vga) add(config.vga.driver, config.vga.arg ? { arg: config.vga.arg } : { origin: ORIGIN.vga });
  for (const nic of config.nics) {
    add(nic.driver, { ...(nic.devfn !== undefined ? { devfn: nic.devfn } : {}), ...(nic.arg ? { arg: nic.arg } : { origin: ORIGIN.nic }) });
  }
  return buses;
}
