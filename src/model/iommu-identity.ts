/**
 * IOMMU identity strings (DESIGN.md): the name an IOMMU has in every map, so
 * that the same unit compares equal whichever format described it. MMIO
 * units are named by register base, virtio-iommu-pci and riscv-iommu-pci by the PCI function it
 * is (with that function's numbered BDF, so the name follows the numbering
 * just as VIOT's PCI node does).
 */
import { formatAddress, parseAddress } from './address.js';
import type { PciFunction, ResolvedIommu } from './resolved.js';
import { formatSbdf } from './rid.js';
import type { Iommu, Topology } from './topology-schema.js';

/** Where a PCI-based IOMMU sits: the function it is. */
export type FunctionLookup = (id: string) => Pick<PciFunction, 'segment' | 'rid'> | undefined;

/** The id of the PCI function an IOMMU is (virtio-iommu-pci, riscv-iommu-pci, an AMD-Vi unit's own function): never translated by itself. */
export function iommuPciFunction(iommu: Iommu): string | undefined {
  return iommu.type === 'virtio-iommu-pci' || iommu.type === 'riscv-iommu-pci' || iommu.type === 'amd-vi' ? iommu.device : undefined;
}

export function iommuIdentity(iommu: Iommu, lookup: FunctionLookup): string {
  if (iommu.type === 'virtio-iommu-pci' || iommu.type === 'riscv-iommu-pci') {
    const f = lookup(iommu.device);
    // The validator checks the reference; a miss here is a bug.
    if (!f) throw new Error(`${iommu.type} ${iommu.id}: no PCI function ${iommu.device}`);
    return `${iommu.type}@${formatSbdf(f.segment, f.rid)}`;
  }
  return `${iommu.type}@${formatAddress(parseAddress(iommu.base))}`;
}

/** PCI segment an IOMMU belongs to: VT-d and AMD-Vi units say it; a PCI IOMMU is in its function's; else 0. */
function iommuSegment(iommu: Iommu, lookup: FunctionLookup): number {
  if (iommu.type === 'vtd' || iommu.type === 'amd-vi') return iommu.segment ?? 0;
  const device = iommuPciFunction(iommu);
  if (device !== undefined) return lookup(device)?.segment ?? 0;
  return 0;
}

export function resolveIommus(topology: Topology, lookup: FunctionLookup): ResolvedIommu[] {
  return (topology.iommus ?? []).map((node) => ({
    id: node.id,
    node,
    identity: iommuIdentity(node, lookup),
    segment: iommuSegment(node, lookup),
  }));
}

/**
 * An ITS's name in the MSI side of a map: `its@0x<base>` where its register
 * base is known (a topology, a Device Tree's ITS node), else
 * `its#<translation ID>` (an IORT ITS group names its ITSes only by the GIC
 * ITS Translation ID the MADT gives them).
 */
export function itsIdentity(its: { base?: bigint; translationId?: number }): string {
  if (its.base !== undefined) return `its@${formatAddress(its.base)}`;
  return `its#${its.translationId ?? 0}`;
}
