/**
 * What makes two RIMT nodes "the same one" in two tables, for the diff: an
 * IOMMU by its base address (`riscv-iommu@0x3010000`, as the map names it)
 * or, for a PCIe IOMMU, by its function; a root complex by its PCIe segment
 * (Linux finds it that way); a platform device by its ACPI path.
 */
import type { Model } from '../../codec/index.js';
import { formatAddress } from '../../model/address.js';
import { formatSbdf } from '../../model/rid.js';
import type { RimtIommu } from './model.js';
import { IOMMU_FLAG_BITS } from './spec.js';

const PCIE = 1 << IOMMU_FLAG_BITS[0]!.bit;

/**
 * The name the IOMMU has in every map (DESIGN.md): `riscv-iommu@<base>`, or
 * for a node flagged PCIe IOMMU the function it is, `riscv-iommu-pci@<seg:bus:dev.fn>`.
 */
export function rimtIommuIdentity(n: Pick<RimtIommu, 'flags' | 'baseAddress' | 'pcieSegment' | 'pcieBdf'>): string {
  return n.flags & PCIE ? `riscv-iommu-pci@${formatSbdf(n.pcieSegment, n.pcieBdf)}` : `riscv-iommu@${formatAddress(n.baseAddress)}`;
}

/** By the declarations' typeNames. */
export const RIMT_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  RimtIommu: (m) => `IOMMU ${rimtIommuIdentity(m as RimtIommu)}`,
  RimtPcieRootComplex: (m) => `PCIe root complex segment ${String(m['pcieSegment'])}`,
  RimtPlatformDevice: (m) => `platform device ${String(m['deviceName'])}`,
};
