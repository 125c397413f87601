// A large DMAR for the decode benchmark: DRHD units, one per PCI segment,
// each listing PCI-endpoint device scopes with two-hop paths (a bridge on
// the root bus, then a function on its secondary bus), as a server DMAR that
// names every device would. Built as ridmap's decoded-JSON form and encoded
// by ridmap's own encoder, which computes every length and the checksum.
import { importDist } from './paths.mjs';

const SCOPE_BYTES = 10; // 6-byte scope header + 2 path entries of 2 bytes
const DRHD_HEADER_BYTES = 16;
const MAX_DRHD_BYTES = 0xffff; // DRHD Length is 16 bits
const PCI_ENDPOINT = 1;

/**
 * The decoded-JSON document of a DMAR with `scopes` endpoint scopes spread
 * over `segments` DRHDs. 100,000 scopes over 16 segments is ~1,000,300
 * bytes: just under ridmap's 1 MiB limit for decoding field by field.
 */
export function dmarDocument({ scopes, segments = 16 }) {
  const perUnit = Math.ceil(scopes / segments);
  if (DRHD_HEADER_BYTES + perUnit * SCOPE_BYTES > MAX_DRHD_BYTES) {
    throw new Error(`${perUnit} scopes do not fit one DRHD (Length is 16 bits); use more segments`);
  }
  const units = [];
  for (let s = 0, left = scopes; s < segments && left > 0; s++) {
    const n = Math.min(perUnit, left);
    left -= n;
    units.push({
      type: 'DRHD',
      flags: 0,
      size: 0,
      segmentNumber: s,
      registerBaseAddress: `0x${(0xfed80000 + s * 0x1000).toString(16)}`,
      deviceScopes: Array.from({ length: n }, (_, k) => endpointScope(k)),
    });
  }
  return {
    tables: [{
      signature: 'DMAR', revision: 1, oemId: 'RIDMAP', oemTableId: 'BENCHDMR', oemRevision: 1,
      creatorId: 'RDMP', creatorRevision: 1, hostAddressWidth: 51, flags: 1,
      remappingStructures: units,
    }],
  };
}

/**
 * The k-th endpoint of a unit: bridges at root-bus devices 1, 2, ... each
 * with 256 functions (32 devices x 8) on a conventional secondary bus, so
 * every scope names a distinct function.
 */
function endpointScope(k) {
  const bridge = 1 + (k >> 8);
  if (bridge > 31) throw new Error('too many scopes for one segment');
  return {
    type: PCI_ENDPOINT, flags: 0, enumerationId: 0, startBusNumber: 0,
    path: [{ device: bridge, function: 0 }, { device: (k >> 3) & 31, function: k & 7 }],
  };
}

/** The DMAR's bytes. */
export async function generateDmar(opts) {
  const { encodeJsonDocument } = await importDist('index.js');
  return encodeOne(encodeJsonDocument, dmarDocument(opts), 'DMAR');
}

/** Encodes a one-table JSON document with ridmap; any diagnostic is a generator bug. */
export function encodeOne(encodeJsonDocument, doc, what) {
  const r = encodeJsonDocument(JSON.stringify(doc));
  const bad = r.diagnostics.filter((d) => d.severity !== 'info');
  if (bad.length > 0 || r.tables.length !== 1) {
    throw new Error(`${what}: ridmap refused the generated table: ${bad.slice(0, 3).map((d) => `${d.path ?? ''} ${d.message}`).join('; ')}`);
  }
  return r.tables[0].bytes;
}
