// A large IORT for the decode benchmark, shaped like a many-socket Arm
// server's: one ITS group, one SMMUv3 per PCI segment (each sending its
// StreamIDs to the ITS), and one root complex per segment whose ID mappings
// send each device slot (8 RIDs) to that segment's SMMUv3, as firmware that
// maps device by device writes them. Table revision 0 (issue D) with EDK2's
// node revisions for it: what 2018-2020 firmware ships and what iasl
// 20200925 decodes completely. Encoded by ridmap's own IORT encoder (lengths,
// offsets, node references and checksum are computed, not written here).
import { encodeOne } from './generate-dmar.mjs';
import { importDist } from './paths.mjs';

const RC_HEADER_BYTES = 36; // root complex node of revision 1, before its mappings
const MAPPING_BYTES = 20;
const MAX_NODE_BYTES = 0xffff; // node Length is 16 bits
const SLOT_RIDS = 8;

/**
 * The decoded-JSON document of an IORT with `mappings` ID mappings in all:
 * one per SMMUv3 (to the ITS) and the rest spread over the root complexes.
 */
export function iortDocument({ mappings, segments = 16 }) {
  const rcMappings = mappings - segments;
  const perRc = Math.ceil(rcMappings / segments);
  if (rcMappings < segments) throw new Error(`need at least ${2 * segments} mappings for ${segments} segments`);
  if (RC_HEADER_BYTES + perRc * MAPPING_BYTES > MAX_NODE_BYTES) throw new Error(`${perRc} mappings do not fit one node`);
  if (perRc * SLOT_RIDS > 0x10000) throw new Error(`${perRc} device slots do not fit one segment`);

  const its = { type: 'ItsGroup', revision: 0, identifier: 0, itsIdentifiers: [0], idMappings: [] };
  const smmus = [];
  const rcs = [];
  for (let s = 0, left = rcMappings; s < segments; s++) {
    const n = Math.min(perRc, left);
    left -= n;
    smmus.push(smmuV3(s));
    // Node indices: ITS 0, SMMUs 1..segments, root complexes after them.
    rcs.push(rootComplex(s, n, 1 + s));
  }
  return {
    tables: [{
      signature: 'IORT', revision: 0, oemId: 'RIDMAP', oemTableId: 'BENCHIRT', oemRevision: 1,
      creatorId: 'RDMP', creatorRevision: 1, nodes: [its, ...smmus, ...rcs],
    }],
  };
}

function smmuV3(segment) {
  return {
    type: 'SmmuV3', revision: 2, identifier: 0,
    baseAddress: `0x${(0x40_0000_0000 + segment * 0x100_0000).toString(16)}`,
    flags: 1, vatosAddress: '0x0', model: 0,
    eventGsiv: 200 + 4 * segment, priGsiv: 201 + 4 * segment, gerrGsiv: 203 + 4 * segment, syncGsiv: 202 + 4 * segment,
    proximityDomain: 0, deviceIdMappingIndex: 0,
    // StreamIDs are unique per SMMU, DeviceIDs per ITS: offset each segment's.
    idMappings: [{ inputBase: 0, numberOfIds: 0xffff, outputBase: segment << 16, flags: 0, outputReference: { node: 0 } }],
  };
}

function rootComplex(segment, count, smmuNode) {
  return {
    type: 'RootComplex', revision: 1, identifier: 0, atsAttribute: 1, pciSegmentNumber: segment,
    memoryProperties: { cacheCoherency: 1, allocationHints: 0, memoryAccessFlags: 3 },
    memoryAddressSizeLimit: 48, pasidCapabilities: 0,
    idMappings: Array.from({ length: count }, (_, k) => ({
      inputBase: k * SLOT_RIDS, numberOfIds: SLOT_RIDS - 1, outputBase: k * SLOT_RIDS, flags: 0, outputReference: { node: smmuNode },
    })),
  };
}

/** The IORT's bytes. */
export async function generateIort(opts) {
  const { encodeJsonDocument } = await importDist('index.js');
  return encodeOne(encodeJsonDocument, iortDocument(opts), 'IORT');
}
