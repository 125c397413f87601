/**
 * Named hazards of ACPI tables, each decoded in bounded time to a value plus
 * diagnostics (never an exception) through everything that reads tables
 * (exerciseTable: decode, text, JSON, map, and the byte-exact round trips
 * when no error was found):
 *  - lengths and counts claiming gigabytes, in the header and in subtables;
 *  - zero-length and overlapping subtables;
 *  - IORT references to the node itself, in a cycle, or to no node;
 *  - VIOT output nodes pointing into other nodes;
 *  - a modelled table over MAX_MODELLED_TABLE_BYTES;
 *  - resolving work out of proportion to the table's size.
 * DTB hazards are in hazards-dt.test.ts, text inputs' in hazards-text.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIort, encodeIort } from '../../src/acpi/iort/index.js';
import { iortFromTopology } from '../../src/acpi/iort/from-topology.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { decodeViot, encodeViot, resolveViot, viotFromTopology } from '../../src/acpi/viot/index.js';
import { decodeTable, type DecodedTable } from '../../src/acpi/table.js';
import { exerciseTable, sameBytes } from '../../src/fuzz/checks.js';
import { MAX_MODELLED_TABLE_BYTES } from '../../src/limits.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { append, encodeModel, everyStructureDmar, patch, smallDmar } from '../acpi/dmar-fixtures.js';
import { TABLES_DIR } from '../support/paths.js';

/** Generous for a loaded CI machine; what it guards against is seconds to hours, or gigabytes. */
const BOUND_MS = 2000;

function bounded(bytes: Uint8Array): DecodedTable {
  const started = performance.now();
  const t = exerciseTable(bytes);
  expect(performance.now() - started).toBeLessThan(BOUND_MS);
  return t;
}

const codes = (t: { diagnostics: { code: string }[] }) => t.diagnostics.map((d) => d.code);

function resolvedExample(file: string) {
  return resolveTopology(parseTopology(readFileSync(join(TABLES_DIR, file), 'utf8'), file));
}

/** ITS group, SMMUv3 → ITS, root complex → SMMUv3 and ITS, named component → SMMUv3. */
const iort = encodeIort(iortFromTopology(resolvedExample('arm-smmuv3-its.yaml')).table!).bytes!;
/** virtio-iommu-pci, then two PCI ranges whose Output Node is it. */
const viot = encodeViot(viotFromTopology(resolvedExample('q35-virtio-iommu-pxb.yaml')).table!).bytes!;
const dmar = encodeModel(everyStructureDmar());
const ssdt = patch(Uint8Array.from([...Buffer.from('SSDT'), ...new Uint8Array(40)]), [[4, 4, 44]]);

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

/** IORT nodes as laid out: offset, type, and where their ID mappings are. */
function iortNodes(b: Uint8Array): { at: number; type: number; mappings: number }[] {
  const out = [];
  for (let i = 0, at = u32(b, 40); i < u32(b, 36); i++, at += u16(b, at + 1)) out.push({ at, type: b[at]!, mappings: at + u32(b, at + 12) });
  return out;
}
const IORT_RC = 2;
const IORT_SMMUV3 = 4;
const iortNode = (type: number) => iortNodes(iort).find((n) => n.type === type)!;
/** Output Reference of a node's first ID mapping (20-byte entries: input base, count, output base, reference, flags). */
const firstReference = (type: number) => iortNode(type).mappings + 12;

/** VIOT nodes: offset and length, from Node Offset (38) for Node Count (36) nodes. */
function viotNodes(b: Uint8Array): { at: number; type: number; length: number }[] {
  const out = [];
  for (let i = 0, at = u16(b, 38); i < u16(b, 36); i++, at += u16(b, at + 2)) out.push({ at, type: b[at]!, length: u16(b, at + 2) });
  return out;
}
/** A PCI range's Output Node (u16 at +16). */
const viotRange = viotNodes(viot).find((n) => n.type === 1)!;

describe('lengths and counts claiming gigabytes', () => {
  it.each([['DMAR', dmar], ['IORT', iort], ['VIOT', viot], ['SSDT', ssdt]] as const)('%s with header Length 0xffffffff', (_sig, table) => {
    const t = bounded(patch(table, [[4, 4, 0xffffffff]]));
    expect(codes(t)).toContain('acpi-length-beyond-buffer');
  });

  it('DMAR: a DRHD of Length 0xffff and a device scope of Length 0xff', () => {
    expect(codes(bounded(patch(encodeModel(smallDmar()), [[0x41, 1, 0xff]])))).toContain('bin-length-overrun');
    expect(codes(bounded(patch(encodeModel(smallDmar()), [[0x32, 2, 0xffff]])))).toContain('bin-length-overrun');
  });

  it('IORT: Node Count, a node Length, a Mapping Count and a Mapping Offset of 0xffff(ffff)', () => {
    const rc = iortNode(IORT_RC);
    const edits: [number, number, number][] = [[36, 4, 0xffffffff], [rc.at + 1, 2, 0xffff], [rc.at + 8, 4, 0xffffffff], [rc.at + 12, 4, 0xffffffff]];
    for (const edit of edits) {
      const t = bounded(patch(iort, [edit]));
      expect(t.diagnostics.some((d) => d.severity === 'error') || decodeIort(patch(iort, [edit])).diagnostics.some((d) => d.severity === 'error')).toBe(true);
    }
  });

  it('VIOT: Node Count 0xffff and a node Length 0xffff', () => {
    expect(codes(decodeViot(patch(viot, [[36, 2, 0xffff]])))).toContain('viot-node-count');
    bounded(patch(viot, [[36, 2, 0xffff]]));
    expect(bounded(patch(viot, [[viotRange.at + 2, 2, 0xffff]])).diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it(`a DMAR over MAX_MODELLED_TABLE_BYTES (${MAX_MODELLED_TABLE_BYTES}) is kept as bytes, with an error`, () => {
    const big = append(encodeModel(smallDmar()), Array.from({ length: MAX_MODELLED_TABLE_BYTES }, () => 0));
    const started = performance.now();
    const t = decodeTable(big);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    exerciseTable(big); // untimed: its text is a megabyte of hex dump
    expect(codes(t)).toContain('acpi-table-too-large');
    expect(t.def.modelled).toBe(false);
    expect((t.model['data'] as Uint8Array).length).toBe(big.length - 36);
  });
});

describe('zero-length and overlapping subtables', () => {
  it('DMAR: a DRHD and a device scope of Length 0 stop the walk, not loop on it', () => {
    expect(codes(bounded(patch(encodeModel(smallDmar()), [[0x32, 2, 0]])))).toContain('bin-zero-length');
    expect(codes(bounded(patch(encodeModel(smallDmar()), [[0x41, 1, 0]])))).toContain('bin-zero-length');
  });

  it('IORT: a node of Length 0, and ID mappings placed over the node header or past the node', () => {
    const rc = iortNode(IORT_RC);
    expect(codes(decodeIort(patch(iort, [[rc.at + 1, 2, 0]])))).toContain('iort-node-zero-length');
    bounded(patch(iort, [[rc.at + 1, 2, 0]]));
    for (const mappingOffset of [0, 4, 0x7fff]) {
      const damaged = patch(iort, [[rc.at + 12, 4, mappingOffset]]);
      bounded(damaged);
      expect(codes(decodeIort(damaged)).some((c) => c === 'iort-array-overlap' || c === 'iort-array-outside-node')).toBe(true);
    }
  });

  it('VIOT: a node of Length 0, and Node Offset inside the header', () => {
    expect(bounded(patch(viot, [[viotRange.at + 2, 2, 0]])).diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(codes(decodeViot(patch(viot, [[38, 2, 8]])))).toContain('viot-node-offset');
    bounded(patch(viot, [[38, 2, 8]]));
  });
});

describe('work in proportion to the input', () => {
  // Each root complex of a distinct PCI segment used to paint all 65,536 RIDs of it (~2 ms each, so a
  // 1 MiB IORT of ~13,000 root complexes took about 30 s). The RID table now settles its paints by their
  // ends, so the cost follows the table's size. The bound guards against that coming back (it is not a
  // speed measurement: `npm run bench` measures); 300 root complexes take a few ms.
  it('IORT: 300 root complexes of distinct segments resolve in well under a second', () => {
    const table = iortFromTopology(resolvedExample('arm-smmuv3-its.yaml')).table!;
    const rc = table.nodes.find((n) => n.type === 'RootComplex')!;
    const nodes = [...table.nodes, ...Array.from({ length: 300 }, (_, i) => ({ ...rc, pciSegmentNumber: 100 + i, identifier: 1000 + i }))];
    const decoded = decodeIort(encodeIort({ ...table, nodes }).bytes!);
    const started = performance.now();
    resolveIort(decoded.table);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('IORT references', () => {
  /** Decodes, resolves (bounded: a walk through a cycle must end), and encodes the model back to the same bytes. */
  function walked(bytes: Uint8Array): string[] {
    bounded(bytes);
    const decoded = decodeIort(bytes);
    const started = performance.now();
    const map = resolveIort(decoded.table);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    expect(sameBytes(encodeIort(decoded.table).bytes!, bytes)).toBe(true);
    return [...codes(decoded), ...map.findings.map((f) => f.code)];
  }

  it('a root complex mapping its IDs to itself', () => {
    expect(walked(patch(iort, [[firstReference(IORT_RC), 4, iortNode(IORT_RC).at]]))).toContain('iort-self-reference');
  });

  it('a cycle: root complex → SMMUv3 → root complex', () => {
    expect(walked(patch(iort, [[firstReference(IORT_SMMUV3), 4, iortNode(IORT_RC).at]]))).toContain('iort-reference-cycle');
  });

  it('a reference into the middle of a node, and one past the table', () => {
    expect(walked(patch(iort, [[firstReference(IORT_RC), 4, iortNode(IORT_SMMUV3).at + 4]]))).toContain('iort-dangling-reference');
    expect(walked(patch(iort, [[firstReference(IORT_RC), 4, 0xfffffff0]]))).toContain('iort-dangling-reference');
  });
});

describe('VIOT output nodes pointing into other nodes', () => {
  const [iommu, , other] = viotNodes(viot);
  it.each([
    ['the middle of the IOMMU node', iommu!.at + 2, 'viot-output-dangling'],
    ['another PCI range (not an IOMMU)', other!.at, 'viot-output-not-iommu'],
    ['the node itself', viotRange.at, 'viot-output-not-iommu'],
    ['the table header', 0, 'viot-output-dangling'],
    ['past the end of the table', 0xfff0, 'viot-output-dangling'],
  ])('%s', (_what, offset, finding) => {
    const bytes = patch(viot, [[viotRange.at + 16, 2, offset]]);
    bounded(bytes);
    const decoded = decodeViot(bytes);
    expect(resolveViot(decoded.table).findings.map((f) => f.code)).toContain(finding);
    // Kept as read: the model encodes back to the very bytes.
    expect(sameBytes(encodeViot(decoded.table).bytes!, bytes)).toBe(true);
  });
});
