/**
 * The identity (DESIGN.md) of the node an iommu-map or iommus entry points
 * at, so that a DT names an IOMMU exactly as the topology and the ACPI tables
 * do: `smmuv3@0x<base>` for arm,smmu-v3, `smmuv2@0x<base>` for the SMMUv1/v2
 * family, `virtio-iommu-mmio@0x<base>` for a virtio,mmio transport acting as
 * an IOMMU, `virtio-iommu-pci@ssss:bb:dd.f` for a virtio,pci-iommu child of
 * a PCI host (BDF from its reg, segment from the host's linux,pci-domain,
 * through `segmentOf` when the caller knows the topology's segments).
 * Anything else is named by its first compatible string at its base, or by
 * its path when it has no address.
 */
import { formatAddress } from '../model/address.js';
import { formatSbdf } from '../model/rid.js';
import { stringList, u32Cells } from './cells.js';
import { cpuAddress, isPciBus } from './dt-address.js';
import { SMMUV2_COMPATIBLES, SMMUV3_COMPATIBLE, VIRTIO_MMIO_COMPATIBLE, VIRTIO_PCI_IOMMU_COMPATIBLE } from './iommu-compatibles.js';
import { propertyBytes, type DtLayout } from './layout.js';
import { pciRid, pciSegment } from './pci-hosts.js';
import type { DtNode } from './tree.js';

export function providerIdentity(layout: DtLayout, node: DtNode, segmentOf: (domain: number) => number = (d) => d): string {
  const compatible = stringList(propertyBytes(layout, node, 'compatible'));
  if (compatible.includes(VIRTIO_PCI_IOMMU_COMPATIBLE)) {
    const host = pciHostOf(layout, node);
    const physHi = u32Cells(propertyBytes(layout, node, 'reg') ?? new Uint8Array())?.[0];
    if (host && physHi !== undefined) return `virtio-iommu-pci@${formatSbdf(segmentOf(pciSegment(layout, host)), pciRid(physHi))}`;
  }
  const base = cpuAddress(layout, node);
  if (base === undefined) return layout.pathOf.get(node)!;
  const at = formatAddress(base);
  if (compatible.includes(SMMUV3_COMPATIBLE)) return `smmuv3@${at}`;
  if (compatible.some((c) => SMMUV2_COMPATIBLES.has(c))) return `smmuv2@${at}`;
  if (compatible.includes(VIRTIO_MMIO_COMPATIBLE)) return `virtio-iommu-mmio@${at}`;
  return `${compatible[0] ?? node.name}@${at}`;
}

/** The PCI host bridge node above a PCI device node: the topmost PCI bus on its way up. */
function pciHostOf(layout: DtLayout, node: DtNode): DtNode | undefined {
  let host: DtNode | undefined;
  for (let n = layout.parentOf.get(node); n; n = layout.parentOf.get(n)) if (isPciBus(layout, n)) host = n;
  return host;
}
