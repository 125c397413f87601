/** VIOT: declaration, model, decode/encode through the declaration, build from a topology, resolve to a map. */
export type * from './model.js';
export { isEndpointNode, isIommuNode, isOtherNode } from './model.js';
export { VIOT_DESCRIPTION, ViotDecodeCode, ViotNodeType, viotSpec } from './spec.js';
export { decodeViot, encodeViot, type DecodedViot } from './codec.js';
export { viotFromTopology, VIOT_REVISION, type ViotBuild } from './from-topology.js';
export { resolveViot, resolveViotModel, VIOT_SOURCE } from './resolve.js';
export { viotIommuIdentity } from './live-endpoints.js';
export { endpointConvention, type EndpointConvention } from './range-findings.js';
