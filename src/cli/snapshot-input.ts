/**
 * A machine snapshot (`ridmap snapshot`'s archive or its unpacked directory)
 * as an input of map and check: its IOMMU tables as table inputs, its PCI
 * tree as the topology they are resolved against. The snapshot is sniffed by
 * form (a directory holding the manifest, a gzip or tar file), since no other
 * input ridmap reads is either.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import type { HostSnapshot } from '../import/host/host-snapshot.js';
import { hostTopology, hostTopologyYaml } from '../import/host/host-topology.js';
import { readSysfsSnapshot } from '../import/sysfs/read-sysfs-snapshot.js';
import { MANIFEST, SNAPSHOT_DIR } from '../import/sysfs/snapshot-files.js';
import { isGzip, isTar, TAR_MAGIC_AT } from '../import/sysfs/tar-archive.js';
import { loadInput, type LoadedInput } from '../io/load-input.js';
import { loadInputFile } from '../io/load-input-file.js';
import { inputName, readInputBytes, STDIN_ARG } from '../io/read-input.js';
import type { Comparison } from '../model/linux-verdict.js';
import type { Progress } from './progress.js';

export interface SnapshotInput {
  snapshot: HostSnapshot;
  /** The machine's PCI tree as topology YAML (import sysfs's). */
  topologyText: string;
  topology: ReturnType<typeof hostTopology>['topology'];
  /** Every firmware table of the snapshot, each an input named `SNAPSHOT#NAME`. */
  tables: LoadedInput[];
  /** What the reader and the topology builder could not tell. */
  warnings: Diagnostic[];
}

/** The snapshot's form: a directory with the manifest, or a gzip or tar archive. */
export function isSnapshot(path: string): boolean {
  // Standard input is read once, and what it gave kept: its first bytes say whether it is an archive.
  if (path === STDIN_ARG) return isArchive(readInputBytes(path));
  let st;
  try {
    st = statSync(path);
  } catch {
    return false;
  }
  if (st.isDirectory()) return existsSync(join(path, MANIFEST)) || existsSync(join(path, SNAPSHOT_DIR, MANIFEST));
  return st.isFile() && isSnapshotArchive(path);
}

/** A gzip or tar file, by its first bytes: no other input ridmap reads is either. False when it cannot be read (its reader says why). */
export function isSnapshotArchive(path: string): boolean {
  const head = new Uint8Array(TAR_MAGIC_AT + 5);
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return isArchive(head.subarray(0, n));
}

function isArchive(bytes: Uint8Array): boolean {
  return isGzip(bytes) || isTar(bytes);
}

export async function loadSnapshotInput(path: string): Promise<SnapshotInput> {
  const snapshot = await readSysfsSnapshot(path);
  const built = hostTopology(snapshot);
  const tables: LoadedInput[] = [];
  for (const t of snapshot.tables) tables.push(await loadInput(`${inputName(path)}#${t.name}`, t.bytes));
  return {
    snapshot,
    topology: built.topology,
    topologyText: hostTopologyYaml(snapshot, built, { schemaRef: '', importedBy: 'ridmap' }),
    tables,
    warnings: hostWarnings(snapshot, built.warnings),
  };
}

/** One input as read: a machine snapshot (its tables and its PCI tree), or any other file loaded as it is. */
export type InputRead = { file: string; machine: SnapshotInput } | { file: string; loaded: LoadedInput };

/**
 * The inputs of map, which and check, read in order, one at a time (a step
 * of the progress line each), each snapshot sniffed by its form: the one
 * loop those commands share. A generator, so a caller says what an input
 * gave (a snapshot's warnings) before the next one is read.
 */
export async function* readInputFiles(inputs: readonly string[], includeDirs: readonly string[], progress?: Progress): AsyncGenerator<InputRead> {
  for (const file of inputs) {
    progress?.step(`reading ${inputName(file)}`);
    if (isSnapshot(file)) yield { file: inputName(file), machine: await loadSnapshotInput(file) };
    else yield { file, loaded: await loadInputFile(file, { includeDirs: [...includeDirs] }) };
  }
}

/** What the reader and the topology builder could not tell, as warnings naming the input. */
export function hostWarnings(snapshot: HostSnapshot, more: readonly string[]): Diagnostic[] {
  return [...snapshot.warnings, ...more].map((message) => ({ severity: 'warning', code: 'host-snapshot', file: snapshot.source, message }));
}

/** One line: on how many devices ridmap's map of the machine's tables and Linux agree. */
export function verdictSummary(c: Comparison): string {
  const compared = c.devices.filter((d) => d.ridmap !== null && d.linux !== null);
  const iommuAgree = compared.filter((d) => d.iommuAgrees).length;
  const groups = c.groupDifferences.length === 0 ? 'the same groups' : `${c.groupDifferences.length} group difference(s)`;
  return `Linux and ridmap: ${iommuAgree} of ${compared.length} devices get the same IOMMU, ${groups}${c.agree ? ' (agree)' : ''}`;
}
