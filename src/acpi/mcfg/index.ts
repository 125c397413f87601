/** MCFG: declaration and model (decode, encode, text and JSON; no translation map: it says no IOMMU's part). */
export type * from './model.js';
export { MCFG_IDENTITIES } from './identity.js';
export { mcfgDeclarations, MCFG_ALLOCATION_SIZE, MCFG_DESCRIPTION, MCFG_HEADER_SIZE, MCFG_SIGNATURE, mcfgSpec } from './spec.js';
