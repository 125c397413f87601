/**
 * A check is a named record (DESIGN practice 5): a stable kebab-case id, a
 * severity, a description, what it needs before it can run, and a function
 * computing its findings. Every check lives in one table (registry.ts); each
 * id has a negative fixture under test/fixtures/checks/ that raises exactly it.
 *
 * A check computes its findings itself: from the decoded table, from the
 * table's own finding functions or its translation map, from the topology.
 * Nothing is "claimed" on its behalf: what decode, a resolver or the model
 * found and no check reported is listed by the runner as it is, under its own
 * code (run.ts), so nothing found is lost.
 *
 * A check's run returns finding drafts without an id: the record stamps its
 * own id and severity on them, so that a check cannot report under another
 * name. A draft may lower the severity (a RID-keyed table that breaks under
 * renumbering is a warning where DMAR is an error), never raise it.
 */
import type { Diagnostic, Severity } from '../diagnostic.js';
import type { CheckSession, TableContext } from './context.js';

export type FindingDraft = Omit<Diagnostic, 'code' | 'severity'> & {
  severity?: Severity;
  /**
   * The diagnostics of decode, a resolver, the model or a build that this
   * finding reports (or states again in its own words): the runner does not
   * list them a second time. Never printed.
   */
  reports?: readonly Diagnostic[];
};

/** Any format: a check of every modelled table. */
export const ANY_FORMAT = '*';

/**
 * What a check needs. The runner runs a check only where its needs are met,
 * and says which selected checks could run nowhere, and why (needsText).
 */
export interface Needs {
  /**
   * A decoded table of this format (`DMAR`, `IORT`, `VIOT`, `DT`, or
   * ANY_FORMAT): the check runs once per such table. Without it the check
   * runs once per `check` run.
   */
  table?: string;
  /** The table's translation map: its format has a resolver. */
  map?: true;
  /** The reference topology: --topology, or a topology among the inputs. */
  topology?: true;
  /** A topology among the inputs, built into tables (what the build refused). */
  build?: true;
  /** The tables of all inputs together (compared with each other, or repeats found among them). */
  tables?: true;
}

export interface Check {
  id: string;
  severity: Severity;
  description: string;
  needs: Needs;
  /**
   * Set when only a bug in ridmap can make the check fire (decode then encode
   * not giving the bytes back): no input is a fixture for it, so a unit test
   * drives it with a deliberately broken codec instead.
   */
  invariant?: true;
  /** Per table (needs.table): a TableContext; otherwise the session. */
  run(ctx: CheckContext): FindingDraft[];
}

export type CheckContext = TableContext | CheckSession;

type Spec = Omit<Check, 'run' | 'needs'>;

/** A check that runs on each table of a format. */
export function tableCheck(spec: Spec & { needs: Needs & { table: string }; run(ctx: TableContext): FindingDraft[] }): Check {
  return { ...spec, run: (ctx) => (isSession(ctx) ? [] : spec.run(ctx)) };
}

/** A check that runs once per `check` run: on the topology, the build, or all tables together. */
export function sessionCheck(spec: Spec & { needs: Omit<Needs, 'table' | 'map'>; run(session: CheckSession): FindingDraft[] }): Check {
  return { ...spec, run: (ctx) => (isSession(ctx) ? spec.run(ctx) : []) };
}

function isSession(ctx: CheckContext): ctx is CheckSession {
  return !('session' in ctx);
}

export function appliesToFormat(check: Check, format: string): boolean {
  return check.needs.table === ANY_FORMAT || check.needs.table === format;
}

/** What a check needs, in words (the help text, and why a check could not run). */
export function needsText(needs: Needs): string {
  const parts: string[] = [];
  if (needs.table) parts.push(needs.table === ANY_FORMAT ? 'any table' : needs.table === 'DT' ? 'a Device Tree' : `${/^[AEIOU]/.test(needs.table) ? 'an' : 'a'} ${needs.table}`);
  if (needs.map) parts.push('its translation map');
  if (needs.topology) parts.push('a topology (--topology, or a topology input)');
  if (needs.build) parts.push('a topology input (built)');
  if (needs.tables) parts.push('the tables of all inputs');
  return parts.join(', ');
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The drafts as diagnostics under the check's id; a draft's severity may only be lower than the check's. */
export function stamp(check: Check, drafts: readonly FindingDraft[]): (Diagnostic & Pick<FindingDraft, 'reports'>)[] {
  return drafts.map((d) => {
    const severity = d.severity !== undefined && RANK[d.severity] < RANK[check.severity] ? d.severity : check.severity;
    return { ...d, severity, code: check.id };
  });
}

/**
 * A finding that reports a diagnostic another part of ridmap made (a decode
 * diagnostic, a resolver's or the model's finding): file, path and offset
 * kept; the original code added to the message when it is not the check's
 * own id, so that the precise problem stays searchable.
 */
export function reporting(d: Diagnostic, checkId: string): FindingDraft {
  const { code, severity: _severity, message, ...rest } = d;
  return { ...rest, message: code === checkId ? message : `${message} (${code})`, reports: [d] };
}

/** The diagnostics with one of these codes, each reported as a finding of the check. */
export function reportCodes(ds: readonly Diagnostic[], codes: ReadonlySet<string>, checkId: string): FindingDraft[] {
  return ds.filter((d) => codes.has(d.code)).map((d) => reporting(d, checkId));
}
