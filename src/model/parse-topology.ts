/**
 * Topology text (YAML, or JSON, which is YAML) to a validated Topology.
 *
 * Every problem is collected before anything is thrown: the YAML reader's
 * (syntax, duplicate keys, alias bombs, forbidden keys, non-JSON values) and
 * validateTopology's, each located at a line and column. Any input text
 * either yields a Topology or throws InputError; nothing else escapes.
 */
import { InputError, type Diagnostic } from '../diagnostic.js';
import { LimitCode, MAX_JSON_TOPOLOGY_CHARS, MAX_TOPOLOGY_CHARS } from '../limits.js';
import { readPlainJson } from './plain-json.js';
import type { Topology } from './topology-schema.js';
import { topologyWithDefaults, validateWithDefaults } from './validate-topology.js';
import { readYamlJson, type YamlJson } from './yaml-json.js';
import { appendAll } from '../append.js';

export function parseTopology(text: string, file: string): Topology {
  const plain = text.length <= MAX_JSON_TOPOLOGY_CHARS ? readPlainJson(text) : undefined;
  if (!plain && text.length > MAX_TOPOLOGY_CHARS) {
    throw new InputError([{ severity: 'error', code: LimitCode.topologyTooLarge, file, line: 1, column: 1,
      message: `the topology is ${text.length} characters long; topologies are limited to ${MAX_TOPOLOGY_CHARS} ` +
        `(a real one is a few KiB), or ${MAX_JSON_TOPOLOGY_CHARS} when written as plain JSON (no duplicate keys, integers only)` }]);
  }
  const source: YamlJson = plain ? { ...plain, diagnostics: [], unreliable: false, refused: [], spelling: () => undefined } : readYamlJson(text);
  const problems: Diagnostic[] = [...source.diagnostics];
  // Into a copy, though the parsed value is this function's own: the copy is the smaller of the two to keep (a build of
  // 100k endpoints peaked at ~510 MB with JSON.parse's objects filled in place, ~400 MB with structuredClone's).
  const value = topologyWithDefaults(source.value);
  // A tree cut short or mis-parsed would only produce echoes of the YAML errors.
  if (!source.unreliable) {
    const fresh = validateWithDefaults(value, source.spelling).filter((d) => !source.refused.some((p) => isAtOrBelow(d.path ?? '', p)));
    // One finding per device is possible: located in one pass, appended, not spread as arguments.
    appendAll(problems, located(source, fresh));
  }
  if (problems.length > 0) throw new InputError(sortedByPosition(problems.map((d) => ({ ...d, file }))));
  return value as Topology;
}

/** Unknown properties point at their key: the value is not what is wrong. */
function located(source: YamlJson, ds: readonly Diagnostic[]): Diagnostic[] {
  const at = source.locateAll(ds.map((d) => ({ path: d.path ?? '', at: d.code === 'unknown-property' ? ('key' as const) : ('value' as const) })));
  return ds.map((d, i) => ({ ...d, line: at[i]!.line, column: at[i]!.column }));
}

function isAtOrBelow(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

/** In reading order; sort is stable, so problems at one spot keep the order they were found in. */
function sortedByPosition(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
