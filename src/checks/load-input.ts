/**
 * User inputs to table subjects (subject.ts), by input kind: one reader per
 * kind in READERS. ACPI inputs (raw tables, acpidump text, iasl .dsl,
 * ridmap's JSON) go through decodeInput and the table resolvers registered
 * by signature; the Device Tree reader plugs in as the `dtb` and `dts` rows.
 * A topology is returned as text for the caller to parse and build.
 */
import { decodeInput } from '../acpi/decode-input.js';
import { computeChecksum } from '../acpi/header.js';
import { printTableText } from '../acpi/print-table.js';
import type { Model } from '../codec/index.js';
import { tableResolver } from '../acpi/resolvers.js';
import { encodeTable, tablePathName, type DecodedTable } from '../acpi/table.js';
import { buildOutputs, type BuildOutput, type BuildResult } from '../build-outputs.js';
import { hasErrors, InputError, type Diagnostic } from '../diagnostic.js';
import { checkDt, decodeDtb, encodeDtb, formatDts, resolveDt, treeToJson, type DtTree } from '../dt/index.js';
import { classifyInput } from '../io/input-kind.js';
import type { InputKind } from '../io/sniff.js';
import { parseTopology } from '../model/parse-topology.js';
import { resolveTopology } from '../model/resolve.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { Topology } from '../model/topology-schema.js';
import type { RoundTrip, TableSubject } from './subject.js';

export interface LoadedInput {
  file: string;
  kind: InputKind | 'topology';
  /** Set for a topology input. */
  topologyText?: string;
  /** Every table in the input, modelled or not. */
  tables: TableSubject[];
  /** Problems of the input as a whole (acpidump lines, JSON); each table has its own. */
  diagnostics: Diagnostic[];
}

type Reader = (data: Uint8Array | string, file: string) => { tables: TableSubject[]; diagnostics: Diagnostic[] };

function readAcpi(data: Uint8Array | string, file: string): ReturnType<Reader> {
  const input = decodeInput(data, file);
  return { tables: input.tables.map((t) => acpiSubject(t, file)), diagnostics: input.diagnostics };
}

/**
 * Readers by input kind. DTS is not here yet: its parser is asynchronous
 * (the grammar loads as wasm) and this path is synchronous; `ridmap map` and
 * `decode` read DTS today.
 */
const READERS: Partial<Record<InputKind, Reader>> = {
  'acpi-table': readAcpi,
  acpidump: readAcpi,
  dsl: readAcpi,
  json: readAcpi,
  dtb: (data, file) => ({ tables: [dtSubject(data as Uint8Array, file)], diagnostics: [] }),
};

/** Reads one input file's bytes; throws InputError for what no reader takes. */
export function loadInput(file: string, bytes: Uint8Array): LoadedInput {
  const input = classifyInput(file, bytes);
  if (input.kind === 'topology') return { file, kind: 'topology', topologyText: input.text, tables: [], diagnostics: [] };
  const reader = READERS[input.kind];
  if (!reader) {
    throw new InputError([{ severity: 'error', code: 'input-not-supported', file,
      message: `${file} is ${input.kind.toUpperCase()} input, which ridmap cannot check or compare yet` }]);
  }
  return { file, kind: input.kind, ...reader(input.data, file) };
}

/** The tables in bytes ridmap wrote itself (a build output), or none when no reader takes their kind yet. */
export function builtTables(name: string, bytes: Uint8Array): TableSubject[] {
  const input = classifyInput(name, bytes);
  if (input.kind === 'topology') return [];
  const reader = READERS[input.kind];
  return reader ? reader(input.data, name).tables : [];
}

/** The tables a topology build wrote, as subjects named `topology#DMAR.dat`, each knowing the model it was built from. */
export function builtSubjects(topologyFile: string, outputs: readonly BuildOutput[]): TableSubject[] {
  return outputs
    .filter((o): o is BuildOutput & { data: Uint8Array } => o.data instanceof Uint8Array)
    .flatMap((o) =>
      builtTables(`${topologyFile}#${o.name}`, o.data).map((t) => ({ ...t, builtFrom: topologyFile, ...(o.model ? { built: o.model } : {}) })),
    );
}

/** A DTB as a subject: its named checks' findings join the decode diagnostics; it resolves as of_map_id. */
function dtSubject(bytes: Uint8Array, file: string): TableSubject {
  const { tree, diagnostics } = decodeDtb(bytes, file);
  return {
    format: 'DT',
    name: 'DT',
    file,
    modelled: !hasErrors(diagnostics),
    model: treeToJson(tree) as unknown as Model,
    bytes,
    diagnostics: [...diagnostics, ...checkDt(tree)],
    resolve: (resolved) => resolveDt(tree, resolved),
    roundTrip: () => dtRoundTrip(tree, bytes, diagnostics),
    printText: () => formatDts(tree),
  };
}

/**
 * A DTB is laid out afresh on encode (dtc's order, no free space), so a blob
 * from elsewhere (QEMU pads to 1 MiB) need not come back byte for byte; what
 * must come back is the tree.
 */
function dtRoundTrip(tree: DtTree, bytes: Uint8Array, diagnostics: readonly Diagnostic[]): RoundTrip {
  if (hasErrors(diagnostics)) return { status: 'skipped', reason: 'the DTB does not decode cleanly' };
  let again: Uint8Array;
  try {
    again = encodeDtb(tree);
  } catch (e) {
    return { status: 'differs', detail: `the decoded tree does not encode: ${(e as Error).message}` };
  }
  if (again.length === bytes.length && again.every((b, i) => b === bytes[i])) return { status: 'identical', size: bytes.length };
  const same = JSON.stringify(treeToJson(decodeDtb(again).tree)) === JSON.stringify(treeToJson(tree));
  return same
    ? { status: 'skipped', reason: 'laid out afresh (not byte for byte); the tree comes back the same' }
    : { status: 'differs', detail: 'encoding the decoded tree and decoding it again gives another tree' };
}

function acpiSubject(t: DecodedTable, file: string): TableSubject {
  const resolve = tableResolver(t.signature);
  const bytes = t.bytes ?? new Uint8Array();
  return {
    format: t.signature.trimEnd(),
    name: t.name ?? tablePathName(t.signature),
    file,
    modelled: t.def.modelled,
    model: t.model,
    spec: t.def.spec,
    bytes,
    diagnostics: t.diagnostics,
    ...(resolve ? { resolve: (resolved) => resolve(t.model, resolved) } : {}),
    roundTrip: () => acpiRoundTrip(t, bytes),
    printText: () => printTableText(t),
  };
}

/**
 * Decode then encode must give the table's bytes back, except a wrong
 * checksum, which encode always computes (a derived field; the checksum
 * check reports it). A table that does not decode cleanly is not compared:
 * what its lengths say cannot be written back as read.
 */
function acpiRoundTrip(t: DecodedTable, bytes: Uint8Array): RoundTrip {
  if (hasErrors(t.diagnostics)) return { status: 'skipped', reason: 'the table does not decode cleanly' };
  const want = Uint8Array.from(bytes.subarray(0, bytes.length - (t.extra?.length ?? 0)));
  if (t.diagnostics.some((d) => d.code === 'acpi-bad-checksum') && want.length > 9) want[9] = computeChecksum(want);
  const encoded = encodeTable(t.model);
  if (!encoded.bytes) return { status: 'differs', detail: `encode refuses the decoded model: ${encoded.diagnostics.map((d) => d.message).join('; ')}` };
  const got = encoded.bytes;
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  if (i === got.length && i === want.length) return { status: 'identical', size: got.length };
  return { status: 'differs', offset: i, detail: `encoding the decoded table gives ${got.length} bytes that differ from the ${want.length} read, first at 0x${i.toString(16)}` };
}

export interface BuiltTopology {
  file: string;
  topology: Topology;
  resolved: ResolvedTopology;
  build: BuildResult;
  /** The tables the build wrote. */
  tables: TableSubject[];
}

/** Parses, resolves and builds a topology input: what `check`, `diff` and `golden` compare against tables. */
export function buildTopologyInput(file: string, text: string, numbering?: string): BuiltTopology {
  const topology = parseTopology(text, file);
  const resolved = resolveTopology(topology, numbering === undefined ? {} : { numbering });
  const build = buildOutputs(resolved);
  return { file, topology, resolved, build, tables: builtSubjects(file, build.outputs) };
}
