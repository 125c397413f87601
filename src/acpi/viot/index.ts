/** VIOT: declaration, model, decode/encode with the layout pass, build from a topology, resolve to a map. */
export type * from './model.js';
export { isEndpointNode, isIommuNode, isOtherNode } from './model.js';
export { VIOT_DESCRIPTION, ViotNodeType, viotSpec } from './spec.js';
export { ViotDecodeCode } from './walk.js';
export { decodeViot, viotFromWire, type DecodedViot } from './decode.js';
export { encodeViot, layoutViot, type ViotLayout } from './encode.js';
export { viotFromTopology, VIOT_REVISION, type ViotBuild } from './from-topology.js';
export { resolveViot, resolveViotWire, VIOT_SOURCE } from './resolve.js';
export { viotIommuIdentity } from './live-endpoints.js';
export { endpointConvention, type EndpointConvention } from './range-findings.js';
