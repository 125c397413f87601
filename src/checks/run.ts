/**
 * Runs the checks of a session: the checks of the topology and its build,
 * then every check whose needs a table meets on each modelled table, then the
 * checks over all tables together. Findings get their check's id and
 * severity, the table's file, and the byte offset of the structure they name.
 *
 * Nothing found is lost: every diagnostic that decoding a table, resolving
 * its map, resolving the topology or building it made, and that no finding of
 * a check run on that same source reports (FindingDraft.reports), is listed
 * as it is, under its own code. So a finding no named check covers yet still
 * reaches `check`'s output with its severity (and its exit status), and one a
 * check covers is listed once.
 *
 * Which checks are shown is the caller's (`--enable`, `--disable`): every
 * check whose needs are met still runs, so that what a hidden check covers
 * is not listed again under its original code.
 */
import type { Diagnostic } from '../diagnostic.js';
import { withOffsets } from '../io/finding-offsets.js';
import { appliesToFormat, needsText, stamp, type Check, type CheckContext } from './check.js';
import type { CheckSession } from './context.js';
import { CHECKS } from './registry.js';
import { tableReadDiagnostics } from '../io/load-input.js';
import type { TableSubject } from '../io/subject.js';
import { appendAll } from '../append.js';

export interface RunOptions {
  checks?: readonly Check[];
  /** Whether a check's findings are listed (default: all). */
  shown?: (id: string) => boolean;
  /** Told what is checked next (the topology, a table, the tables together: the CLI's progress line); never per check or item. */
  onStep?: (step: string) => void;
}

export interface CheckRun {
  findings: Diagnostic[];
  /** Checks shown but run on nothing: no input met their needs. */
  notRun: { id: string; needs: string }[];
}

export function runChecks(session: CheckSession, opts: RunOptions = {}): CheckRun {
  const checks = opts.checks ?? CHECKS;
  const shown = opts.shown ?? (() => true);
  const step = opts.onStep ?? (() => {});
  const ran = new Set<string>();
  const out: Diagnostic[] = [];
  // One table can raise 100,000 findings (a 1 MB DMAR): appended one by one (append.ts).
  const add = (list: readonly Diagnostic[]) => appendAll(out, list);
  const t = session.topology;

  // The topology and its build: their checks, then what they found that no check reported.
  const onTopology = checks.filter((c) => !c.needs.table && !c.needs.tables && c.needs.topology && !!t && (!c.needs.build || !!t.build));
  if (t) step('checking the topology');
  const topologyRun = runOn(onTopology, session, shown, ran);
  add(topologyRun.findings);
  if (t) add(unreported([...t.resolved.findings, ...(t.build?.diagnostics ?? [])], topologyRun.reported, t.file));

  for (const table of session.checkedTables()) {
    const ctx = session.tableContext(table);
    const applicable = checks.filter((c) => appliesToFormat(c, table.format) && (!c.needs.topology || !!t) && (!c.needs.map || !!table.resolve));
    step(`checking ${table.name}`);
    const tableRun = runOn(applicable, ctx, shown, ran);
    add(withOffsets(table, tableRun.findings.map((d) => (d.file ? d : { ...d, file: table.file }))));
    add(unreported([...tableReadDiagnostics(table), ...(ctx.map()?.findings ?? [])], tableRun.reported, table.file));
  }

  // A table of a format ridmap models but kept as raw bytes (over MAX_MODELLED_TABLE_BYTES, acpi-table-too-large)
  // is not checked: its decode errors say why, as `decode` and `map` say them.
  for (const table of unreadIommuTables(session)) add(table.diagnostics.filter((d) => d.severity === 'error').map((d) => (d.file ? d : { ...d, file: table.file })));

  step('checking the tables together');
  add(runOn(checks.filter((c) => c.needs.tables), session, shown, ran).findings);

  const notRun = checks.filter((c) => shown(c.id) && !ran.has(c.id)).map((c) => ({ id: c.id, needs: needsText(c.needs) }));
  return { findings: out, notRun };
}

/** Runs the checks on one source: the findings to list, and the keys of the diagnostics they report. */
function runOn(checks: readonly Check[], ctx: CheckContext, shown: (id: string) => boolean, ran: Set<string>): { findings: Diagnostic[]; reported: Set<string> } {
  const findings: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const c of checks) {
    ran.add(c.id);
    const listed = shown(c.id);
    for (const { reports, ...d } of stamp(c, c.run(ctx))) {
      for (const r of reports ?? []) reported.add(keyOf(r));
      if (listed) findings.push(d);
    }
  }
  return { findings, reported };
}

/** A diagnostic as found (its offset may be added later, its file by the runner). */
const keyOf = (d: Diagnostic) => `${d.code}\0${d.path ?? ''}\0${d.line ?? ''}\0${d.message}`;

function unreported(found: readonly Diagnostic[], reported: ReadonlySet<string>, file: string): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of found) {
    const key = keyOf(d);
    // The same finding from decode and from the map (a DT map walk repeats the tree's checks) is listed once.
    if (reported.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push(d.file ? d : { ...d, file });
  }
  return out;
}

/** Tables that say which IOMMU translates what but were not decoded field by field because of a decode error. */
export function unreadIommuTables(session: CheckSession): TableSubject[] {
  return session.tables.filter((t) => !t.modelled && t.resolve && t.diagnostics.some((d) => d.severity === 'error'));
}
