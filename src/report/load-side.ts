/**
 * One side of the page (or of a diff): the files a user gave, read as the CLI
 * reads them. A file that cannot be read at all becomes diagnostics (the
 * InputError's), never an exception, so that the other files still show.
 * There is no file system: a DTS's `/include/`s are the other files given
 * (`.dtsi` and `.h` files are only that, not inputs of their own).
 */
import { loadInput, readDiagnostics, type LoadedInput } from '../io/load-input.js';
import { buildTopologyInput, type BuiltTopology } from '../io/topology-input.js';
import type { TableSubject } from '../io/subject.js';
import { InputError, type Diagnostic } from '../diagnostic.js';
import { appendAll } from '../append.js';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface Side {
  /** The inputs that could be read: tables, and at most one topology (as text). */
  inputs: LoadedInput[];
  /** That topology, built: what tables are resolved against, and the tables it makes. */
  topology?: BuiltTopology;
  /**
   * What reading the files said, as `ridmap decode` says it: files that
   * cannot be read, a topology that does not parse (or a second one), and
   * the errors and warnings of decoding each table.
   */
  diagnostics: Diagnostic[];
}

/** What throws InputError (unreadable input, a usage problem) gives its diagnostics instead. */
export function caught<T>(f: () => T): { value: T } | { diagnostics: Diagnostic[] } {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof InputError) return { diagnostics: e.diagnostics };
    throw e;
  }
}

const INCLUDE_ONLY = /\.(dtsi|h)$/i;

/** An included file, by its name (the directories in an `/include/` path mean nothing here). */
function includes(files: readonly NamedBytes[]): (path: string) => string | undefined {
  return (path) => {
    const wanted = path.split('/').pop();
    const found = files.find((f) => f.name.split('/').pop() === wanted);
    return found && new TextDecoder().decode(found.bytes);
  };
}

export async function loadSide(files: readonly NamedBytes[]): Promise<Side> {
  const side: Side = { inputs: [], diagnostics: [] };
  const readInclude = includes(files);
  for (const file of files.filter((f) => !INCLUDE_ONLY.test(f.name))) {
    let input: LoadedInput;
    try {
      input = await loadInput(file.name, file.bytes, { readInclude });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      appendAll(side.diagnostics, e.diagnostics);
      continue;
    }
    if (input.topologyText === undefined) {
      side.inputs.push(input);
      appendAll(side.diagnostics, readDiagnostics(input).filter((d) => d.severity !== 'info'));
      continue;
    }
    if (side.topology) {
      side.diagnostics.push({ severity: 'error', code: 'usage', file: file.name,
        message: 'one topology at a time: the platform the other inputs describe (compare two topologies side by side instead)' });
      continue;
    }
    const built = caught(() => buildTopologyInput(file.name, input.topologyText!));
    if ('diagnostics' in built) {
      appendAll(side.diagnostics, built.diagnostics);
      continue;
    }
    side.topology = built.value;
    side.inputs.push(input);
  }
  return side;
}

/** Every table of a side: the inputs' own, then the ones its topology builds. */
export function sideTables(side: Side): TableSubject[] {
  return [...side.inputs.flatMap((i) => i.tables), ...(side.topology?.tables ?? [])];
}
