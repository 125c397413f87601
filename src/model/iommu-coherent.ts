/**
 * Whether an IOMMU's own memory accesses (page-table walks above all) are
 * cache coherent: one fact with two spellings in a topology, the generic
 * `capabilities.coherent` of every unit and the SMMU's own key (SMMUv3
 * `coherent`, IORT's COHACC override; SMMUv1/v2 `coherentWalk`, IORT's
 * Coherent Walk flag). Every reader asks here, so that a unit said to be
 * coherent in either key is coherent in every table and check; validation
 * refuses the two keys disagreeing (validate/iommu-coherent.ts).
 */
import type { Iommu } from './topology-schema.js';

/** The SMMU's own key for the fact, where the unit type has one. */
export function ownCoherentKey(iommu: Iommu): { key: string; value: boolean | undefined } | undefined {
  if (iommu.type === 'smmuv3') return { key: 'coherent', value: iommu.coherent };
  if (iommu.type === 'smmuv2') return { key: 'coherentWalk', value: iommu.coherentWalk };
  return undefined;
}

/** Whichever key is set (validation makes them agree when both are); undefined when neither says. */
export function iommuCoherent(iommu: Iommu): boolean | undefined {
  return iommu.capabilities?.coherent ?? ownCoherentKey(iommu)?.value;
}
