/**
 * The fuzz targets: one row per decoder of untrusted input. A row names the
 * seeds it starts from, how its inputs mutate (bytes or text, tokens worth
 * inserting) and what one execution does. Adding a decoder = adding a row.
 *
 * `load` imports the code under test only when called: the coverage tracker
 * must be running before that code is compiled.
 */
import { computeChecksum, peekLength } from '../acpi/header.js';
import { modelledSignatures } from '../acpi/registry.js';
import type { InputKind } from './mutate.js';
import type { Rng } from './prng.js';
import { seedsOf, type SeedKind } from './seeds.js';

export type Execute = (input: Uint8Array) => unknown;

export interface FuzzTarget {
  name: string;
  description: string;
  input: InputKind;
  seeds: readonly SeedKind[];
  /** Only seeds this accepts (an ACPI signature, say). */
  seedFilter?: (bytes: Uint8Array) => boolean;
  dictionary?: readonly string[];
  /** After mutation: undo edits that would stop every decoder at its first gate (most of the time). */
  fixup?: (mutated: Uint8Array, parent: Uint8Array, rnd: Rng) => Uint8Array;
  load(): Promise<Execute>;
}

const text = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b);

/**
 * Most mutants keep their parent's signature and get a Length and checksum
 * that fit, so that they reach the table's structures instead of stopping
 * at the header; the rest keep whatever the mutation made of the header.
 */
function acpiFixup(mutated: Uint8Array, parent: Uint8Array, rnd: Rng): Uint8Array {
  if (mutated.length < 10 || rnd() < 0.2) return mutated;
  const out = mutated.slice();
  if (rnd() < 0.9) out.set(parent.subarray(0, 4));
  if (out.length >= 36 && rnd() < 0.5) new DataView(out.buffer).setUint32(4, out.length, true);
  const length = Math.min(out.length, peekLength(out) ?? out.length);
  if (length > 9 && rnd() < 0.8) out[9] = computeChecksum(out, length);
  return out;
}

const signatureIs = (...sigs: string[]) => (b: Uint8Array): boolean => sigs.includes(String.fromCharCode(...b.subarray(0, 4)));

type Checks = typeof import('./checks.js');

/** A row whose execution is one of checks.ts's exercises (imported when the row is loaded). */
function target(name: string, description: string, input: InputKind, seeds: SeedKind[], exercise: (c: Checks) => Execute,
  dictionary?: readonly string[]): FuzzTarget {
  return { name, description, input, seeds, ...(dictionary ? { dictionary } : {}), load: async () => exercise(await import('./checks.js')) };
}

function acpiTableTarget(name: string, description: string, signatures?: string[]): FuzzTarget {
  return {
    ...target(name, description, 'binary', ['acpi-table'], (c) => c.exerciseTable),
    ...(signatures ? { seedFilter: signatureIs(...signatures) } : {}),
    fixup: acpiFixup,
  };
}

const ACPIDUMP_TOKENS = ['DMAR @ 0x0000000000000000\n', 'RSD PTR @ 0x00000000000F0000\n', 'IORT @ 0x0\n', 'VIOT @ 0x0\n',
  'FACS @ 0x0\n', '  0000: ', '  FFFF: ', 'FFFFFFFF: ', '  10000: ', ' 00', ' FF', '\r\n', '\r', '\n\n',
  '  0000: 44 4D 41 52 FF FF FF FF 01 00', '  0004: 00 00 00 00 '];

const DSL_TOKENS = ['Raw Table Data: Length 4294967295 (0xFFFFFFFF)\n', 'Raw Table Data: Length 0 (0x0)\n',
  '    0000: ', '    FFF0: ', ' FF', ' 00', '  // DMAR', '\n\n', '[000h 0000 004h]                   Signature : "DMAR"\n'];

const JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"__proto__"', '"constructor"', '"prototype"', '"tables"',
  '"signature"', '"DMAR"', '"IORT"', '"VIOT"', '"FACS"', '"RSD PTR "', '"raw"', '"trailing"', '"padding"', '"type"',
  '"remappingStructures"', '"deviceScopes"', '"path"', '"length"', '"checksum"', '"0xffffffffffffffff"',
  '"0x10000000000000000"', '"DRHD"', '"ANDD"', '1e999', '-1', '0.5', 'null', 'true', '"\\u0000"', '4294967296', '{"__proto__": {"polluted": 1}}'];

const TOPOLOGY_TOKENS = ['&a ', '*a', '<<: *a\n', '!!binary ', '!!set ', '!!timestamp ', '!!int ', '!!float ', '!!str ',
  '__proto__: ', 'constructor: ', 'prototype: ', '[', ']', '{', '}', '- ', ': ', '"', "'", '|\n', '>\n', '? ', '%YAML 1.1\n---\n',
  '---\n', '...\n', '0x', '.nan', '.inf', '~', 'null', 'hostBridges:\n', 'children:\n', 'iommus:\n', 'platformDevices:\n',
  'addressSpaces:\n', 'type: ', 'addr: ', 'rootBus: ', 'busLimit: ', 'reserveBuses: ', 'dmaAliases: ', 'phantomFunctions: ',
  'streamIdBase: ', 'iommu: ', 'bypassIommu: true\n', 'includeAll: true\n', 'translateRoot: true\n', 'pcie-root-port',
  'pcie-switch-upstream-port', 'pcie-switch-downstream-port', 'pcie-pci-bridge', 'pci-pcie-bridge', 'pci-bridge',
  'pcie-endpoint', 'rciep', 'pci-endpoint', 'vtd', 'smmuv3', 'smmuv2', 'virtio-iommu-pci', 'virtio-iommu-mmio', 'amd-vi',
  'riscv-iommu', 'riscv-iommu-pci',
  '"1f.7"', '"00.0"', '"0x8000000000000000"', '255', '256', '65535'];

const DTS_TOKENS = ['/dts-v1/;\n', '/ {', '};\n', '{', '}', ';', '<', '>', '[', ']', '"', '&', '&{/', 'label: ', '/delete-node/ ',
  '/delete-property/ ', '/include/ "x.dtsi"\n', '#include <dt-bindings/x.h>\n', '#define X 1\n', '#if X\n', '#endif\n', '/bits/ 64 ',
  '/bits/ 8 ', '/memreserve/ 0x0 0x1000;\n', '/omit-if-no-ref/ ', 'iommu-map = ', 'msi-map = ', 'iommu-map-mask = ', 'iommus = ',
  '#iommu-cells = <1>;', '#address-cells = <3>;', '#size-cells = <2>;', 'phandle = <1>;', 'compatible = "arm,smmu-v3";',
  '<0x0 &smmu 0x0 0x10000>', '0xffffffff', '(1 << 31)', '(0 / 0)', '-1', '\\', ',', '@', 'pcie@0'];

/** The targets, in the order `npm run fuzz` runs them. */
export const TARGETS: readonly FuzzTarget[] = [
  acpiTableTarget('acpi', 'any raw ACPI table: decode, text, JSON, map; decode→encode and decode→JSON→encode identity'),
  // One per table the registry models (acpi/registry.ts): a new table is fuzzed with no line here.
  ...modelledSignatures().map((sig) => acpiTableTarget(sig.toLowerCase(), `${sig} tables only (same checks as acpi)`, [sig])),
  // Text inputs go in as bytes where the CLI reads bytes, so that telling text from binary is fuzzed too.
  target('acpidump', 'acpidump text through decodeInput, every table printed, re-encoded and mapped', 'text', ['acpidump'],
    (c) => c.exerciseAcpiInput, ACPIDUMP_TOKENS),
  target('dsl', 'iasl .dsl disassemblies (their Raw Table Data) through decodeInput', 'text', ['dsl'], (c) => c.exerciseAcpiInput, DSL_TOKENS),
  target('json', 'decoded-table JSON through encode (tablesFromJson) and decodeInput; prototypes must stay clean', 'text', ['json'],
    (c) => (b) => c.exerciseJson(text(b)), JSON_TOKENS),
  target('topology', 'topology YAML/JSON: parse + validate, and when valid, resolve and build every output', 'text', ['topology'],
    (c) => (b) => c.exerciseTopology(text(b)), TOPOLOGY_TOKENS),
  target('dtb', 'flattened device trees: decode, DTS, JSON, map; decode→encode→decode keeps the tree', 'binary', ['dtb'], (c) => c.exerciseDtb),
  target('dts', 'device tree source: parse, print, map; parse→print→parse keeps the tree, and it encodes', 'text', ['dts'],
    (c) => (b) => c.exerciseDts(text(b)), DTS_TOKENS),
];

export function targetNamed(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}

/** The target's seeds, filtered; an empty filter result falls back to one tiny input so the loop can start. */
export async function targetSeeds(t: FuzzTarget): Promise<Uint8Array[]> {
  const all = (await Promise.all(t.seeds.map((k) => seedsOf(k)))).flat().map((s) => s.bytes);
  const kept = t.seedFilter ? all.filter(t.seedFilter) : all;
  return kept.length ? kept : [new TextEncoder().encode(t.dictionary?.[0] ?? '\n')];
}
