// The batch benchmark's inputs: many small tables of the kinds a fleet's
// acpidumps hold, in a fixed mix: DMARs and IORTs of varied sizes (ridmap
// decodes both field by field, and so does iasl), VIOTs (ridmap decodes
// them; iasl 20200925 does not know VIOT and prints a hex dump) and MCFGs
// (both decode them field by field). Sizes vary by a
// seeded generator, so every run decodes the same files.
import { dmarDocument } from './generate-dmar.mjs';
import { iortDocument } from './generate-iort.mjs';
import { importDist } from './paths.mjs';

/** Kind of table i: 45% DMAR, 35% IORT, 10% VIOT, 10% MCFG, interleaved. */
const MIX = ['DMAR', 'IORT', 'DMAR', 'IORT', 'DMAR', 'VIOT', 'DMAR', 'IORT', 'DMAR', 'MCFG',
  'DMAR', 'IORT', 'DMAR', 'IORT', 'DMAR', 'VIOT', 'DMAR', 'IORT', 'DMAR', 'MCFG'];

/** A small deterministic generator (LCG): the same batch every run. */
function seeded(seed) {
  let x = seed >>> 0;
  return (lo, hi) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return lo + (x % (hi - lo + 1));
  };
}

/** `count` tables as { name, bytes }, named like acpixtract names them (dmar-0007.dat). */
export async function generateBatch({ count, seed = 9 }) {
  const { encodeJsonDocument } = await importDist('index.js');
  const rnd = seeded(seed);
  const docs = [];
  for (let i = 0; i < count; i++) docs.push(tableJson(MIX[i % MIX.length], rnd));
  // One document for all: ridmap's encoder computes every length and checksum.
  const r = encodeJsonDocument(JSON.stringify({ tables: docs }));
  const bad = r.diagnostics.filter((d) => d.severity === 'error');
  if (bad.length > 0 || r.tables.length !== count) {
    throw new Error(`batch: ridmap refused a generated table: ${bad.slice(0, 3).map((d) => `${d.path} ${d.message}`).join('; ')}`);
  }
  return r.tables.map((t, i) => ({ name: `${t.signature.toLowerCase()}-${String(i).padStart(4, '0')}.dat`, bytes: t.bytes }));
}

function tableJson(kind, rnd) {
  switch (kind) {
    case 'DMAR': return dmarDocument({ scopes: rnd(2, 64), segments: rnd(1, 2) }).tables[0];
    case 'IORT': { const segments = rnd(1, 4); return iortDocument({ mappings: rnd(2 * segments, 48), segments }).tables[0]; }
    case 'VIOT': return viotJson(rnd(1, 6));
    default: return mcfgJson(rnd(1, 4));
  }
}

const HEADER = { oemId: 'RIDMAP', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1 };

/** A virtio-iommu-pci at 00:02.0 translating `ranges` bus ranges of segment 0. */
function viotJson(ranges) {
  // Output Node names the IOMMU node by its index; encode lays the nodes out and counts them.
  const nodes = [{ type: 'VirtioIommuPci', segment: 0, bdf: 0x10 }];
  for (let r = 0; r < ranges; r++) {
    const first = (0x10 + r * 0x10) << 8;
    nodes.push({ type: 'PciRange', endpointStart: first, segmentStart: 0, segmentEnd: 0, bdfStart: first, bdfEnd: first + 0xfff, outputNode: { node: 0 } });
  }
  return { signature: 'VIOT', revision: 0, ...HEADER, oemTableId: 'BENCHVIO', nodes };
}

/** An MCFG with one ECAM allocation per segment. */
function mcfgJson(segments) {
  const allocations = [];
  for (let s = 0; s < segments; s++) {
    allocations.push({ baseAddress: `0x${(0x40_0000_0000n + BigInt(s) * 0x1000_0000n).toString(16)}`, segment: s, startBus: 0, endBus: 0xff });
  }
  return { signature: 'MCFG', revision: 1, ...HEADER, oemTableId: 'BENCHMCF', allocations };
}
