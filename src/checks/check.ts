/**
 * A check is a named record (DESIGN practice 5): a stable kebab-case id, a
 * severity, what it applies to, a description and a function returning
 * findings. Every check lives in one table (registry.ts); each id has a
 * negative fixture under test/fixtures/checks/ that raises exactly it.
 *
 * A check's run returns finding drafts without an id: the record stamps its
 * own id and severity on them, so that a check cannot report under another
 * name. A draft may lower the severity (a RID-keyed table that breaks under
 * renumbering is a warning where DMAR is an error), never raise it.
 */
import type { Diagnostic, Severity } from '../diagnostic.js';
import type { PlatformContext, TableContext } from './context.js';

export type FindingDraft = Omit<Diagnostic, 'code' | 'severity'> & { severity?: Severity };

interface CheckBase {
  id: string;
  severity: Severity;
  description: string;
  /**
   * Codes of findings made elsewhere (decode diagnostics, resolver and model
   * findings) that this check reports under its own id; the runner keeps
   * unclaimed ones as notes, so nothing is reported twice or lost.
   */
  claims?: (finding: Diagnostic) => boolean;
  /**
   * Set when only a bug in ridmap can make the check fire (decode then encode
   * not giving the bytes back): no input is a fixture for it, so a unit test
   * drives it with a deliberately broken codec instead.
   */
  invariant?: true;
}

/** Runs once per table whose format it applies to. */
export interface TableCheck extends CheckBase {
  scope: 'table';
  /** A format name (`DMAR`, `VIOT`, `IORT`, `DT`) or ANY_FORMAT. */
  appliesTo: string;
  /** Needs the reference topology (skipped without one). */
  needsTopology?: true;
  run(ctx: TableContext): FindingDraft[];
}

/** Runs once per check: over the topology (`topology`) or over all tables together (`platform`). */
export interface PlatformCheck extends CheckBase {
  scope: 'platform';
  appliesTo: 'topology' | 'platform';
  run(ctx: PlatformContext): FindingDraft[];
}

export type Check = TableCheck | PlatformCheck;

export const ANY_FORMAT = '*';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The drafts as diagnostics under the check's id; a draft's severity may only be lower than the check's. */
export function stamp(check: Check, drafts: readonly FindingDraft[]): Diagnostic[] {
  return drafts.map((d) => {
    const severity = d.severity !== undefined && RANK[d.severity] < RANK[check.severity] ? d.severity : check.severity;
    return { ...d, severity, code: check.id };
  });
}

export function appliesToFormat(check: TableCheck, format: string): boolean {
  return check.appliesTo === ANY_FORMAT || check.appliesTo === format;
}

/** A claims predicate for a list of codes. */
export function byCodes(codes: readonly string[]): (d: Diagnostic) => boolean {
  return (d) => codes.includes(d.code);
}

/**
 * Findings made elsewhere that a check claims, as drafts: file, path and
 * offset kept; the original code is added to the message when it is not the
 * check's own id, so the precise problem stays searchable.
 */
export function claimed(findings: readonly Diagnostic[], claims: (d: Diagnostic) => boolean, checkId: string): FindingDraft[] {
  return findings
    .filter(claims)
    .map(({ code, severity: _severity, message, ...rest }) => ({ ...rest, message: code === checkId ? message : `${message} (${code})` }));
}
