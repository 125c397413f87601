/**
 * The EFR image of 11h/40h IVHDs against IVinfo's EFRSup (bit 0). Linux
 * (early_iommu_features_init) takes an IOMMU's features from the image only
 * when EFRSup is set; with it clear the image is ignored for the features
 * and the EFR register is read over PCI later, while init_iommu_one still
 * takes GA and x2APIC support (GASup, XTSup) and the MMIO size from the
 * image. An image beside a clear EFRSup is one of the two wrong.
 *
 * With EFRSup set, get_global_efr compares the IOMMUs' images: where one
 * differs from the first IOMMU's, Linux reports a firmware bug ("Found
 * inconsistent EFR/EFR2") and uses only the features every image has (the
 * images ANDed), for every IOMMU.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { IvrsCode } from './codes.js';
import type { IvrsIommu } from './resolve.js';

/** IVinfo bit 0: the IVHDs' EFR images are valid. */
const EFR_SUP = 1;

export function efrFindings(ivInfo: number | undefined, iommus: readonly IvrsIommu[]): Diagnostic[] {
  if (ivInfo === undefined) return [];
  return (ivInfo & EFR_SUP) !== 0 ? inconsistent(iommus) : ignored(iommus);
}

function ignored(iommus: readonly IvrsIommu[]): Diagnostic[] {
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

const hex64 = (v: bigint) => `0x${v.toString(16)}`;

function inconsistent(iommus: readonly IvrsIommu[]): Diagnostic[] {
  const images = iommus.flatMap((i) => ('efrImage' in i.block ? [{ iommu: i, efr: i.block.efrImage, efr2: i.block.efrImage2 }] : []));
  const first = images[0];
  if (!first) return [];
  const differ = images.filter((x) => x.efr !== first.efr || x.efr2 !== first.efr2);
  if (!differ.length) return [];
  const efr = images.reduce((a, x) => a & x.efr, first.efr);
  const efr2 = images.reduce((a, x) => a & x.efr2, first.efr2);
  return differ.map(({ iommu, efr: e, efr2: e2 }) => ({
    severity: 'warning',
    code: IvrsCode.efrInconsistent,
    path: iommu.node.path,
    offset: iommu.node.offset,
    message:
      `${iommu.identity}'s EFR image (${hex64(e)}, EFR2 ${hex64(e2)}) differs from ${first.iommu.identity}'s ` +
      `(${hex64(first.efr)}, EFR2 ${hex64(first.efr2)}): Linux reports a firmware bug and uses only the features all images have ` +
      `(${hex64(efr)}, EFR2 ${hex64(efr2)}) for every IOMMU`,
  }));
}
