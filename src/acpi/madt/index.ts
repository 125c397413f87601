/** MADT: declaration, model, and the diff's names for its structures (no translation map: it says no IOMMU's part). */
export type * from './model.js';
export { MADT_DESCRIPTION, MADT_SIGNATURE, MadtType, madtSpec } from './spec.js';
export { MADT_IDENTITIES } from './identity.js';
