/**
 * What makes two IORT nodes "the same one" in two tables, for the diff: as
 * the map names them, an SMMU by its base address (`smmuv3@0x9050000`), a
 * root complex by its PCI segment, a PMCG or an IWB by its base, other nodes
 * by their Identifier (which old tables leave 0: such nodes then match by
 * position among their kind). An ID mapping is the whole fact it states
 * (these input IDs go to that node from that output base), so a mapping that
 * now goes elsewhere reads as one removed and one added, as the map says it.
 */
import { formatAddress } from '../../model/address.js';
import type { StructureIdentity } from '../registry.js';
import type { IortNode } from './model.js';
import { iortIommuIdentity } from './resolve.js';

const address = (v: unknown) => formatAddress(v as bigint);
/** IDs (u32) in the identities' hex form. */
const id = (v: unknown) => formatAddress(BigInt(Number(v)));

/** `IDs 0x0-0x7ffe → SMMUv3 smmuv3@0x9050000 [0x0]`: Number of IDs is the count minus one. */
const idMapping: StructureIdentity = (m, ref) =>
  `IDs ${id(m['inputBase'])}-${id(Number(m['inputBase']) + Number(m['numberOfIds']))} → ${ref('outputReference')} [${id(m['outputBase'])}]`;

/** By the declarations' typeNames. */
export const IORT_IDENTITIES: Readonly<Record<string, StructureIdentity>> = {
  IortSmmuV3: (m) => `SMMUv3 ${iortIommuIdentity(m as IortNode)!}`,
  IortSmmu: (m) => `SMMUv1/v2 ${iortIommuIdentity(m as IortNode)!}`,
  IortRootComplex: (m) => `root complex segment ${String(m['pciSegmentNumber'])}`,
  IortPmcg: (m) => `PMCG ${address(m['page0BaseAddress'])}`,
  IortIwb: (m) => `IWB ${address(m['configFrameBase'])}`,
  IortItsGroup: (m) => `ITS group ${String(m['identifier'])}`,
  IortNamedComponent: (m) => `named component ${String(m['identifier'])}`,
  IortRmr: (m) => `RMR ${String(m['identifier'])}`,
  IortIdMapping: idMapping,
};
