/**
 * Bus numbering: secondary/subordinate bus numbers for every bridge and port,
 * under one policy (numbering-policies.ts).
 *
 * The walk is the one SeaBIOS (pci_bios_init_bus_rec) and edk2 do: per host
 * bridge, starting at its root bus, depth-first in devfn order; a bridge takes
 * the next free bus as its secondary, its subtree is numbered, and its
 * subordinate is the highest bus used below it, raised to secondary +
 * reserveBuses when the policy honours hot-plug reservations. Root buses are
 * fixed (an expander's bus_nr, a host bridge's _BBN): the OS never renumbers
 * them, so each host bridge numbers only within [rootBus, busLimit].
 */
import { InputError, type Diagnostic } from '../diagnostic.js';
import { lowerBound } from '../lower-bound.js';
import { DEFAULT_NUMBERING, findNumberingPolicy, type NumberingPolicy } from './numbering-policies.js';
import { depthFirst, isBridgeType, orderedChildren } from './numbering-tree.js';
import type { HostBridge, PciNode, Topology } from './topology-schema.js';

export const MAX_BUS = 0xff;

export interface BridgeBuses {
  secondary: number;
  subordinate: number;
}

export interface HostBridgeBuses {
  rootBus: number;
  busLimit: number;
  /** Highest bus used below the host bridge (the root bus itself when there are no bridges). */
  subordinate: number;
}

export interface BusNumbering {
  policy: string;
  /** By host bridge id. */
  hostBridges: Map<string, HostBridgeBuses>;
  /** By bridge/port id (ids are unique in a valid topology). */
  bridges: Map<string, BridgeBuses>;
}

/**
 * Last bus each host bridge decodes: its own busLimit, else one below the
 * next root bus in the same segment (QEMU's pxb-pcie bus_nr carves the range
 * of the bus below it), else 0xff. The root buses of a segment are sorted
 * once and searched, so many host bridges stay n log n, not n².
 */
export function hostBridgeBusLimits(topology: Topology): (hostBridge: HostBridge) => number {
  const rootsBySegment = new Map<number, number[]>();
  for (const hb of topology.hostBridges ?? []) {
    const segment = hb.segment ?? 0;
    const roots = rootsBySegment.get(segment) ?? [];
    roots.push(hb.rootBus ?? 0);
    rootsBySegment.set(segment, roots);
  }
  for (const roots of rootsBySegment.values()) roots.sort((a, b) => a - b);
  return (hostBridge) => {
    if (hostBridge.busLimit !== undefined) return hostBridge.busLimit;
    const roots = rootsBySegment.get(hostBridge.segment ?? 0) ?? [];
    const rootBus = hostBridge.rootBus ?? 0;
    const next = lowerBound(roots.length, (i) => roots[i]! <= rootBus);
    return next < roots.length ? roots[next]! - 1 : MAX_BUS;
  };
}

/**
 * The bridge that the hotplug-shift policy hot-adds under: the first port
 * with a hot-plug reservation in depth-first order over all host bridges,
 * else the first bridge at all.
 */
function hotAddTarget(topology: Topology): PciNode | undefined {
  // The walk stops at the first reserving port (usually near the start) instead of listing every node first;
  // where no node reserves buses, at the first bridge (the ordered walk of a whole 10k-endpoint tree took ~20 ms).
  const reserving = anyReservation(topology);
  let first: PciNode | undefined;
  for (const hb of topology.hostBridges ?? []) {
    for (const { node } of depthFirst(hb.children)) {
      if (!isBridgeType(node.type)) continue;
      if ((node.reserveBuses ?? 0) > 0 || !reserving) return node;
      first ??= node;
    }
  }
  return first;
}

/** Whether any node of the tree has a hot-plug reservation, in any order (no sorting, no recursion). */
function anyReservation(topology: Topology): boolean {
  const stack: (readonly PciNode[])[] = (topology.hostBridges ?? []).map((hb) => hb.children ?? []);
  for (let nodes = stack.pop(); nodes; nodes = stack.pop()) {
    for (const node of nodes) {
      if ((node.reserveBuses ?? 0) > 0) return true;
      if (node.children) stack.push(node.children);
    }
  }
  return false;
}

export function numberBuses(topology: Topology, policyName: string = DEFAULT_NUMBERING): BusNumbering {
  const policy: NumberingPolicy = findNumberingPolicy(policyName);
  const hotAdded = policy.hotAdd ? hotAddTarget(topology) : undefined;
  const result: BusNumbering = { policy: policy.name, hostBridges: new Map(), bridges: new Map() };
  const problems: Diagnostic[] = [];
  const busLimitOf = hostBridgeBusLimits(topology);

  (topology.hostBridges ?? []).forEach((hb, index) => {
    const rootBus = hb.rootBus ?? 0;
    const busLimit = busLimitOf(hb);
    let nextFree = rootBus + 1;
    // Buses the hot-added bridge pushed up: a stated (fixed) number after it moves by as much.
    let shift = 0;

    const numberBus = (children: readonly PciNode[] | undefined): void => {
      for (const { node } of orderedChildren(children)) {
        if (!isBridgeType(node.type)) continue;
        const fixed = policy.fixedBuses ? fixedBuses(node) : undefined;
        if (fixed && fixed.secondary + shift < nextFree) {
          problems.push({
            severity: 'error',
            code: 'bus-range-exhausted',
            path: `hostBridges[${index}]`,
            message:
              `${node.id} states secondary bus ${hex2(fixed.secondary)}, but buses up to ${hex2(nextFree - 1)} are already taken ` +
              `under host bridge ${hb.id} (bridges are numbered depth first in devfn order, each above the ones before it)`,
          });
        }
        const secondary = fixed ? Math.max(fixed.secondary + shift, nextFree) : nextFree;
        nextFree = secondary + 1;
        // The hot-added bridge sits on this port's secondary bus and takes the
        // bus right after it; it is not absorbed by the reservation, so every
        // later number moves (which is what this policy is for).
        const extra = node === hotAdded ? 1 : 0;
        nextFree += extra;
        shift += extra;
        numberBus(node.children);
        const reserve = policy.reservations ? (node.reserveBuses ?? 0) : 0;
        const subordinate = Math.max(nextFree - 1, secondary + extra + reserve, fixed ? fixed.subordinate + shift : 0);
        nextFree = subordinate + 1;
        result.bridges.set(node.id, { secondary, subordinate });
      }
    };
    numberBus(hb.children);

    const subordinate = nextFree - 1;
    result.hostBridges.set(hb.id, { rootBus, busLimit, subordinate });
    if (subordinate > busLimit) {
      const needed = subordinate - rootBus + 1;
      const holds = busLimit - rootBus + 1;
      problems.push({
        severity: 'error',
        code: 'bus-range-exhausted',
        path: `hostBridges[${index}]`,
        message:
          `host bridge ${hb.id} needs ${needed} buses under the ${policy.name} numbering but its range ` +
          `${hex2(rootBus)}-${hex2(busLimit)} holds ${holds}`,
      });
    }
  });

  if (problems.length > 0) throw new InputError(problems);
  return result;
}

/** The bus numbers a bridge states (a real machine's), when it states its secondary bus. */
function fixedBuses(node: PciNode): BridgeBuses | undefined {
  if (node.secondaryBus === undefined) return undefined;
  return { secondary: node.secondaryBus, subordinate: node.subordinateBus ?? node.secondaryBus };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export { DEFAULT_NUMBERING, NUMBERING_POLICIES, type NumberingPolicy } from './numbering-policies.js';
