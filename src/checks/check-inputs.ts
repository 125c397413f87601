/**
 * `ridmap check` without the CLI: loaded inputs (tables, at most one
 * topology) to findings and a summary. A topology given as an input is
 * built, and its tables are checked with the rest; it is also the reference
 * the tables are resolved against, unless `--topology` names another.
 */
import { hasErrors, InputError, type Diagnostic } from '../diagnostic.js';
import { parseTopology } from '../model/parse-topology.js';
import type { LinuxTarget } from '../model/linux-profile.js';
import { resolveTopology } from '../model/resolve.js';
import { DEFAULT_NUMBERING, NUMBERING_POLICIES } from '../model/numbering.js';
import { CheckSession, type TopologyUnderCheck } from './context.js';
import type { LoadedInput } from '../io/load-input.js';
import { buildTopologyInput } from '../io/topology-input.js';
import { keepSignatures, signaturesNotFound } from '../io/signatures.js';
import { CHECKS } from './registry.js';
import { runChecks, unreadIommuTables } from './run.js';
import { selectChecks, type CheckSelection } from './select.js';
import type { TableSubject } from '../io/subject.js';
import { summarize, type CheckSummary } from './summary.js';

export interface CheckOptions {
  /** The reference topology (`--topology`): resolves the tables, is not built. */
  topology?: { file: string; text: string };
  /** Numbering policies to check renumbering under (default: all). */
  policies?: readonly string[];
  /** The kernel series and firmware interface Linux's behaviour is predicted for (default: the newest profile, ACPI). */
  linux?: LinuxTarget;
  /** Which checks are listed (`--enable`, `--disable`; default: all). */
  checks?: CheckSelection;
  /** Only the ACPI tables of these signatures (`--signature`, io/signatures.ts); device trees always. */
  signatures?: readonly string[];
  /** Told each step (the topology's build, each check) before it runs: the CLI's progress line. */
  onStep?: (step: string) => void;
}

export interface CheckResult {
  findings: Diagnostic[];
  summary: CheckSummary;
  /** An input could not be read as a whole (exit 2). */
  inputError: boolean;
}

export function checkInputs(inputs: readonly LoadedInput[], opts: CheckOptions = {}): CheckResult {
  const shown = selectChecks(opts.checks ?? {}, CHECKS);
  const topologyInputs = inputs.filter((i) => i.topologyText !== undefined);
  if (topologyInputs.length + (opts.topology ? 1 : 0) > 1) {
    throw new InputError([{ severity: 'error', code: 'usage', message: 'check takes one topology: the platform the other inputs describe' }]);
  }
  const { topology, built } = referenceTopology(topologyInputs[0], opts.topology, opts.linux, opts.onStep);
  const baseline = topology?.resolved.numbering ?? DEFAULT_NUMBERING;
  const policies = [baseline, ...(opts.policies ?? NUMBERING_POLICIES.map((p) => p.name)).filter((p) => p !== baseline)];
  const all = [...built, ...inputs.flatMap((i) => i.tables)];
  const session = new CheckSession(keepSignatures(all, opts.signatures), topology, policies);

  const inputDiagnostics = [...inputs.flatMap((i) => i.diagnostics), ...signaturesNotFound(all, opts.signatures)];
  const run = runChecks(session, { shown, ...(opts.onStep ? { onStep: opts.onStep } : {}) });
  const findings = [...inputDiagnostics, ...run.findings];
  // A table that could not be read (kept as raw bytes) is bad input, as `decode` and `map` say (exit 2).
  const inputError = hasErrors(inputDiagnostics) || unreadIommuTables(session).length > 0;
  const selected = CHECKS.filter((c) => shown(c.id)).length;
  // Checks nothing could run are said when they were asked for by id; by default most inputs leave many out.
  const notRun = opts.checks?.enable?.length ? run.notRun : [];
  return { findings, summary: summarize(session, findings, selected, notRun), inputError };
}

/** The topology the tables are resolved against, and the tables it was built into when it is an input. */
function referenceTopology(
  input: LoadedInput | undefined,
  given: CheckOptions['topology'],
  linux: LinuxTarget | undefined,
  onStep: ((step: string) => void) | undefined,
): { topology?: TopologyUnderCheck; built: TableSubject[] } {
  onStep?.('resolving the topology');
  if (given) {
    const topology = parseTopology(given.text, given.file);
    return { topology: { file: given.file, topology, resolved: resolveTopology(topology, linux ? { linux } : {}) }, built: [] };
  }
  if (!input) return { built: [] };
  // Only the tables: check compares what the topology builds, never the map forms a build also writes.
  const built = buildTopologyInput(input.file, input.topologyText!, undefined, linux, { maps: false, ...(onStep ? { onStep: (output: string) => onStep(`building ${output}`) } : {}) });
  return { topology: built, built: built.tables };
}
