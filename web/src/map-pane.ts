/**
 * The Map tab: the translation map as tables (RID ranges, then devices and
 * MMIO masters when known), in the terms of the map JSON contract, with the
 * resolver's notes (what needs a topology to resolve) and the text form.
 */
import { formatDiagnostic } from '../../src/diagnostic.js';
import { mmioPlace } from '../../src/model/translation-map.js';
import type { MapView } from '../../src/report/index.js';
import { el } from './dom.js';

/** Rows (and notes) built at most: all are in map.json. A 1 MB table's resolver can leave 25,000 notes. */
const SHOWN = 2000;
const SHOWN_NOTES = 200;
const hex = (n: number) => `0x${n.toString(16)}`;

function table(className: string, headers: string[], rows: string[][]): HTMLElement {
  return el('table', { class: `map ${className}` },
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h })))),
    el('tbody', {}, ...rows.slice(0, SHOWN).map((r) => el('tr', {}, ...r.map((c) => el('td', { text: c }))))));
}

export class MapPane {
  readonly element = el('section', { class: 'map-pane' });

  show(view: MapView): void {
    const { json } = view;
    const seg = (s: number) => s.toString(16).padStart(4, '0');
    const parts: (HTMLElement | false)[] = [
      el('h3', { text: `Requester IDs (${json.translations.length} range${json.translations.length === 1 ? '' : 's'})` }),
      json.translations.length === 0
        ? el('p', { class: 'empty', text: 'Nothing is translated: no table here says which IOMMU translates what.' })
        : table('translations', ['segment', 'first', 'last', 'IOMMU', 'output ID of first', 'said by'],
          json.translations.map((t) => [seg(t.segment), t.first, t.last, t.iommu, hex(t.outputBase), t.source])),
      json.devices !== undefined && el('h3', { text: `Devices (${json.devices.length})` }),
      json.devices !== undefined && table('devices', ['device', 'segment', 'BDF', 'DMA aliases', 'IOMMU', 'output IDs', 'alias group'],
        json.devices.map((d) => [d.id, seg(d.segment), d.bdf, d.aliases.join(', '), d.iommu ?? 'untranslated', d.outputIds.map(hex).join(', '), d.group])),
      json.mmio !== undefined && el('h3', { text: `MMIO masters (${json.mmio.length})` }),
      json.mmio !== undefined && table('mmio', ['device', 'address', 'IOMMU', 'output IDs', 'said by'],
        json.mmio.map((m) => [m.id ?? '—', mmioPlace(m), m.iommu, m.outputIds.map(hex).join(', '), m.source])),
      json.translations.length > SHOWN && el('p', { class: 'note', text: `Showing ${SHOWN} of ${json.translations.length} ranges: export map.json for all.` }),
      view.findings.length > 0 && el('h3', { text: `Notes (${view.findings.length})` }),
      view.findings.length > 0 && el('ul', { class: 'diagnostics' }, ...view.findings.slice(0, SHOWN_NOTES).map((d) => el('li', { class: d.severity, text: formatDiagnostic(d) }))),
      view.findings.length > SHOWN_NOTES && el('p', { class: 'note', text: `… and ${view.findings.length - SHOWN_NOTES} more (\`ridmap map -v\` lists them all).` }),
      el('details', {}, el('summary', { text: 'As text (ridmap map)' }), el('pre', { class: 'map-text', text: view.text })),
    ];
    this.element.replaceChildren(...parts.filter((p): p is HTMLElement => p !== false));
  }
}
