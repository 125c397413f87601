/**
 * What `build` produces from a resolved topology, as named blobs, plus the
 * problems that kept a table from being built. Pure: the CLI decides where
 * the blobs go.
 */
import { dmarFromTopology } from './acpi/dmar/from-topology.js';
import { encodeTable } from './acpi/table.js';
import { encodeIort } from './acpi/iort/index.js';
import { iortFromTopology } from './acpi/iort/from-topology.js';
import { encodeViot, viotFromTopology } from './acpi/viot/index.js';
import type { Model } from './codec/index.js';
import type { Encoded } from './codec/encode.js';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { dtFromTopology, encodeDtb, formatDts, topologyHasDt } from './dt/index.js';
import { renderMap } from './map/render-map.js';
import type { ResolvedTopology } from './model/resolved.js';

export interface BuildOutput {
  name: string;
  description: string;
  data: string | Uint8Array;
  /** For a table: the model it was encoded from, in the form decodeTable gives (check compares the two). */
  model?: Model;
}

export interface BuildResult {
  outputs: BuildOutput[];
  /** Problems; a table with an error-severity problem is left out of `outputs`. */
  diagnostics: Diagnostic[];
}

/** One table the topology may call for: how to build its model and how to encode it. */
interface TableBuilder<T> {
  name: string;
  description: string;
  build: (resolved: ResolvedTopology) => { table?: T; diagnostics: Diagnostic[] };
  encode: (table: T) => Encoded;
  /** The built table in the form decodeTable gives, where the two coincide (`check` compares them). */
  asDecoded?: (table: T) => Model;
}

const tableBuilder = <T>(b: TableBuilder<T>) => b as TableBuilder<unknown>;

const TABLE_BUILDERS: readonly TableBuilder<unknown>[] = [
  tableBuilder({
    name: 'DMAR.dat',
    description: 'ACPI DMAR (Intel VT-d)',
    build: dmarFromTopology,
    encode: (t) => encodeTable(t as unknown as Model),
    asDecoded: (t) => t as unknown as Model,
  }),
  tableBuilder({ name: 'VIOT.dat', description: 'ACPI VIOT (virtio-iommu)', build: viotFromTopology, encode: encodeViot }),
  tableBuilder({ name: 'IORT.dat', description: 'ACPI IORT (Arm SMMU and ITS)', build: (r) => iortFromTopology(r), encode: encodeIort }),
];

/**
 * Every file `build` may write, whatever the topology, and whether it is
 * binary: a build into an existing directory owns these names (and removes
 * the ones it no longer produces, so that the directory holds one build), and
 * a golden case owns the text forms of them (golden/outputs.ts). Files of
 * other names are never touched. test/cli/build-set.test.ts keeps this list
 * in step with what buildOutputs returns.
 */
export const BUILD_OUTPUT_NAMES: readonly { name: string; binary: boolean }[] = [
  ...TABLE_BUILDERS.map((b) => ({ name: b.name, binary: true })),
  { name: 'board.dts', binary: false },
  { name: 'board.dtb', binary: true },
  ...['map.json', 'map.txt', 'tree.txt', 'topology.dot'].map((name) => ({ name, binary: false })),
];

export function buildOutputs(resolved: ResolvedTopology): BuildResult {
  const outputs: BuildOutput[] = [];
  const diagnostics: Diagnostic[] = [];

  for (const builder of TABLE_BUILDERS) {
    const built = builder.build(resolved);
    diagnostics.push(...built.diagnostics);
    if (built.table === undefined || hasErrors(built.diagnostics)) continue;
    const encoded = builder.encode(built.table);
    diagnostics.push(...encoded.diagnostics);
    if (encoded.bytes) {
      const model = builder.asDecoded?.(built.table);
      outputs.push({ name: builder.name, description: builder.description, data: encoded.bytes, ...(model ? { model } : {}) });
    }
  }

  if (topologyHasDt(resolved)) outputs.push(...boardDt(resolved, diagnostics));

  outputs.push(
    { name: 'map.json', description: 'translation map (JSON)', data: renderMap(resolved, 'json') },
    { name: 'map.txt', description: 'translation map (text)', data: renderMap(resolved, 'text') },
    { name: 'tree.txt', description: 'annotated PCI tree', data: renderMap(resolved, 'tree') },
    { name: 'topology.dot', description: 'Graphviz picture, coloured by IOMMU', data: renderMap(resolved, 'dot') },
  );
  return { outputs, diagnostics };
}

/** The board Device Tree, as source and as blob (dtc compiles the one to exactly the other). */
function boardDt(resolved: ResolvedTopology, diagnostics: Diagnostic[]): BuildOutput[] {
  const dt = dtFromTopology(resolved);
  diagnostics.push(...dt.diagnostics);
  if (hasErrors(dt.diagnostics)) return [];
  return [
    { name: 'board.dts', description: 'Device Tree source (iommu-map, msi-map, iommus)', data: formatDts(dt.tree) },
    { name: 'board.dtb', description: 'Device Tree blob', data: encodeDtb(dt.tree) },
  ];
}
