/** IVRS: declaration, model and the diff's names for its blocks (no resolver yet: the map says "not modelled"). */
export type * from './model.js';
export { IVRS_DESCRIPTION, IvrsBlockType, IvrsEntryType, IvrsSpecialVariety, ivrsEntrySize, ivrsSpec } from './spec.js';
export { IVRS_IDENTITIES } from './identity.js';
