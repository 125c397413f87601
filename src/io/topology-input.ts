/**
 * A topology given where tables are expected (`check`, `diff`, `golden`, the
 * web page): parsed, resolved and built, and the tables the build wrote read
 * back as subjects. Apart from load-input.ts so that reading a table does not
 * load the topology schema, the YAML reader and every builder.
 */
import type { LinuxTarget } from '../model/linux-profile.js';
import { buildOutputs, type BuildOptions, type BuildOutput, type BuildResult } from '../build-outputs.js';
import { parseTopology } from '../model/parse-topology.js';
import { resolveTopology } from '../model/resolve.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import { classifyInput } from './input-kind.js';
import { dtbSubject } from './dt-subject.js';
import { readAcpi } from './load-input.js';
import type { TableSubject } from './subject.js';

export interface BuiltTopology {
  file: string;
  topology: Topology;
  resolved: ResolvedTopology;
  build: BuildResult;
  /** The tables the build wrote. */
  tables: TableSubject[];
}

/**
 * A topology given where tables are expected (`check`, `diff`, `golden`): parsed, resolved and built, its tables read back.
 * `build` says what else the build makes (check wants the tables alone: `{ maps: false }`).
 */
export function buildTopologyInput(file: string, text: string, numbering?: string, linux?: LinuxTarget, build: BuildOptions = {}): BuiltTopology {
  const topology = parseTopology(text, file);
  const resolved = resolveTopology(topology, { ...(numbering === undefined ? {} : { numbering }), ...(linux ? { linux } : {}) });
  const built = buildOutputs(resolved, build);
  return { file, topology, resolved, build: built, tables: builtSubjects(file, built.outputs) };
}

/**
 * The binary tables a build wrote, as subjects named `topology#DMAR.dat`.
 * The board DTS is left out: it is the same tree as the board DTB, which
 * stands for both.
 */
function builtSubjects(topologyFile: string, outputs: readonly BuildOutput[]): TableSubject[] {
  return outputs
    .filter((o): o is BuildOutput & { data: Uint8Array } => o.data instanceof Uint8Array)
    .flatMap((o) =>
      builtTables(`${topologyFile}#${o.name}`, o.data).map((t) => ({ ...t, builtFrom: topologyFile, ...(o.model ? { built: o.model } : {}) })),
    );
}

/**
 * The tables in bytes ridmap wrote itself (a build output: an ACPI table or
 * a DTB), synchronously; none for a DTS or a topology, which builds write as
 * text and `loadInput` reads.
 */
export function builtTables(name: string, bytes: Uint8Array): TableSubject[] {
  const input = classifyInput(name, bytes);
  if (input.kind === 'topology' || input.kind === 'dts') return [];
  return input.kind === 'dtb' ? [dtbSubject(input.data as Uint8Array, name)] : readAcpi(input.kind, input.data, name).tables;
}
