/**
 * The EFR image of 11h/40h IVHDs against IVinfo's EFRSup (bit 0). Linux
 * (early_iommu_features_init) takes an IOMMU's features from the image only
 * when EFRSup is set; with it clear the image is ignored for the features
 * and the EFR register is read over PCI later, while init_iommu_one still
 * takes GA and x2APIC support (GASup, XTSup) and the MMIO size from the
 * image. An image beside a clear EFRSup is one of the two wrong.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { IvrsCode } from './codes.js';
import type { IvrsIommu } from './resolve.js';

/** IVinfo bit 0: the IVHDs' EFR images are valid. */
const EFR_SUP = 1;

export function efrFindings(ivInfo: number | undefined, iommus: readonly IvrsIommu[]): Diagnostic[] {
  if (ivInfo === undefined || (ivInfo & EFR_SUP) !== 0) return [];
  const out: Diagnostic[] = [];
  for (const iommu of iommus) {
    const b = iommu.block;
    if (!('efrImage' in b) || (b.efrImage === 0n && b.efrImage2 === 0n)) continue;
    out.push({
      severity: 'warning',
      code: IvrsCode.efrWithoutEfrSup,
      path: iommu.node.path,
      offset: iommu.node.offset,
      message:
        `IVinfo's EFRSup (bit 0) is clear, yet ${iommu.identity}'s IVHD carries an EFR image (0x${b.efrImage.toString(16)}): ` +
        'Linux ignores the image for the IOMMU\'s features but still takes GA and x2APIC support (GASup, XTSup) from it',
    });
  }
  return out;
}
