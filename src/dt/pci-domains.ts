/**
 * The `linux,pci-domain` of each PCI host node ridmap writes, and the way
 * back from a domain to the topology's segment.
 *
 * Under a Device Tree, Linux's PCI domain is what ACPI calls the segment: it
 * names the devices (`0001:10:00.0`) and it must be unique per host node,
 * since of_pci_bus_find_domain_nr refuses a domain already taken (-ENOSPC,
 * "Scanning root bridge failed", the host's devices vanish). A topology, like
 * ACPI, may put several host bridges in one segment (pxb expanders), so the
 * domain cannot simply be the segment. Rule: the first host bridge of each
 * segment, in topology order, takes the segment number (a board with one
 * host per segment reads as before); every further one takes the next number
 * above all segments, in topology order. Reading the tree back with its
 * topology applies the same rule in reverse; without one, the domain is the
 * segment, as Linux names it.
 */
import type { ResolvedHostBridge, ResolvedTopology } from '../model/resolved.js';

/** Host bridge id → linux,pci-domain. */
export function pciDomains(hostBridges: readonly ResolvedHostBridge[]): Map<string, number> {
  const domains = new Map<string, number>();
  const segmentsTaken = new Set<number>();
  let next = hostBridges.reduce((top, hb) => Math.max(top, hb.segment + 1), 0);
  for (const hb of hostBridges) {
    if (segmentsTaken.has(hb.segment)) domains.set(hb.id, next++);
    else {
      segmentsTaken.add(hb.segment);
      domains.set(hb.id, hb.segment);
    }
  }
  return domains;
}

/** linux,pci-domain → the topology's segment, for the host nodes ridmap writes for `resolved`. */
export function segmentsByDomain(resolved: ResolvedTopology): Map<number, number> {
  const domains = pciDomains(resolved.hostBridges);
  return new Map(resolved.hostBridges.map((hb) => [domains.get(hb.id)!, hb.segment]));
}
