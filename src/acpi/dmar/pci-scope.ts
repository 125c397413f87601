/**
 * DMAR device-scope paths against a resolved topology, both ways.
 *
 * A path is the root bus number (from the host bridge's _BBN, which no OS
 * renumbers) plus one (device, function) hop per level. Following it uses the
 * bridges' secondary bus numbers under whatever numbering the topology was
 * resolved with, which is exactly why DMAR survives renumbering: the path
 * itself holds no intermediate bus number.
 */
import type { PciFunction, ResolvedTopology } from '../../model/resolved.js';
import { devfn, formatDevfn } from '../../model/rid.js';
import type { DmarDeviceScope } from './model.js';
import { DmarScopeType } from './spec.js';

/** The scope that names `f`: sub-hierarchy for a bridge or port, endpoint otherwise. */
export function pciScopeFor(f: PciFunction): DmarDeviceScope {
  return {
    type: f.isBridge ? DmarScopeType.PCI_SUB_HIERARCHY : DmarScopeType.PCI_ENDPOINT,
    flags: 0,
    enumerationId: 0,
    startBusNumber: f.hostBridge.rootBus,
    path: f.path.map((hop) => ({ device: hop.device, function: hop.fn })),
  };
}

export type ScopeTarget = { function: PciFunction } | { problem: string };

/**
 * The function a PCI scope names, as Linux's dmar_match_pci_path finds it:
 * the path from its root bus, else, for a one-hop path only, the function
 * with that devfn on bus Start Bus Number itself (Linux's workaround for
 * broken tables, logged as "RMRR entry ... is broken"). That fallback uses
 * the OS's bus numbers, so it holds only while they are the firmware's.
 */
export function followScopePath(resolved: ResolvedTopology, segment: number, scope: DmarDeviceScope): ScopeTarget {
  const target = followFromRootBus(resolved, segment, scope);
  if ('function' in target || scope.path.length !== 1) return target;
  const want = devfn(scope.path[0]!.device, scope.path[0]!.function);
  const onOwnBus = resolved.functions.find((f) => f.segment === segment && f.bus === scope.startBusNumber && f.devfn === want);
  return onOwnBus ? { function: onOwnBus } : target;
}

/** True when a PCI scope's Start Bus Number is the root bus of a host bridge of the segment, as the spec requires. */
export function startsAtRootBus(resolved: ResolvedTopology, segment: number, scope: DmarDeviceScope): boolean {
  return resolved.hostBridges.some((hb) => hb.segment === segment && hb.rootBus === scope.startBusNumber);
}

/** Follows a PCI scope path from its root bus; says where and why it stops. */
function followFromRootBus(resolved: ResolvedTopology, segment: number, scope: DmarDeviceScope): ScopeTarget {
  const hostBridge = resolved.hostBridges.find((hb) => hb.segment === segment && hb.rootBus === scope.startBusNumber);
  if (!hostBridge) {
    return { problem: `no host bridge has root bus 0x${scope.startBusNumber.toString(16)} in segment ${segment}` };
  }
  if (scope.path.length === 0) return { problem: 'the path is empty' };
  let bus: { name: string; functions: PciFunction[] } = { name: `root bus of ${hostBridge.id}`, functions: hostBridge.functions };
  let found: PciFunction | undefined;
  for (const [i, hop] of scope.path.entries()) {
    const want = devfn(hop.device, hop.function);
    found = bus.functions.find((f) => f.devfn === want);
    if (!found) return { problem: `hop ${i + 1} (${formatDevfn(want)}) names no device on the ${bus.name}` };
    if (i < scope.path.length - 1) {
      if (!found.isBridge) return { problem: `hop ${i + 1} (${formatDevfn(want)}) is ${found.id}, not a bridge, but the path goes on` };
      bus = { name: `secondary bus of ${found.id}`, functions: found.children };
    }
  }
  return { function: found! };
}

export function formatScopePath(scope: DmarDeviceScope): string {
  const hops = scope.path.map((h) => formatDevfn(devfn(h.device, h.function))).join('/');
  return `${scope.startBusNumber.toString(16).padStart(2, '0')}:${hops}`;
}
