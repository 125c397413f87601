/**
 * Which IVHD blocks Linux reads, as drivers/iommu/amd/init.c chooses them
 * (the same in the 6.1, 6.12 and 7.3 series):
 * - get_highest_supported_ivhd_type: the type of the first block, replaced
 *   by the type of every later block with the first block's Device ID,
 *   walking blocks while their type is at most 40h. A machine describes
 *   each IOMMU by a 10h, an 11h and a 40h in that order, so Linux uses the
 *   40h; any IOMMU without a block of that type is never set up. The walk
 *   compares Device IDs only, not block kinds, so an IVMD with the first
 *   IVHD's Device ID counts too, and a first block of a type above 40h is
 *   itself the answer: no IVHD has that type, and Linux's IOMMU init fails.
 * - init_iommu_all: every block of that type, in table order, is one IOMMU.
 * - find_last_devid_acpi: per PCI segment, the highest Device ID that an
 *   IVHD of that type names in a Select, End of Range, Alias Select or
 *   Extended Select entry (FFFFh with a Select All entry): the size of the
 *   segment's device, alias and IOMMU lookup tables. Devices above it have
 *   no IOMMU (check_device).
 */
import type { StructureNode } from '../../codec/index.js';
import type { IvrsBlock, IvrsDeviceEntry } from './model.js';
import { IvrsBlockType } from './spec.js';

/** The highest IVHD type Linux supports (ACPI_IVHD_TYPE_MAX_SUPPORTED). */
const MAX_SUPPORTED_TYPE = 0x40;

const TYPE_NUMBERS: Readonly<Record<string, number>> = {
  IVHD10: IvrsBlockType.IVHD_10,
  IVHD11: IvrsBlockType.IVHD_11,
  IVHD40: IvrsBlockType.IVHD_40,
  IVMD20: IvrsBlockType.IVMD_ALL,
  IVMD21: IvrsBlockType.IVMD_SELECT,
  IVMD22: IvrsBlockType.IVMD_RANGE,
};

/** The block's Type byte. */
export function blockTypeNumber(b: IvrsBlock): number {
  return typeof b.type === 'number' ? b.type : TYPE_NUMBERS[b.type]!;
}

/** The 16 bits at offset 4 of a block, which Linux reads as an IVHD's Device ID whatever the block is. */
function blockDeviceId(b: IvrsBlock): number | undefined {
  if ('deviceId' in b) return b.deviceId;
  return b.raw.length >= 2 ? b.raw[0]! | (b.raw[1]! << 8) : undefined;
}

/** An IVHD (10h, 11h or 40h) block of the table, with its place. */
export interface IvhdNode {
  node: StructureNode;
  block: Extract<IvrsBlock, { entries: IvrsDeviceEntry[] }>;
  type: number;
}

export function isIvhd(b: IvrsBlock): b is IvhdNode['block'] {
  return 'entries' in b && Array.isArray(b.entries);
}

/** get_highest_supported_ivhd_type over the decoded blocks (undefined: the table has none). */
export function linuxIvhdType(blocks: readonly IvrsBlock[]): number | undefined {
  const first = blocks[0];
  if (!first) return undefined;
  const devid = blockDeviceId(first);
  let type = blockTypeNumber(first);
  for (const b of blocks) {
    const t = blockTypeNumber(b);
    if (t > MAX_SUPPORTED_TYPE) break;
    if (blockDeviceId(b) === devid) type = t;
  }
  return type;
}

/** find_last_devid_from_ivhd: the highest Device ID the IVHD's entries name (undefined: none). */
function lastDeviceId(block: IvhdNode['block']): number | undefined {
  let last: number | undefined;
  for (const e of block.entries) {
    switch (e.type) {
      case 'All':
        return 0xffff;
      case 'Select':
      case 'RangeEnd':
      case 'AliasSelect':
      case 'ExtSelect':
        last = Math.max(last ?? 0, e.deviceId);
        break;
      default:
        break;
    }
  }
  return last;
}

/** find_last_devid_acpi for every segment that the chosen IVHDs name: segment → last_bdf. */
export function lastBdfs(ivhds: readonly IvhdNode[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const { block } of ivhds) {
    const last = lastDeviceId(block) ?? 0;
    out.set(block.pciSegment, Math.max(out.get(block.pciSegment) ?? 0, last));
  }
  return out;
}
