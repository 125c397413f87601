/**
 * What makes two IVRS blocks "the same one" in two tables, for the diff: an
 * IVHD by its IOMMU's base address and PCI segment (a machine describes one
 * IOMMU by a 10h, an 11h and a 40h: each type is its own kind, so each pairs
 * with its own kind), an IVMD by the memory range it names.
 */
import type { Model } from '../../codec/index.js';
import { formatAddress } from '../../model/address.js';

const address = (v: unknown) => formatAddress(v as bigint);
const ivhd = (m: Model) => `IVHD ${address(m['baseAddress'])} segment ${String(m['pciSegment'])}`;
const ivmd = (m: Model) => {
  const start = m['startAddress'] as bigint;
  const length = m['memoryLength'] as bigint;
  return `IVMD ${address(start)}-${address(length > 0n ? start + length - 1n : start)}`;
};

/** By the declarations' typeNames. */
export const IVRS_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  IvrsIvhd10: ivhd,
  IvrsIvhd11: ivhd,
  IvrsIvhd40: ivhd,
  IvrsIvmdAll: ivmd,
  IvrsIvmdSelect: ivmd,
  IvrsIvmdRange: ivmd,
};
