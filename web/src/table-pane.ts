/**
 * The Tables tab: the list of tables of the side shown, and the selected
 * one's decoded text (iasl's field lines, or DTS) beside its hex dump.
 * Pointing at a field line highlights its bytes; clicking pins them and
 * scrolls the dump there; clicking a byte finds its field line.
 */
import { formatDiagnostic } from '../../src/diagnostic.js';
import type { TableView } from '../../src/report/index.js';
import { el, formatSize } from './dom.js';
import { HexDump, type ByteRange } from './hexdump.js';
import { lineText } from './line-index.js';
import type { IndexedText } from './protocol.js';
import { VirtualList } from './virtual-list.js';

/** How far above a line without its own offset (a flag decoded beneath its field) to look for its field. */
const FIELD_LOOKBACK = 64;

export class TablePane {
  readonly element: HTMLElement;
  private readonly list = el('nav', { class: 'table-list', attrs: { 'aria-label': 'tables' } });
  private readonly head = el('div', { class: 'table-head' });
  private readonly problems = el('ul', { class: 'diagnostics' });
  private readonly fields: VirtualList;
  private readonly hex: HexDump;
  private tables: TableView[] = [];
  private current: number | undefined;
  private text: IndexedText | undefined;
  private selectedLine: number | undefined;
  private hoveredLine: number | undefined;
  /** A line to scroll to and select once its table's text arrives (a finding's offset). */
  private pendingOffset: number | undefined;

  constructor(private readonly requestText: (index: number) => void) {
    this.fields = new VirtualList(18, (i) => this.line(i), 'fields');
    this.hex = new HexDump((offset) => this.selectByte(offset));
    this.fields.element.addEventListener('mouseover', (e) => this.hoverLine(lineOf(e.target)));
    this.fields.element.addEventListener('mouseleave', () => this.hoverLine(undefined));
    this.fields.element.addEventListener('click', (e) => this.selectLine(lineOf(e.target), true));
    this.element = el('section', { class: 'tables-pane' },
      this.list,
      el('div', { class: 'table-main' },
        this.head,
        this.problems,
        el('div', { class: 'table-body' }, this.fields.element, this.hex.list.element)));
  }

  setTables(tables: TableView[]): void {
    this.tables = tables;
    this.current = this.text = undefined;
    delete this.element.dataset['lines'];
    this.list.replaceChildren(
      ...tables.map((t) =>
        el('button', { class: 'table-item', attrs: { type: 'button', 'data-index': String(t.index) } },
          el('span', { class: 'name', text: t.name }),
          el('span', { class: 'meta', text: `${formatSize(t.bytes.length)}${t.file.includes('#') ? ' · built' : ''}` }),
          t.diagnostics.some((d) => d.severity === 'error') && el('span', { class: 'badge error', text: 'errors' }),
          t.maps && el('span', { class: 'badge maps', text: 'IOMMU' }))),
    );
    for (const b of this.list.querySelectorAll<HTMLButtonElement>('button')) {
      b.addEventListener('click', () => this.open(Number(b.dataset['index'])));
    }
    if (tables.length === 0) {
      this.head.replaceChildren(el('p', { class: 'empty', text: 'No tables in this input.' }));
      this.problems.replaceChildren();
      this.fields.setCount(0);
      this.hex.show(new Uint8Array());
    }
  }

  /** Asks for a table's text (the worker sends it) unless it is the one shown. */
  open(index: number, offset?: number): void {
    this.pendingOffset = offset;
    if (index === this.current && this.text) {
      this.revealPending();
      return;
    }
    this.current = index;
    this.markCurrent();
    this.head.replaceChildren(el('p', { class: 'loading', text: 'Decoding…' }));
    this.requestText(index);
  }

  /** The table whose path root and file a finding names, if shown here. */
  tableFor(file: string | undefined, path: string | undefined): number | undefined {
    const root = path?.split(/[/.@]/)[0];
    const t = this.tables.find((x) => (!file || x.file === file) && x.name === root) ?? this.tables.find((x) => x.file === file);
    return t?.index;
  }

  showText(index: number, text: IndexedText, ms: number): void {
    const t = this.tables.find((x) => x.index === index);
    if (!t) return;
    this.current = index;
    this.text = text;
    this.selectedLine = this.hoveredLine = undefined;
    this.markCurrent();
    const lines = text.starts.length - 1;
    this.head.replaceChildren(
      el('h2', { text: t.name }),
      el('span', { class: 'meta', text: `${t.file} · ${t.format} · ${formatSize(t.bytes.length)} · ${lines.toLocaleString('en')} lines · decoded in ${Math.round(ms)} ms` }),
    );
    this.problems.replaceChildren(...t.diagnostics.map((d) => el('li', { class: d.severity, text: formatDiagnostic(d) })));
    this.fields.setCount(lines);
    this.hex.show(t.binary ? t.bytes : new Uint8Array());
    this.hex.list.element.hidden = !t.binary;
    this.element.dataset['lines'] = String(lines);
    this.revealPending();
  }

  private markCurrent(): void {
    for (const b of this.list.querySelectorAll<HTMLButtonElement>('button')) {
      const current = Number(b.dataset['index']) === this.current;
      b.classList.toggle('current', current);
      if (current) b.scrollIntoView({ block: 'nearest' });
    }
  }

  private revealPending(): void {
    const offset = this.pendingOffset;
    this.pendingOffset = undefined;
    if (offset === undefined || !this.text) return;
    const line = this.text.fieldOffset.indexOf(offset);
    if (line >= 0) this.selectLine(line, true, true);
  }

  /** The bytes a line is about: its own, or (a flag beneath a field) its field's. */
  private rangeOf(line: number | undefined): ByteRange | undefined {
    const t = this.text;
    if (!t || line === undefined) return undefined;
    for (let i = line; i >= 0 && i > line - FIELD_LOOKBACK; i--) {
      if (t.fieldOffset[i]! >= 0) return { offset: t.fieldOffset[i]!, length: t.fieldLength[i]! };
      if (t.starts[i + 1]! - t.starts[i]! <= 1) return undefined; // a blank line ends the field's block
    }
    return undefined;
  }

  private line(i: number): HTMLElement {
    const cls = i === this.selectedLine ? 'line sel' : i === this.hoveredLine ? 'line hover' : 'line';
    const div = el('div', { class: cls, text: lineText(this.text!, i) || ' ' });
    div.dataset['line'] = String(i);
    return div;
  }

  private hoverLine(line: number | undefined): void {
    if (line === this.hoveredLine) return;
    this.hoveredLine = line;
    this.hex.hover(this.rangeOf(line));
    this.fields.refresh();
  }

  private selectLine(line: number | undefined, scrollHex: boolean, scrollFields = false): void {
    if (line === undefined) return;
    this.selectedLine = line;
    this.hex.select(this.rangeOf(line), scrollHex);
    if (scrollFields) this.fields.scrollToRow(line);
    this.fields.refresh();
  }

  /** The narrowest field line whose bytes hold the offset. */
  private selectByte(offset: number): void {
    const t = this.text;
    if (!t) return;
    let best = -1;
    for (let i = 0; i < t.fieldOffset.length; i++) {
      const o = t.fieldOffset[i]!;
      if (o >= 0 && o <= offset && offset < o + t.fieldLength[i]! && (best < 0 || t.fieldLength[i]! < t.fieldLength[best]!)) best = i;
    }
    if (best >= 0) this.selectLine(best, false, true);
  }
}

function lineOf(target: EventTarget | null): number | undefined {
  const at = (target as HTMLElement | null)?.closest<HTMLElement>('[data-line]')?.dataset['line'];
  return at === undefined ? undefined : Number(at);
}
