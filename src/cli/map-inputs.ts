/**
 * The inputs of `map` and `which` read into maps, one way for both: a
 * machine snapshot is its tables resolved against its own PCI tree; a
 * topology given alone is its own map; tables are each resolved by their
 * format (the first of a signature Linux reads once), against the one
 * topology there is, and combined. `which` asks the same maps one device's
 * question, so its answer is `map`'s line for that device, never a second
 * resolution.
 */
import { readDiagnostics, type LoadedInput } from '../io/load-input.js';
import { withOffsets } from '../io/finding-offsets.js';
import { selectTables, signaturesNotFound } from '../io/signatures.js';
import { repeatFinding, tablesLinuxReads } from '../io/read-tables.js';
import type { TableSubject } from '../io/subject.js';
import { combineMaps, firstTranslating, MAP_DEVICES_PER_TABLE } from '../model/combine-maps.js';
import { InputError, type Diagnostic } from '../diagnostic.js';
import { loadTopologyFile } from '../io/load-topology.js';
import { parseTopology } from '../model/parse-topology.js';
import { resolveTopology } from '../model/resolve.js';
import type { ResolvedTopology } from '../model/resolved.js';
import type { TranslationMap } from '../model/translation-map.js';
import type { CliContext } from './context.js';
import { readInputFiles } from './snapshot-input.js';
import type { Command } from 'commander';
import { firmwareOption, includeDirOption, linuxTarget, numberingOption, osOption, signatureOption, verboseOption } from './options.js';
import { appendAll } from '../append.js';
import type { Progress } from './progress.js';

export interface MapInputOptions {
  numbering: string;
  os: string;
  firmware: string;
  topology?: string;
  includeDir?: string[];
  /** `--signature`: the ACPI tables looked at (io/signatures.ts). */
  signature?: string[];
}

/** One table's own map (with the table entries that decide each RID), before combining. */
export interface TableMap {
  table: TableSubject;
  map: TranslationMap;
}

/** Tables resolved, with the topology they were resolved against. */
export interface TablesMapped {
  resolved?: ResolvedTopology;
  /** Each table Linux reads that has a resolver, in input order. */
  perTable: TableMap[];
  map: TranslationMap;
  /** Reading's diagnostics (exit 2 when any is an error). */
  inputDiagnostics: Diagnostic[];
  /** Reading's, repeats' and the map's findings, to show (under -v for the quiet ones). */
  notes: Diagnostic[];
  /** `file: SIG` of every table read, for titles. */
  names: string;
}

/** Topologies alone (each its own map), or tables with what resolves them. */
export type MapInputs = { kind: 'topologies'; topologies: { file: string; resolved: ResolvedTopology }[] } | ({ kind: 'tables' } & TablesMapped);

/** The options that say how readMapInputs resolves (numbering, Linux target, includes, --signature) and -v: map's and which's alike. */
export function withMapInputOptions(command: Command): Command {
  return command
    .addOption(numberingOption())
    .addOption(osOption())
    .addOption(firmwareOption())
    .addOption(verboseOption())
    .addOption(includeDirOption())
    .addOption(signatureOption());
}

export async function readMapInputs(ctx: CliContext, inputs: readonly string[], opts: MapInputOptions, progress?: Progress): Promise<MapInputs> {
  const topologies: { file: string; text: string }[] = [];
  const tableInputs: LoadedInput[] = [];
  let fromMachine = false;
  for await (const read of readInputFiles(inputs, opts.includeDir ?? [], progress)) {
    if ('machine' in read) {
      // A machine snapshot: its tables, resolved against its own PCI tree.
      fromMachine = true;
      ctx.report(read.machine.warnings);
      topologies.push({ file: read.file, text: read.machine.topologyText });
      appendAll(tableInputs, read.machine.tables);
    } else if (read.loaded.topologyText !== undefined) topologies.push({ file: read.file, text: read.loaded.topologyText });
    else tableInputs.push(read.loaded);
  }

  const resolveOptions = { numbering: opts.numbering, linux: linuxTarget(opts) };
  if (tableInputs.length === 0) {
    return { kind: 'topologies', topologies: topologies.map((t) => {
      progress?.step(`resolving ${t.file}`);
      return { file: t.file, resolved: resolveTopology(parseTopology(t.text, t.file), resolveOptions) };
    }) };
  }
  if (topologies.length + (opts.topology ? 1 : 0) > 1) throw usageError('give one topology to resolve tables against');
  const topology = opts.topology ? loadTopologyFile(opts.topology) : topologies[0] ? parseTopology(topologies[0].text, topologies[0].file) : undefined;
  progress?.step('resolving the topology');
  const resolved = topology ? resolveTopology(topology, resolveOptions) : undefined;

  const chosen = selectTables(tableInputs, opts.signature);
  const inputDiagnostics = [...chosen.flatMap(readDiagnostics), ...signaturesNotFound(tableInputs.flatMap((i) => i.tables), opts.signature)];
  // Each table its format's resolver can read says its part (the first of a signature Linux reads once);
  // the others say nothing about IOMMUs.
  const { read, repeats } = tablesLinuxReads(chosen.flatMap((i) => i.tables));
  const perTable = read.flatMap((t) => {
    progress?.step(`resolving ${t.name}`);
    if (!t.resolve) return [];
    // Findings with the offset of the structure their path names, as check prints them.
    const map = t.resolve(resolved);
    return [{ table: t, map: { ...map, findings: withOffsets(t, map.findings) } }];
  });
  const maps = perTable.map((m) => ({ map: m.map, file: m.table.file }));
  const map = combineMaps(maps);
  if (fromMachine && resolved && !map.devices) {
    // One machine's tables (a VIOT beside its IORT): each device is the first driver's that takes it, as in Linux.
    Object.assign(map, firstTranslating(maps.map((m) => m.map)));
    map.findings = map.findings.filter((d) => d.code !== MAP_DEVICES_PER_TABLE);
  }
  const notes = [...inputDiagnostics, ...repeats.map(repeatFinding), ...map.findings];
  const names = chosen.flatMap((i) => i.tables.map((t) => `${t.file}: ${t.name}`)).join(', ');
  return { kind: 'tables', ...(resolved ? { resolved } : {}), perTable, map, inputDiagnostics, notes, names };
}

export function usageError(message: string): InputError {
  return new InputError([{ severity: 'error', code: 'usage', message }]);
}
