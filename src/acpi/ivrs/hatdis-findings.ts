/**
 * Host address translation disabled. Kernels since the 2025 HATDis support
 * (after the 6.12 series; the 7.3 profile's) stop using host (v1) page
 * tables when an 11h/40h IVHD's Attributes has HATDis (bit 0) or its EFR
 * image's HATS (bits 11:10) is 3; they then translate DMA with guest (v2)
 * page tables if every image offers GT (bit 4) and GIOSup (bit 48), and
 * otherwise translate no DMA at all (PD_MODE_NONE: the IOMMUs are not
 * registered for DMA, only interrupt remapping stays). Older series ignore
 * both. The map gives the older answer; this finding says when newer
 * kernels differ.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { IvrsCode } from './codes.js';
import type { IvrsIommu } from './resolve.js';

const HATDIS = 1;
const HATS_SHIFT = 10n;
const GT = 1n << 4n;
const GIO_SUP = 1n << 48n;

export function hatdisFindings(iommus: readonly IvrsIommu[]): Diagnostic[] {
  const images = iommus.flatMap((i) => ('efrImage' in i.block ? [{ iommu: i, block: i.block }] : []));
  const disabling = images.filter(({ block }) => (block.attributes & HATDIS) !== 0 || ((block.efrImage >> HATS_SHIFT) & 3n) === 3n);
  if (!disabling.length) return [];
  const v2 = images.every(({ block }) => (block.efrImage & GT) !== 0n && (block.efrImage & GIO_SUP) !== 0n);
  return disabling.map(({ iommu, block }) => ({
    severity: 'warning',
    code: IvrsCode.hostTranslationDisabled,
    path: iommu.node.path,
    offset: iommu.node.offset,
    message:
      `${iommu.identity}'s IVHD ${(block.attributes & HATDIS) !== 0 ? 'sets HATDis (Attributes bit 0)' : 'has EFR HATS 3 (no valid host level)'}: ` +
      'kernels that read it (after the 6.12 series) use no host page tables, and ' +
      (v2
        ? 'translate DMA with guest (v2) page tables instead (the EFR images offer GT and GIOSup)'
        : 'as the EFR images do not offer guest translation (GT and GIOSup), translate no DMA at all; the map shows what older kernels do'),
  }));
}
