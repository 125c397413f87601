/**
 * The shape of the PCI tree: what may sit on which kind of bus, devfns on
 * each bus, and the flags that only make sense on some functions. These are
 * the mistakes that make Linux enumerate a different tree than the firmware
 * tables describe.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import { devfn, formatDevfn } from '../rid.js';
import type { PciNodeType } from '../topology-schema.js';
import { devfnRangeProblem, looseDevfn, type DevfnParts } from './devfn.js';
import { finding } from './finding.js';
import { ENDPOINT_TYPES, groupBy, type BusKind, type PciBus, type PciSite, type TopologyIndex } from './topology-index.js';
import { appendAll } from '../../append.js';

/** Types whose upstream side is a PCIe link or a PCIe root complex, never a conventional bus. */
const PCIE_ONLY: ReadonlySet<PciNodeType> = new Set([
  'pcie-root-port',
  'pcie-switch-upstream-port',
  'pcie-switch-downstream-port',
  'pcie-endpoint',
  'rciep',
  'pcie-pci-bridge',
]);

/** Where each type may sit, and the rule in words for when it does not. */
const PLACEMENT: Record<PciNodeType, { on: BusKind[]; rule: string }> = {
  'pcie-root-port': { on: ['pcie-root'], rule: 'root ports sit on a PCIe root bus (a host bridge\'s children)' },
  rciep: { on: ['pcie-root'], rule: 'integrated endpoints sit on a PCIe root bus; below a port use pcie-endpoint' },
  'pcie-switch-upstream-port': {
    on: ['link'],
    rule: 'a switch upstream port sits directly below a root port or a switch downstream port',
  },
  'pcie-switch-downstream-port': {
    on: ['switch'],
    rule: 'a switch downstream port sits directly below a pcie-switch-upstream-port',
  },
  'pcie-endpoint': { on: ['link'], rule: 'a PCIe endpoint sits below a root port or a switch downstream port' },
  'pcie-pci-bridge': { on: ['link', 'pcie-root'], rule: 'a PCIe-to-PCI bridge sits below a port or on a PCIe root bus' },
  'pci-bridge': {
    on: ['conventional', 'pcie-root'],
    rule: 'a PCIe link carries PCIe devices only; put conventional devices behind a pcie-pci-bridge',
  },
  'pci-endpoint': {
    on: ['conventional', 'pcie-root'],
    rule: 'a PCIe link carries PCIe devices only; put conventional devices behind a pcie-pci-bridge',
  },
  'pci-pcie-bridge': { on: ['conventional', 'pcie-root'], rule: 'a PCI-to-PCIe bridge sits on a conventional PCI bus' },
};

export function checkPciTree(ix: TopologyIndex): Diagnostic[] {
  const devfns = new Map<PciSite, DevfnParts>();
  const out: Diagnostic[] = [];
  for (const site of ix.sites) {
    const parts = looseDevfn(site.node.addr);
    const problem = parts ? devfnRangeProblem(parts) : 'unreadable devfn';
    if (problem) out.push(finding('bad-devfn', childPath(site.path, 'addr'), problem));
    else devfns.set(site, parts!);
    const misplaced = placement(site);
    if (misplaced) out.push(misplaced);
    functionFlags(site, out);
    if (site.node.dmaAliases) appendAll(out, dmaAliases(site, devfns.get(site)));
    const device = devfns.get(site)?.device;
    if (site.bus.kind === 'link' && device !== undefined && device !== 0) {
      const message = `only device 0 exists below ${site.bus.ownerType} "${site.bus.ownerId}" (a link has one device); Linux scans only device 0 there, so device ${device} is never found`;
      out.push(finding('link-device-not-zero', childPath(site.path, 'addr'), message));
    }
  }
  // The site holding each devfn of the bus being looked at, emptied again after each bus: one list for every bus.
  const holders: (PciSite | undefined)[] = new Array<PciSite | undefined>(256).fill(undefined);
  for (const bus of ix.buses) {
    duplicateDevfns(bus, devfns, holders, out);
    appendAll(out, missingFunctionZero(bus, devfns));
  }
  return out;
}

/** Why a node cannot sit where it does, if it cannot (one node in a valid tree after another: no list each). */
function placement(site: PciSite): Diagnostic | undefined {
  if (site.bus.kind === 'none') return undefined;
  const { type } = site.node;
  // The path and the bus in words only for a misplaced node: two strings per node of every valid tree otherwise.
  const at = () => childPath(site.path, 'type');
  if (site.bus.kind === 'conventional' && PCIE_ONLY.has(type)) {
    return finding('pcie-on-conventional-bus', at(), `${type} is PCIe-only but sits ${busText(site.bus)}`);
  }
  const rule = PLACEMENT[type];
  if (rule.on.includes(site.bus.kind)) return undefined;
  const where = busText(site.bus);
  const hint = type === 'pcie-endpoint' && site.bus.kind === 'pcie-root' ? ' (an endpoint on a root bus is type rciep)' : '';
  return finding('bad-parent', at(), `${type} cannot sit ${where}: ${rule.rule}${hint}`);
}

function busText(bus: PciBus): string {
  const owner = `${bus.ownerType ?? 'host bridge'} "${bus.ownerId}"`;
  switch (bus.kind) {
    case 'pcie-root':
      return `on the PCIe root bus of ${owner}`;
    case 'link':
      return `below ${owner}, on a PCIe link`;
    case 'switch':
      return `on the internal bus of switch port ${owner}, which holds only downstream ports`;
    default:
      return bus.ownerType
        ? `on the conventional PCI bus below ${owner}`
        : `on the root bus of conventional (kind: pci) ${owner}`;
  }
}

function functionFlags(site: PciSite, out: Diagnostic[]): void {
  const { node } = site;
  const endpoint = ENDPOINT_TYPES.has(node.type);
  if (endpoint && (node.children?.length ?? 0) > 0) {
    const message = `${node.type} "${node.id}" is an endpoint: it has no secondary bus, so no children`;
    out.push(finding('children-on-endpoint', childPath(site.path, 'children'), message));
  }
  if (endpoint && node.reserveBuses !== undefined) {
    const message = `${node.type} "${node.id}" has no secondary bus to reserve bus numbers after; reserveBuses belongs on a bridge or port`;
    out.push(finding('reservation-on-endpoint', childPath(site.path, 'reserveBuses'), message));
  }
  for (const key of ['secondaryBus', 'subordinateBus'] as const) {
    if (endpoint && node[key] !== undefined) {
      const message = `${node.type} "${node.id}" has no secondary bus; ${key} belongs on a bridge or port`;
      out.push(finding('flag-not-applicable', childPath(site.path, key), message));
    }
  }
  if (node.subordinateBus !== undefined && (node.secondaryBus === undefined || node.subordinateBus < node.secondaryBus)) {
    const message = node.secondaryBus === undefined
      ? `"${node.id}" states subordinateBus without secondaryBus; state both, as the bridge's header holds them`
      : `"${node.id}" states subordinate bus ${node.subordinateBus} below its secondary bus ${node.secondaryBus}`;
    out.push(finding('flag-not-applicable', childPath(site.path, 'subordinateBus'), message));
  }
  if (node.aliasAsPcieBridge && node.type !== 'pci-bridge') {
    const message = `aliasAsPcieBridge is a quirk of conventional bridges (type pci-bridge); "${node.id}" is a ${node.type}`;
    out.push(finding('flag-not-applicable', childPath(site.path, 'aliasAsPcieBridge'), message));
  }
  if (node.translateRoot && endpoint) {
    const message = `translateRoot marks the bridge where aliasing stops; ${node.type} "${node.id}" is not a bridge`;
    out.push(finding('flag-not-applicable', childPath(site.path, 'translateRoot'), message));
  }
}

function dmaAliases(site: PciSite, own: DevfnParts | undefined): Diagnostic[] {
  return (site.node.dmaAliases ?? []).flatMap((alias, i) => {
    const at = childPath(childPath(site.path, 'dmaAliases'), i);
    const parts = looseDevfn(alias);
    const problem = parts ? devfnRangeProblem(parts) : 'unreadable devfn';
    if (problem) return [finding('bad-alias', at, problem)];
    if (own && devfn(parts!.device, parts!.fn) === devfn(own.device, own.fn)) {
      return [finding('bad-alias', at, `${formatDevfn(devfn(own.device, own.fn))} is the function's own devfn, not an alias`)];
    }
    return [];
  });
}

function duplicateDevfns(bus: PciBus, devfns: Map<PciSite, DevfnParts>, holders: (PciSite | undefined)[], out: Diagnostic[]): void {
  for (const site of bus.sites) {
    const parts = devfns.get(site);
    if (!parts) continue;
    const df = devfn(parts.device, parts.fn);
    const first = holders[df];
    if (first) {
      const message = `devfn ${formatDevfn(df)} is already taken by "${first.node.id}" (${first.path}) on this bus`;
      out.push(finding('duplicate-devfn', childPath(site.path, 'addr'), message));
    } else {
      holders[df] = site;
    }
  }
  for (const site of bus.sites) {
    const parts = devfns.get(site);
    if (parts) holders[devfn(parts.device, parts.fn)] = undefined;
  }
}

/** Linux probes function 0 of a slot first and skips the whole slot when it is absent. */
function missingFunctionZero(bus: PciBus, devfns: Map<PciSite, DevfnParts>): Diagnostic[] {
  // Slots seen and slots with a function 0, one bit per device: the slots are listed only when one lacks it.
  let seen = 0;
  let withZero = 0;
  for (const site of bus.sites) {
    const parts = devfns.get(site);
    if (!parts) continue;
    seen |= 1 << parts.device;
    if (parts.fn === 0) withZero |= 1 << parts.device;
  }
  if (seen === withZero) return [];
  const slots = groupBy(
    bus.sites.filter((s) => devfns.has(s)),
    (s) => devfns.get(s)!.device,
  );
  return [...slots.entries()].flatMap(([device, sites]) => {
    const fns = sites.map((s) => devfns.get(s)!.fn);
    if (fns.includes(0)) return [];
    const hex = device.toString(16).padStart(2, '0');
    const message = `device ${hex} has function(s) ${fns.join(', ')} but no function 0; Linux probes function 0 first and skips the slot without it`;
    return [finding('missing-function-0', childPath(sites[0]!.path, 'addr'), message)];
  });
}
