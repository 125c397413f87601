/**
 * What makes two structures "the same one" in two tables, so that the diff
 * matches them whatever their order and offsets: one row per structure kind
 * (keyed by the declaration's typeName), in this one place. The key is also
 * the structure's name in diff output, so it reads like what a firmware
 * engineer calls it: `DRHD vtd@0xfed90000`, `RMRR 0x7b800000-0x7b81ffff`,
 * `sub-hierarchy 00:1c.0 and below`.
 *
 * Fields that are part of the key cannot show as changed: a DRHD that moves
 * to another base address is another unit (removed + added). Kinds without a
 * row are matched by position among their kind.
 *
 * IORT nodes are keyed as the map names them: an SMMU by its base address
 * (`smmuv3@0x9050000`), a root complex by its PCI segment, a PMCG or an IWB
 * by its base, other nodes by their Identifier (which old tables leave 0:
 * such nodes then match by position among their kind).
 */
import type { Model } from '../codec/index.js';
import type { DmarDeviceScope, DmarDrhd } from '../acpi/dmar/model.js';
import { formatScopePath } from '../acpi/dmar/pci-scope.js';
import { vtdIdentity } from '../acpi/dmar/resolve.js';
import { DmarScopeType } from '../acpi/dmar/spec.js';
import type { IortNode } from '../acpi/iort/model.js';
import { iortIommuIdentity } from '../acpi/iort/resolve.js';
import { formatAddress } from '../model/address.js';
import { formatSbdf } from '../model/rid.js';

type Identity = (m: Model) => string;

const segment = (m: Model) => (m['segmentNumber'] ? ` (segment ${String(m['segmentNumber'])})` : '');
const address = (v: unknown) => formatAddress(v as bigint);

function scopeName(m: Model): string {
  const s = m as unknown as DmarDeviceScope;
  switch (s.type) {
    case DmarScopeType.PCI_ENDPOINT:
      return `endpoint ${formatScopePath(s)}`;
    case DmarScopeType.PCI_SUB_HIERARCHY:
      return `sub-hierarchy ${formatScopePath(s)} and below`;
    case DmarScopeType.IOAPIC:
      return `I/O APIC ${s.enumerationId}`;
    case DmarScopeType.MSI_CAPABLE_HPET:
      return `HPET ${s.enumerationId}`;
    case DmarScopeType.ACPI_NAMESPACE_DEVICE:
      return `namespace device ${s.enumerationId}`;
    default:
      return `scope type ${s.type} ${formatScopePath(s)}`;
  }
}

const IDENTITIES: Readonly<Record<string, Identity>> = {
  DmarDrhd: (m) => `DRHD ${vtdIdentity(m as unknown as DmarDrhd)}${segment(m)}`,
  DmarRmrr: (m) => `RMRR ${address(m['baseAddress'])}-${address(m['limitAddress'])}${segment(m)}`,
  DmarAtsr: (m) => `ATSR segment ${String(m['segmentNumber'])}`,
  DmarRhsa: (m) => `RHSA ${address(m['registerBaseAddress'])}`,
  DmarAndd: (m) => `ANDD ${String(m['acpiDeviceNumber'])}`,
  DmarSatc: (m) => `SATC segment ${String(m['segmentNumber'])}`,
  DmarSidp: (m) => `SIDP segment ${String(m['segmentNumber'])}`,
  DmarDeviceScope: scopeName,
  // VIOT nodes (reference/formats.md §3): ranges by their first RID, endpoints and IOMMUs by where they are.
  ViotPciRange: (m) => `PCI range ${formatSbdf(Number(m['segmentStart']), Number(m['bdfStart']))}`,
  ViotMmioEndpoint: (m) => `MMIO endpoint ${address(m['baseAddress'])}`,
  ViotVirtioIommuPci: (m) => `virtio-iommu-pci ${formatSbdf(Number(m['segment']), Number(m['bdf']))}`,
  ViotVirtioIommuMmio: (m) => `virtio-iommu-mmio ${address(m['baseAddress'])}`,
  IortSmmuV3: (m) => `SMMUv3 ${iortIommuIdentity(m as IortNode)!}`,
  IortSmmu: (m) => `SMMUv1/v2 ${iortIommuIdentity(m as IortNode)!}`,
  IortRootComplex: (m) => `root complex segment ${String(m['pciSegmentNumber'])}`,
  IortPmcg: (m) => `PMCG ${address(m['page0BaseAddress'])}`,
  IortIwb: (m) => `IWB ${address(m['configFrameBase'])}`,
  IortItsGroup: (m) => `ITS group ${String(m['identifier'])}`,
  IortNamedComponent: (m) => `named component ${String(m['identifier'])}`,
  IortRmr: (m) => `RMR ${String(m['identifier'])}`,
};

/** The identity of a structure, or undefined when its kind has none (match by position). */
export function identityOf(typeName: string, m: Model): string | undefined {
  return IDENTITIES[typeName]?.(m);
}
