/**
 * One function onto a bus: where it may sit (placement-rules.ts), where it
 * lands (pci-buses.ts), and the bus behind it when it is a port or bridge.
 */
import type { Lookup } from './catalog.js';
import type { PciBus, PciBuses, PlacedFunction } from './pci-buses.js';
import { placement, secondaryKind } from './placement-rules.js';
import { fail, type ArgRef } from './problems.js';

export interface FunctionRequest {
  driver: string;
  lookup: Lookup;
  qemuId?: string;
  devfn?: number;
  multifunction: boolean;
  arg?: ArgRef;
  origin?: string;
}

export function addFunction(buses: PciBuses, bus: PciBus, req: FunctionRequest, hint = ''): PlacedFunction {
  const where = placement(req.driver, req.lookup.model, bus, bus === buses.main.bus);
  if ('refused' in where) return fail('qemu-placement', req.arg, where.refused + hint);
  const f = buses.place(bus, {
    driver: req.driver,
    model: req.lookup.model,
    type: where.type,
    multifunction: req.multifunction,
    notes: [
      ...(req.lookup.unknown ? [`${req.driver} is not in ridmap's QEMU catalog: imported as a generic endpoint`] : []),
      ...(where.note ? [where.note] : []),
    ],
    ...(req.qemuId !== undefined ? { qemuId: req.qemuId } : {}),
    ...(req.devfn !== undefined ? { devfn: req.devfn } : {}),
    ...(req.arg ? { arg: req.arg } : {}),
    ...(req.origin ? { origin: req.origin } : {}),
  });
  const kind = secondaryKind(req.lookup.model);
  if (kind) buses.addSecondary(f, kind);
  return f;
}
