/**
 * What makes two IORT nodes "the same one" in two tables, for the diff: as
 * the map names them, an SMMU by its base address (`smmuv3@0x9050000`), a
 * root complex by its PCI segment, a PMCG or an IWB by its base, other nodes
 * by their Identifier (which old tables leave 0: such nodes then match by
 * position among their kind).
 */
import type { Model } from '../../codec/index.js';
import { formatAddress } from '../../model/address.js';
import type { IortNode } from './model.js';
import { iortIommuIdentity } from './resolve.js';

const address = (v: unknown) => formatAddress(v as bigint);

/** By the declarations' typeNames. */
export const IORT_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  IortSmmuV3: (m) => `SMMUv3 ${iortIommuIdentity(m as IortNode)!}`,
  IortSmmu: (m) => `SMMUv1/v2 ${iortIommuIdentity(m as IortNode)!}`,
  IortRootComplex: (m) => `root complex segment ${String(m['pciSegmentNumber'])}`,
  IortPmcg: (m) => `PMCG ${address(m['page0BaseAddress'])}`,
  IortIwb: (m) => `IWB ${address(m['configFrameBase'])}`,
  IortItsGroup: (m) => `ITS group ${String(m['identifier'])}`,
  IortNamedComponent: (m) => `named component ${String(m['identifier'])}`,
  IortRmr: (m) => `RMR ${String(m['identifier'])}`,
};
