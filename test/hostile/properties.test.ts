/**
 * Properties of every decoder, checked with fast-check under fixed seeds
 * (the same runs in CI every time; a failure prints its seed and a shrunk
 * counterexample):
 *  - random valid models of every table the registry declares, of the ACPI
 *    header with any body, of the VIOT model and of device trees go model →
 *    bytes → model and bytes → model → bytes unchanged;
 *  - every corpus table, damaged (truncated, bits flipped, integers written
 *    over its lengths, counts and offsets above all), decodes to a value and
 *    diagnostics, never an exception, and decodes without an error only if
 *    it encodes back to the same bytes (exerciseTable checks that);
 *  - any bytes, any topology text: only the documented InputError.
 * (This generalises what test/acpi/robustness.test.ts and the random-text
 * test of test/model/parse-topology.test.ts did; they moved here.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/io/decode-input.js';
import { modelledSignatures, rawTableSpec, tableDef } from '../../src/acpi/registry.js';
import { decodeTable, encodeTable, formatJsonDocument } from '../../src/acpi/table.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeViot, encodeViot, type ViotTable } from '../../src/acpi/viot/index.js';
import type { Model, StructSpec } from '../../src/codec/index.js';
import { hasErrors, InputError } from '../../src/diagnostic.js';
import { decodeDtb, encodeDtb, treeToJson, type DtNode, type DtTree } from '../../src/dt/index.js';
import { exerciseTable, exerciseTopology, expectCleanAsModel, expectDirectDtbAsGeneral } from '../../src/fuzz/checks.js';
import { REPO_ROOT } from '../support/paths.js';
import { corpusPresent, CORPUS_ROOT, seedsOf } from '../../src/fuzz/seeds.js';
import { viotDeclarations } from '../../src/acpi/viot/spec.js';
import { struct } from '../../src/codec/index.js';

/** The VIOT's header fields alone (the arbitrary lays the nodes out itself). */
const viotHeaderSpec = struct({ name: 'VIOT', typeName: 'ViotTable', members: viotDeclarations().viotSpec.members.filter((m) => m.kind === 'field' && typeof m.role !== 'object') });
import { fieldArb, modelArb, plainModel } from './arbitrary.js';
import { applyMutations, mutationsArb, steeringFields } from './mutations.js';

const SEED = 20250611;
const errors = (ds: readonly { severity: string; code: string }[]) => ds.filter((d) => d.severity === 'error').map((d) => d.code);

/** Encodes, then checks both directions of the round trip. */
function roundTrips(model: Model): void {
  const e = encodeTable(model);
  expect(e.diagnostics).toEqual([]);
  const t = exerciseTable(e.bytes!); // bytes → model → bytes, text, JSON, map
  expect(errors(t.diagnostics)).toEqual([]);
  expect(plainModel(t.model)).toEqual(plainModel(model));
}

const signature = (sig: string) => fc.constant(sig);

if (!corpusPresent()) console.warn(`corpus not found at ${CORPUS_ROOT}: the damaged-corpus property is skipped`);

describe('valid models: model → bytes → model and bytes → model → bytes', () => {
  it('the DMAR generator reaches every remapping structure and every device scope type', () => {
    const models = fc.sample(modelArb(tableDef('DMAR').spec, { signature: signature('DMAR') }), { seed: SEED, numRuns: 300 });
    const structures = models.flatMap((m) => m['remappingStructures'] as Model[]);
    const scopes = structures.flatMap((s) => (s['deviceScopes'] as Model[] | undefined) ?? []);
    expect(new Set(structures.map((s) => (typeof s['type'] === 'string' ? s['type'] : 'reserved')))).toEqual(
      new Set(['DRHD', 'RMRR', 'ATSR', 'RHSA', 'ANDD', 'SATC', 'SIDP', 'reserved']));
    for (const type of [1, 2, 3, 4, 5]) expect(scopes.some((s) => s['type'] === type)).toBe(true);
  });

  it.each(modelledSignatures())('%s, every structure the declaration has', (sig) => {
    fc.assert(fc.property(modelArb(tableDef(sig).spec, { signature: signature(sig) }), roundTrips), { seed: SEED, numRuns: 300 });
  });

  it('the ACPI header, with any body, for any signature ridmap does not model', () => {
    const known = new Set([...modelledSignatures(), 'FACS']);
    const sig = fc.stringMatching(/^[A-Z0-9_]{4}$/).filter((s) => !known.has(s));
    fc.assert(fc.property(modelArb(rawTableSpec(), { signature: sig }, { maxItems: 4, maxBytes: 64 }), roundTrips), { seed: SEED, numRuns: 300 });
  });

  it('VIOT models with symbolic output-node references', () => {
    fc.assert(fc.property(viotArb, (table) => {
      const e = encodeViot(table);
      expect(e.diagnostics).toEqual([]);
      const back = decodeViot(e.bytes!);
      expect(errors(back.diagnostics)).toEqual([]);
      expect(plainModel(back.table)).toEqual(plainModel(table));
      exerciseTable(e.bytes!);
    }), { seed: SEED, numRuns: 300 });
  });

  it('device trees: tree → DTB → tree → DTB', () => {
    fc.assert(fc.property(dtTreeArb, (tree) => {
      const bytes = encodeDtb(tree);
      const back = decodeDtb(bytes);
      expect(errors(back.diagnostics)).toEqual([]);
      expect(treeToJson(back.tree)).toEqual(treeToJson(tree));
      expect(Buffer.from(encodeDtb(back.tree)).equals(Buffer.from(bytes))).toBe(true);
    }), { seed: SEED, numRuns: 200 });
  });
});

describe('damaged tables: a value and diagnostics, never an exception, never silent loss', () => {
  it.skipIf(!corpusPresent())(`every corpus table, damaged a dozen ways (corpus: ${CORPUS_ROOT})`, async () => {
    const tables = (await seedsOf('acpi-table')).filter((s) => s.name.startsWith('corpus/'));
    expect(tables.length).toBeGreaterThan(50);
    let damaged = 0;
    tables.forEach(({ name, bytes }, i) => {
      const t = decodeTable(bytes);
      const spots = steeringFields(t.def.spec, t.model);
      fc.assert(fc.property(mutationsArb, (mutations) => {
        const out = exerciseTable(applyMutations(bytes, spots, mutations));
        if (hasErrors(out.diagnostics)) damaged++;
      }), { seed: SEED + i, numRuns: 12, reporter: failureNaming(name) });
    });
    // The damage must reach the walk, not just the checksum.
    expect(damaged).toBeGreaterThan(tables.length * 3);
  }, 120_000);

  it('generated DMARs, damaged', () => {
    const dmar = tableDef('DMAR').spec;
    fc.assert(fc.property(modelArb(dmar, { signature: signature('DMAR') }), mutationsArb, (model, mutations) => {
      const bytes = encodeTable(model).bytes!;
      exerciseTable(applyMutations(bytes, steeringFields(dmar, model), mutations));
    }), { seed: SEED, numRuns: 1000 });
  });

  it('random bytes behind each modelled signature', () => {
    fc.assert(fc.property(fc.constantFrom(...modelledSignatures()), fc.uint8Array({ maxLength: 300 }), (sig, body) => {
      const b = Uint8Array.from([...Buffer.from(sig, 'latin1'), ...body]);
      exerciseTable(b);
    }), { seed: SEED, numRuns: 1000 });
  });
});

describe('any input: only the documented InputError', () => {
  it('decodeInput, whatever the bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      try {
        decodeInput(b, 'random.bin');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
      }
    }), { seed: SEED, numRuns: 1000 });
  });

  it('topology texts with junk spliced in: parse, validate, and when valid resolve and build', async () => {
    const texts = (await seedsOf('topology')).map((s) => new TextDecoder().decode(s.bytes));
    const junk = fc.constantFrom('', ':', '- ', '[', '{', '&a', '*a', '!!', '"', '0x', '\t', '\n', '#', '|', '? ', 'null', '~', '1e999',
      '__proto__: ', '<<: *a', '!!binary ', '%YAML 1.1\n---\n', ' 0xffffffffffffffff');
    const edit = fc.record({ at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), cut: fc.integer({ min: 0, max: 12 }), junk });
    fc.assert(fc.property(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 3 }), (base, edits) => {
      let text = base;
      for (const e of edits) {
        const at = Math.floor(e.at * text.length);
        text = text.slice(0, at) + e.junk + text.slice(at + e.cut);
      }
      exerciseTopology(text); // throws anything but InputError
    }), { seed: SEED, numRuns: 600 });
  });
});

/** Names the corpus file in a failure report (fast-check's own report names only the damage). */
function failureNaming<T>(name: string) {
  return (details: fc.RunDetails<T>) => {
    if (details.failed) throw new Error(`${name}: ${fc.defaultReportMessage(details)}`);
  };
}

// ---------------------------------------------------------------------------
// Models with references: VIOT, device trees

const nodeArb = (spec: StructSpec) => modelArb(spec);
const { NODE_SPECS } = viotDeclarations();

/** IOMMU nodes, endpoints naming one of them, all in a random order. */
const viotArb: fc.Arbitrary<ViotTable> = fc
  .record({
    header: modelArb(viotHeaderSpec, { signature: signature('VIOT') }),
    iommus: fc.array(fc.oneof(nodeArb(NODE_SPECS[2]!), nodeArb(NODE_SPECS[3]!)), { minLength: 1, maxLength: 3 }),
    endpoints: fc.array(fc.tuple(fc.oneof(nodeArb(NODE_SPECS[0]!), nodeArb(NODE_SPECS[1]!)), fc.nat()), { maxLength: 4 }),
    order: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
  })
  .map(({ header, iommus, endpoints, order }) => {
    const { nodeCount: _c, nodeOffset: _o, ...rest } = header;
    const all: Model[] = [...iommus, ...endpoints.map(([e]) => e)];
    const ranked = all.map((n, i) => ({ n, i, key: order[i % order.length]! * 8 + i })).sort((a, b) => a.key - b.key);
    const position = new Map(ranked.map((r, pos) => [r.i, pos]));
    const nodes = ranked.map(({ n, i }) =>
      i < iommus.length ? n : { ...n, outputNode: { node: position.get(endpoints[i - iommus.length]![1] % iommus.length)! } });
    return { ...rest, nodes } as unknown as ViotTable;
  });

const nameUnit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789,._+-');
const nodeName = fc.string({ unit: nameUnit, minLength: 1, maxLength: 8 });
const unitAddress = fc.option(fc.stringMatching(/^[0-9a-f]{1,8}(,[0-9a-f]{1,4})?$/), { nil: undefined });
const propertyName = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789,._+?#-'), minLength: 1, maxLength: 12 })
  .filter((n) => n !== 'phandle' && n !== 'linux,phandle');

const propertiesArb = fc.uniqueArray(fc.record({ name: propertyName, bytes: fc.uint8Array({ maxLength: 16 }) }), {
  selector: (p) => p.name,
  maxLength: 4,
}).map((ps) => ps.map(({ name, bytes }) => ({ name, labels: [], value: bytes.length ? [{ kind: 'raw' as const, bytes }] : [] })));

/** Nodes nest `depth` levels below this one at most. */
function dtNodeArb(depth: number): fc.Arbitrary<DtNode> {
  const children: fc.Arbitrary<DtNode[]> = depth === 0 ? fc.constant([]) : fc.uniqueArray(dtNodeArb(depth - 1), { maxLength: 3, selector: (n) => `${n.name}@${n.unitAddress ?? ''}` });
  return fc.record({ name: nodeName, unitAddress, properties: propertiesArb, children }).map(({ name, unitAddress: unit, properties, children: kids }) => ({
    name, labels: [], properties, children: kids, ...(unit === undefined ? {} : { unitAddress: unit }),
  }));
}

const u64 = fieldArb({ kind: 'u64', size: 8, endian: 'be' }) as fc.Arbitrary<bigint>;

const dtTreeArb: fc.Arbitrary<DtTree> = fc.record({
  root: dtNodeArb(3).map(({ unitAddress: _u, ...n }) => ({ ...n, name: '' })),
  // An all-zero entry ends the reservation block, so it is not a reservation a tree can have.
  memoryReservations: fc.array(fc.record({ address: u64, size: u64, labels: fc.constant<string[]>([]) }).filter((r) => r.address !== 0n || r.size !== 0n), { maxLength: 2 }),
  bootCpuidPhys: fc.integer({ min: 0, max: 0xffffffff }),
});


describe('the clean path is held to the model in every fuzzed and generated table', () => {
  // exerciseTable (above, and every fuzz target of a table) compares a clean table's text and JSON with the model's.
  const dmar = readFileSync(join(REPO_ROOT, 'test/fixtures/qemu-acpi-tests/q35-dmar-11.1/DMAR.dat'));
  it('a clean table passes, and a printed text or JSON that differs from the model\'s is an InvariantError', () => {
    const bytes = new Uint8Array(dmar);
    const t = decodeTable(bytes);
    expect(t.clean).toBe(true);
    const text = printTableText(t);
    const json = formatJsonDocument([t]);
    expect(() => expectCleanAsModel(bytes, t, text, json)).not.toThrow();
    expect(() => expectCleanAsModel(bytes, t, text.replace('Host Address Width', 'Host Address Widht'), json)).toThrow(/clean text differs from the model's: line \d+/);
    expect(() => expectCleanAsModel(bytes, t, text, json.replace('"hostAddressWidth"', '"hostAddressWidht"'))).toThrow(/clean JSON differs/);
  });
});

describe('the direct DTS -> DTB path is held to the general path in every fuzzed source', () => {
  // exerciseDts (the dts fuzz target) compares plainDtsToDtb's blob with parse + encodeDtb's.
  it('the same bytes pass; a blob that differs, or one for a source the parser or encoder refuses, is an InvariantError', () => {
    const blob = Uint8Array.of(0xd0, 0x0d, 0xfe, 0xed);
    expect(() => expectDirectDtbAsGeneral(undefined, [], undefined)).not.toThrow();
    expect(() => expectDirectDtbAsGeneral(blob, [], Uint8Array.from(blob))).not.toThrow();
    expect(() => expectDirectDtbAsGeneral(blob, [], Uint8Array.of(0xd0, 0x0d, 0xfe, 0xee))).toThrow(/differs from the general path's: first difference at 0x3/);
    expect(() => expectDirectDtbAsGeneral(blob, [{ severity: 'warning', code: 'dt-x', message: 'm' }], blob)).toThrow(/the parser reports dt-x/);
    expect(() => expectDirectDtbAsGeneral(blob, [], undefined)).toThrow(/refuses to encode/);
  });
});
