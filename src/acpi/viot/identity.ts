/**
 * What makes two VIOT nodes "the same one" in two tables (reference/formats.md
 * §3), for the diff: a range by its first RID, endpoints and IOMMUs by where
 * they are.
 */
import type { Model } from '../../codec/index.js';
import { formatAddress } from '../../model/address.js';
import { formatSbdf } from '../../model/rid.js';

const address = (v: unknown) => formatAddress(v as bigint);

/** By the declarations' typeNames. */
export const VIOT_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  ViotPciRange: (m) => `PCI range ${formatSbdf(Number(m['segmentStart']), Number(m['bdfStart']))}`,
  ViotMmioEndpoint: (m) => `MMIO endpoint ${address(m['baseAddress'])}`,
  ViotVirtioIommuPci: (m) => `virtio-iommu-pci ${formatSbdf(Number(m['segment']), Number(m['bdf']))}`,
  ViotVirtioIommuMmio: (m) => `virtio-iommu-mmio ${address(m['baseAddress'])}`,
};
