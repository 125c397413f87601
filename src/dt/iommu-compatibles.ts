/**
 * Compatible strings of the IOMMU and MSI bindings ridmap writes and
 * recognises, in one place so that building a DT and reading one agree.
 */
import type { SmmuV2 } from '../model/topology-schema.js';

export const SMMUV3_COMPATIBLE = 'arm,smmu-v3';
export const VIRTIO_MMIO_COMPATIBLE = 'virtio,mmio';
export const VIRTIO_PCI_IOMMU_COMPATIBLE = 'virtio,pci-iommu';
/** The virtio-iommu's PCI vendor and device ID, as QEMU lists it after the binding name. */
export const VIRTIO_IOMMU_PCI_ID = 'pci1af4,1057';
export const GICV3_COMPATIBLE = 'arm,gic-v3';
export const GICV3_ITS_COMPATIBLE = 'arm,gic-v3-its';
export const PCI_HOST_ECAM_COMPATIBLE = 'pci-host-ecam-generic';

type SmmuV2Model = NonNullable<SmmuV2['model']>;

/** Linux's arm-smmu binding (arm,smmu.yaml) names per IORT SMMUv1/v2 model. */
export const SMMUV2_COMPATIBLE_BY_MODEL: Record<SmmuV2Model, string> = {
  'generic-v1': 'arm,smmu-v1',
  'generic-v2': 'arm,smmu-v2',
  'mmu-400': 'arm,mmu-400',
  'mmu-401': 'arm,mmu-401',
  'mmu-500': 'arm,mmu-500',
  'cavium-thunderx': 'cavium,smmu-v2',
};
export const DEFAULT_SMMUV2_COMPATIBLE = SMMUV2_COMPATIBLE_BY_MODEL['generic-v2'];

/** Any of these in a node's compatible list makes it an SMMUv1/v2 (SoC-specific names list one as fallback). */
export const SMMUV2_COMPATIBLES: ReadonlySet<string> = new Set([
  ...Object.values(SMMUV2_COMPATIBLE_BY_MODEL),
  'nvidia,smmu-500',
  'qcom,smmu-v2',
  'qcom,smmu-500',
]);
