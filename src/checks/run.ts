/**
 * Runs the checks of a session: topology checks, then every applicable check
 * on each modelled table, then the checks over all tables together. Findings
 * get their check's id and severity, the table's file, and the byte offset of
 * the structure they name. What decoders, resolvers and the model found but
 * no check claims is kept as it is (a note under its own code), so nothing
 * found is lost and nothing is reported twice.
 */
import type { Diagnostic } from '../diagnostic.js';
import { allStructures, structureTree } from '../diff/structure-tree.js';
import { appliesToFormat, stamp, type Check, type TableCheck } from './check.js';
import type { CheckSession } from './context.js';
import { CHECKS } from './registry.js';
import type { TableSubject } from './subject.js';

export function runChecks(session: CheckSession, checks: readonly Check[] = CHECKS): Diagnostic[] {
  const claimedBy = (d: Diagnostic) => checks.some((c) => c.claims?.(d));
  const unclaimed = (ds: readonly Diagnostic[], file?: string) => ds.filter((d) => !claimedBy(d)).map((d) => (d.file || !file ? d : { ...d, file }));
  const out: Diagnostic[] = [];
  // One table can raise 100,000 findings (a 1 MB DMAR): appended one by one, as
  // push(...all) passes them as arguments and overflows a browser worker's stack.
  const add = (...lists: readonly Diagnostic[][]) => {
    for (const list of lists) for (const d of list) out.push(d);
  };
  const t = session.topology;

  add(runPlatform(session, checks, 'topology'));
  if (t) add(unclaimed(t.resolved.findings, t.file), unclaimed(t.build?.diagnostics ?? [], t.file));

  for (const table of session.checkedTables()) {
    const ctx = session.tableContext(table);
    const applicable = checks.filter((c): c is TableCheck => c.scope === 'table' && appliesToFormat(c, table.format) && (!c.needsTopology || !!t));
    const drafts = applicable.flatMap((c) => stamp(c, c.run(ctx)));
    add(withOffsets(table, drafts.map((d) => (d.file ? d : { ...d, file: table.file }))));
    add(unclaimed(table.diagnostics, table.file), unclaimed(ctx.map()?.findings ?? [], table.file));
  }

  // A table of a format ridmap models but kept as raw bytes (over MAX_MODELLED_TABLE_BYTES, acpi-table-too-large)
  // is not checked: its decode errors say why, as `decode` and `map` say them.
  for (const table of unreadIommuTables(session)) add(table.diagnostics.filter((d) => d.severity === 'error').map((d) => (d.file ? d : { ...d, file: table.file })));

  add(runPlatform(session, checks, 'platform'));
  return out;
}

/** Tables that say which IOMMU translates what but were not decoded field by field because of a decode error. */
export function unreadIommuTables(session: CheckSession): TableSubject[] {
  return session.tables.filter((t) => !t.modelled && t.resolve && t.diagnostics.some((d) => d.severity === 'error'));
}

function runPlatform(session: CheckSession, checks: readonly Check[], appliesTo: 'topology' | 'platform'): Diagnostic[] {
  return checks.flatMap((c) => (c.scope === 'platform' && c.appliesTo === appliesTo ? stamp(c, c.run(session)) : []));
}

/** A finding that names a structure (or one of its fixed fields) by path gets its offset, as decode diagnostics have (not the table's own 0). */
export function withOffsets(table: TableSubject, findings: Diagnostic[]): Diagnostic[] {
  if (!table.spec || findings.every((d) => d.offset !== undefined || !d.path)) return findings;
  const [, ...inner] = allStructures(structureTree(table.spec, table.model, table.name));
  // A structure by its path, and each of its fixed fields as `path.key` (`VIOT/PciRange[0].outputNode`).
  const offsets = new Map<string, number>();
  for (const n of inner) {
    offsets.set(n.path, n.offset);
    for (const f of n.fields) offsets.set(`${n.path}.${f.member.key}`, f.offset);
  }
  return findings.map((d) => (d.offset === undefined && d.path && offsets.has(d.path) ? { ...d, offset: offsets.get(d.path)! } : d));
}
