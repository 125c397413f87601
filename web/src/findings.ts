/**
 * The Findings tab: what `ridmap check` says, each finding with its id
 * (the check's kebab-case code) and where it is; the per-table summary
 * (round trip, consistency, renumbering) beneath. A finding that points into
 * a table opens that table at its bytes.
 */
import { formatLocation, type Diagnostic, type Severity } from '../../src/diagnostic.js';
import type { CheckView } from '../../src/report/index.js';
import { el } from './dom.js';
import { SHOWN_FINDINGS } from './protocol.js';

export class FindingsPane {
  readonly element = el('section', { class: 'findings-pane' });

  constructor(private readonly onOpen: (d: Diagnostic) => void) {}

  waiting(): void {
    this.element.replaceChildren(el('p', { class: 'loading', text: 'Checking… (lint, round trip, consistency, renumbering)' }));
  }

  failed(): void {
    this.element.replaceChildren(el('p', { class: 'empty', text: 'The check did not finish (see the error above).' }));
  }

  /** The findings the worker sent (the first SHOWN_FINDINGS) and how many there are of each severity. */
  show({ view, total: counts, ms }: { view: CheckView; total: Record<Severity, number>; ms: number }): void {
    const { findings, summary } = view;
    const total = counts.error + counts.warning + counts.info;
    const head = el('p', { class: 'summary-line' },
      el('strong', { text: total === 0 ? 'No findings. ' : `${total} finding${total === 1 ? '' : 's'}: ` }),
      total > 0 && `${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes. `,
      summary && `${summary.checks} checks ran on ${summary.tables.length} table${summary.tables.length === 1 ? '' : 's'} in ${Math.round(ms)} ms.`);
    const rows = findings.map((d) => {
      const tr = el('tr', { class: d.severity },
        el('td', {}, el('span', { class: `sev ${d.severity}`, text: d.severity })),
        el('td', {}, el('code', { class: 'code', text: d.code })),
        el('td', { class: 'where', text: formatLocation(d) }),
        el('td', { class: 'message', text: d.message }));
      if (d.offset !== undefined) {
        tr.classList.add('link');
        tr.title = 'show these bytes in the table';
        tr.addEventListener('click', () => this.onOpen(d));
      }
      return tr;
    });
    const table = findings.length > 0 && el('table', { class: 'findings' },
      el('thead', {}, el('tr', {}, el('th', { text: 'severity' }), el('th', { text: 'id' }), el('th', { text: 'where' }), el('th', { text: 'finding' }))),
      el('tbody', {}, ...rows));
    const more = total > findings.length && el('p', { class: 'note', text: `The first ${SHOWN_FINDINGS} are listed; export check.json for all ${total}.` });
    this.element.replaceChildren(head, more || '', table || '', summary ? this.summaryTable(view) : '');
  }

  private summaryTable({ summary }: CheckView): HTMLElement {
    const rows = summary!.tables.map((t) =>
      el('tr', {},
        el('td', { text: t.table }),
        el('td', { class: 'where', text: t.file }),
        el('td', { text: `${t.findings.error} / ${t.findings.warning} / ${t.findings.info}` }),
        el('td', { text: t.roundTrip }),
        el('td', { text: t.consistency ? consistencyText(t.consistency) : '—' }),
        el('td', { text: t.renumbering ? t.renumbering.map((r) => `${r.policy}: ${r.skipped ? `skipped (${r.skipped})` : `${r.unchanged}/${r.devices} unchanged`}`).join('; ') : '—' })));
    return el('div', { class: 'check-summary' },
      el('h3', { text: 'Per table' }),
      el('table', { class: 'summary' },
        el('thead', {}, el('tr', {}, ...['table', 'from', 'errors / warnings / notes', 'round trip', 'agrees with the topology', 'renumbering'].map((h) => el('th', { text: h })))),
        el('tbody', {}, ...rows)),
      summary!.notChecked.length > 0 && el('p', { class: 'note', text: `Not checked (ridmap does not model them): ${summary!.notChecked.map(tableName).join(', ')}` }));
  }
}

/** `dump.txt:SSDT[3]` → `SSDT[3]`: the file is the one the page shows. */
const tableName = (entry: string) => entry.slice(entry.lastIndexOf(':') + 1);

function consistencyText(c: { devices: number; untranslated: string[]; mismatched: string[] }): string {
  const bad = [...c.untranslated.map((d) => `${d} untranslated`), ...c.mismatched.map((d) => `${d} differs`)];
  return bad.length === 0 ? `all ${c.devices} devices` : bad.join(', ');
}
