/** IVRS: declaration, model, the diff's names for its blocks, and the resolver (AMD-Vi as Linux reads it). */
export type * from './model.js';
export { IVRS_DESCRIPTION, IvrsBlockType, IvrsEntryType, IvrsSpecialVariety, ivrsEntrySize, ivrsSpec } from './spec.js';
export { IVRS_IDENTITIES } from './identity.js';
export { amdViIdentity, resolveIvrs } from './resolve.js';
