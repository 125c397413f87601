/**
 * What `check` did, per table: lint findings, round trip, agreement with the
 * topology and renumbering invariance per policy (device by device where
 * something changed). The JSON form is the `summary` of `check --format
 * json`; the text form is what `check` prints on stdout.
 */
import type { Diagnostic, Severity } from '../diagnostic.js';
import { hex2 } from '../map/format-common.js';
import { formatBdf } from '../model/rid.js';
import { consistencyOf, describeAnswer } from './consistency.js';
import type { CheckSession } from './context.js';
import { renumberingOf } from './renumbering.js';
import { roundTripOf } from './round-trip.js';
import type { RoundTrip, TableSubject } from '../io/subject.js';

export interface TableSummary {
  table: string;
  format: string;
  file: string;
  origin: 'input' | 'built';
  findings: Record<Severity, number>;
  roundTrip: string;
  /** What the table's map leaves out (scopes that need a topology): the checks that compare maps saw only the rest. */
  partial?: string[];
  /** Against the topology: devices compared, and those the table gets wrong. */
  consistency?: { devices: number; untranslated: string[]; mismatched: string[]; iommusFromTable?: true };
  renumbering?: {
    policy: string;
    devices: number;
    unchanged: number;
    skipped?: string;
    changed: { id: string; oldRid: string; newRid: string; before: string; after: string; expected: string }[];
  }[];
}

export interface CheckSummary {
  topology?: { file: string; numbering: string; devices: number; built: string[] };
  tables: TableSummary[];
  /** Tables that ridmap does not model, so no check ran on them. */
  notChecked: string[];
  /** Tables with the same bytes as an earlier one of their signature in the same dump: checked once (table-repeated). */
  copies?: string[];
  /** Among them, the ones that say which IOMMU translates what (IVRS, RIMT): what leaving them out means. */
  notModelledIommuTables?: string[];
  checks: number;
  /** Checks asked for by id (--enable) that no input let run, and what they need. */
  notRun?: { id: string; needs: string }[];
  counts: Record<Severity, number>;
}

function roundTripText(r: RoundTrip): string {
  switch (r.status) {
    case 'identical':
      return r.checksum
        ? `identical except the checksum, which encode corrects (stored 0x${hex2(r.checksum.stored)}, computed 0x${hex2(r.checksum.computed)}; ${r.size} bytes)`
        : `identical (${r.size} bytes)`;
    case 'equivalent': return `equivalent: ${r.detail}`;
    case 'differs': return `differs: ${r.detail}`;
    case 'skipped': return `skipped: ${r.reason}`;
  }
}

function count(findings: readonly Diagnostic[]): Record<Severity, number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const d of findings) c[d.severity]++;
  return c;
}

export function summarize(session: CheckSession, findings: readonly Diagnostic[], checks: number, notRun: CheckSummary['notRun'] = []): CheckSummary {
  const t = session.topology;
  const findingsOf = findingsByTable(session, findings);
  const tables = session.checkedTables().map((table): TableSummary => {
    const ctx = session.tableContext(table);
    const rt = roundTripOf(ctx);
    const roundTrip =
      roundTripText(rt.bytes) +
      (rt.builtModelKept === undefined ? '' : rt.builtModelKept ? '; decodes to the model it was built from' : '; does not decode to the model it was built from');
    const cons = consistencyOf(ctx);
    const ren = renumberingOf(ctx);
    const gaps = ctx.map()?.gaps ?? [];
    return {
      table: table.name,
      format: table.format,
      file: table.file,
      origin: table.builtFrom ? 'built' : 'input',
      findings: count(findingsOf(table)),
      roundTrip,
      ...(gaps.length ? { partial: gaps.map((g) => g.message) } : {}),
      ...(cons ? {
        consistency: {
          devices: cons.devices,
          untranslated: cons.disagreements.filter((d) => d.kind === 'untranslated').map((d) => d.expected.id),
          mismatched: cons.disagreements.filter((d) => d.kind === 'mismatch').map((d) => d.expected.id),
          ...(cons.iommusFromTable ? { iommusFromTable: true as const } : {}),
        },
      } : {}),
      ...(ren ? {
        renumbering: ren.map((row) => ({
          policy: row.policy,
          devices: row.devices,
          unchanged: row.devices - row.changed.length,
          ...(row.skipped ? { skipped: row.skipped } : {}),
          changed: row.changed.map((c) => ({
            id: c.id,
            oldRid: formatBdf(c.oldRid),
            newRid: formatBdf(c.newRid),
            before: describeAnswer(c.before),
            after: describeAnswer(c.after),
            expected: describeAnswer(c.expected),
          })),
        })),
      } : {}),
    };
  });
  return {
    ...(t ? {
      topology: {
        file: t.file,
        numbering: t.resolved.numbering,
        devices: t.resolved.map.devices?.length ?? 0,
        built: (t.build?.outputs ?? []).filter((o) => o.data instanceof Uint8Array).map((o) => o.name),
      },
    } : {}),
    tables,
    notChecked: session.tables.filter((x) => !x.modelled).map((x) => `${x.file}:${x.name}`),
    ...notModelledIommu(session),
    ...copiesOf(session),
    checks,
    ...(notRun.length ? { notRun } : {}),
    counts: count(findings),
  };
}

/**
 * Each table's findings, grouped once (linear: a dump of 1,000 tables and
 * 100,000 findings must not filter all findings per table). A file's only
 * table owns all its findings: a Device Tree's paths are node paths
 * (`/pcie@...`), a DTS's problems have a line. Otherwise a finding belongs to
 * the table its path starts with (`DMAR[1]/DRHD[0]` to `DMAR[1]`).
 */
function findingsByTable(session: CheckSession, findings: readonly Diagnostic[]): (table: TableSubject) => readonly Diagnostic[] {
  const tablesPerFile = new Map<string, number>();
  for (const t of session.tables) tablesPerFile.set(t.file, (tablesPerFile.get(t.file) ?? 0) + 1);
  const byFile = new Map<string, Diagnostic[]>();
  const byTable = new Map<string, Diagnostic[]>();
  const push = (m: Map<string, Diagnostic[]>, key: string, d: Diagnostic) => {
    const list = m.get(key);
    if (list) list.push(d);
    else m.set(key, [d]);
  };
  for (const d of findings) {
    if (d.file === undefined) continue;
    push(byFile, d.file, d);
    const path = d.path ?? '';
    const slash = path.indexOf('/');
    push(byTable, `${d.file}\0${slash < 0 ? path : path.slice(0, slash)}`, d);
  }
  return (table) => (tablesPerFile.get(table.file) === 1 ? byFile.get(table.file) : byTable.get(`${table.file}\0${table.name}`)) ?? [];
}

function copiesOf(session: CheckSession): Pick<CheckSummary, 'copies'> {
  const copies = session.readTables().repeats.filter((r) => r.identical).map((r) => `${r.table.file}:${r.table.name} (= ${r.first.name})`);
  return copies.length ? { copies } : {};
}

function notModelledIommu(session: CheckSession): Pick<CheckSummary, 'notModelledIommuTables'> {
  const lines = session.tables
    .filter((x) => !x.modelled)
    .flatMap((x) => (session.mapOf(x, null)?.gaps ?? []).map((g) => `${x.file}:${x.name}: ${g.message}`));
  return lines.length ? { notModelledIommuTables: lines } : {};
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatSummary(s: CheckSummary): string {
  const lines: string[] = [];
  if (s.topology) {
    const built = s.topology.built.length ? `, built ${s.topology.built.join(', ')}` : '';
    lines.push(`topology ${s.topology.file}: ${plural(s.topology.devices, 'device')} under the ${s.topology.numbering} numbering${built}`, '');
  }
  for (const t of s.tables) {
    lines.push(`${t.table} from ${t.file}${t.origin === 'built' ? ' (built)' : ''}`);
    const f = t.findings;
    lines.push(`  findings     ${f.error || f.warning ? `${plural(f.error, 'error')}, ${plural(f.warning, 'warning')}` : 'none'}`);
    lines.push(`  round trip   ${t.roundTrip}`);
    for (const p of t.partial ?? []) lines.push(`  map          ${p}`);
    if (t.consistency) {
      const c = t.consistency;
      const wrong = [...c.untranslated.map((id) => `${id} untranslated`), ...c.mismatched.map((id) => `${id} differs`)];
      lines.push(
        c.iommusFromTable
          ? `  topology     names no IOMMU: the table's scopes were followed through its PCI tree (${plural(c.devices, 'device')}), the IOMMUs are the table's`
          : `  topology     ${wrong.length ? `${plural(wrong.length, 'device')} of ${c.devices} disagree: ${wrong.join(', ')}` : `all ${plural(c.devices, 'device')} agree`}`,
      );
    }
    for (const r of t.renumbering ?? []) {
      const what = r.skipped
        ? `not checked: ${r.skipped}`
        : r.changed.length
          ? `${r.changed.length} of ${r.devices} change: ${r.changed.map((c) => `${c.id} ${c.oldRid}->${c.newRid} ${c.before} -> ${c.after}`).join('; ')}`
          : `${plural(r.devices, 'device')} keep their IOMMU and output IDs`;
      lines.push(`  renumbering  ${r.policy}${r === t.renumbering![0] ? ' (baseline)' : ''}: ${what}`);
    }
    lines.push('');
  }
  if (s.copies) lines.push(`checked once (the same bytes as an earlier table of the dump): ${s.copies.length} table(s): ${s.copies.slice(0, 3).join(', ')}${s.copies.length > 3 ? ', ...' : ''}`, '');
  if (s.notChecked.length) lines.push(`not checked (ridmap does not model them): ${s.notChecked.length} table(s)`, ...(s.notModelledIommuTables ?? []).map((l) => `  ${l}`), '');
  if (s.tables.length === 0 && !s.topology) lines.push('nothing to check: no table ridmap models in the inputs', '');
  for (const n of s.notRun ?? []) lines.push(`not run: ${n.id} (it needs ${n.needs}; no input gives that)`);
  if (s.notRun?.length) lines.push('');
  lines.push(`${plural(s.checks, 'check')}: ${plural(s.counts.error, 'error')}, ${plural(s.counts.warning, 'warning')}`);
  return lines.join('\n');
}
