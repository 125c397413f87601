/**
 * What `build` produces from a resolved topology, as named blobs, plus the
 * problems that kept a table from being built. Pure: the CLI decides where
 * the blobs go.
 */
import { modelledTables } from './acpi/registry.js';
import { encodeTable } from './acpi/table.js';
import type { Model } from './codec/index.js';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import { dtFromTopology, encodeDtb, formatDts, topologyHasDt } from './dt/index.js';
import { renderMap, writeMap, type MapFormat } from './map/render-map.js';
import type { ResolvedTopology } from './model/resolved.js';
import { appendAll } from './append.js';

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

/** The tables a topology may call for, in the registry's order (acpi/registry.ts). */
const TABLE_BUILDS = modelledTables().flatMap((row) => (row.build ? [row.build] : []));

/**
 * Every file `build` may write, whatever the topology, and whether it is
 * binary: a build into an existing directory owns these names (and removes
 * the ones it no longer produces, so that the directory holds one build), and
 * a golden case owns the text forms of them (golden/outputs.ts). Files of
 * other names are never touched. test/cli/build-set.test.ts keeps this list
 * in step with what buildOutputs returns.
 */
export const BUILD_OUTPUT_NAMES: readonly { name: string; binary: boolean }[] = [
  ...TABLE_BUILDS.map((b) => ({ name: b.file, binary: true })),
  { name: 'board.dts', binary: false },
  { name: 'board.dtb', binary: true },
  ...['map.json', 'map.txt', 'tree.txt', 'topology.dot'].map((name) => ({ name, binary: false })),
];

export interface BuildOptions {
  /**
   * Whether to render the map forms (map.json, map.txt, tree.txt, topology.dot).
   * `check` reads only the tables a topology builds into: rendering the four
   * forms it never reads was a seventh of a 10k-endpoint check (issue 21).
   */
  maps?: boolean;
  /** Told the name of each output before it is made (the CLI's progress line); a 100k-endpoint build takes seconds. */
  onStep?: (output: string) => void;
}

export function buildOutputs(resolved: ResolvedTopology, { maps = true, onStep }: BuildOptions = {}): BuildResult {
  const outputs: BuildOutput[] = [];
  const diagnostics: Diagnostic[] = [];
  const step = onStep ?? (() => {});

  for (const build of TABLE_BUILDS) {
    step(build.file);
    const built = build.fromTopology(resolved);
    appendAll(diagnostics, built.diagnostics);
    if (built.table === undefined || hasErrors(built.diagnostics)) continue;
    // Every table model is a codec model: the builders make plain objects in the declaration's shape.
    const model = built.table as Model;
    const encoded = build.encode ? build.encode(built.table) : encodeTable(model);
    appendAll(diagnostics, encoded.diagnostics);
    if (encoded.bytes) {
      outputs.push({ name: build.file, description: build.description, data: encoded.bytes, ...(build.builtIsDecoded ? { model } : {}) });
    }
  }

  if (topologyHasDt(resolved)) {
    step('board.dts, board.dtb');
    appendAll(outputs, boardDt(resolved, diagnostics));
  }

  if (!maps) return { outputs, diagnostics };
  for (const m of mapOutputs(resolved)) {
    step(m.name);
    outputs.push({ name: m.name, description: m.description, data: m.data() });
  }
  return { outputs, diagnostics };
}

/** The map forms every build writes, each rendered only when its `data` is called. */
const MAP_FORMS: readonly { name: string; description: string; form: MapFormat }[] = [
  { name: 'map.json', description: 'translation map (JSON)', form: 'json' },
  { name: 'map.txt', description: 'translation map (text)', form: 'text' },
  { name: 'tree.txt', description: 'annotated PCI tree', form: 'tree' },
  { name: 'topology.dot', description: 'Graphviz picture, coloured by IOMMU', form: 'dot' },
];

/**
 * The map outputs of a build as whole texts, each rendered when its `data`
 * is called (buildOutputs with `maps`: the library's and the page's build,
 * which hand the texts on). `build` itself writes mapFiles' pieces instead.
 */
export function mapOutputs(resolved: ResolvedTopology): { name: string; description: string; data: () => string }[] {
  return MAP_FORMS.map(({ name, description, form }) => ({ name, description, data: () => renderMap(resolved, form) }));
}

/**
 * mapOutputs as `build` writes them to files: each form as pieces of text
 * (render-map.ts writeMap; the stager writes each piece out: io/atomic-write.ts
 * TextPieces), never the whole text of a million devices as one string, nor
 * map.json's tree of a million objects.
 */
export function mapFiles(resolved: ResolvedTopology): { name: string; description: string; data: () => { pieces: (put: (text: string) => void) => void } }[] {
  return MAP_FORMS.map(({ name, description, form }) => ({ name, description, data: () => ({ pieces: (put: (text: string) => void) => writeMap(resolved, form, put) }) }));
}

/** The board Device Tree, as source and as blob (dtc compiles the one to exactly the other). */
function boardDt(resolved: ResolvedTopology, diagnostics: Diagnostic[]): BuildOutput[] {
  const dt = dtFromTopology(resolved);
  // One finding per device can come back (smmuv3-stream-shared on a conventional bus), so never spread them.
  appendAll(diagnostics, dt.diagnostics);
  if (hasErrors(dt.diagnostics)) return [];
  return [
    { name: 'board.dts', description: 'Device Tree source (iommu-map, msi-map, iommus)', data: formatDts(dt.tree) },
    { name: 'board.dtb', description: 'Device Tree blob', data: encodeDtb(dt.tree) },
  ];
}
