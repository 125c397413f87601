/**
 * The Diff tab: `ridmap diff A B`, the semantic difference of the two sides
 * (per structure and field, whatever the order and offsets, then per RID
 * range and device), optionally with the bytes behind each change, and the
 * two sides' field views of one table side by side.
 */
import type { DiffView } from '../../src/report/index.js';
import { el } from './dom.js';
import { lineText } from './line-index.js';
import type { IndexedText, SideName } from './protocol.js';
import { VirtualList } from './virtual-list.js';

/** Line colour by what the line says: + added, - removed, ~ changed, > moved, headers. */
function kind(line: string): string {
  const t = line.trimStart();
  if (line.startsWith('--- ') || line.startsWith('+++ ')) return 'head';
  if (t.startsWith('+')) return 'add';
  if (t.startsWith('-')) return 'del';
  if (t.startsWith('~') || t.startsWith('>')) return 'chg';
  if (/^\S.*:/.test(line)) return 'table';
  return '';
}

/** One side's field view in the side-by-side. */
class FieldColumn {
  readonly head = el('h3', {});
  readonly list: VirtualList;
  private text: IndexedText | undefined;
  readonly element: HTMLElement;

  constructor(side: SideName) {
    this.list = new VirtualList(18, (i) => el('div', { class: 'line', text: (this.text && lineText(this.text, i)) || ' ' }), 'diff-lines');
    this.element = el('div', { class: 'diff-column', attrs: { id: `diff-fields-${side}` } }, this.head, this.list.element);
  }

  show(title: string, text: IndexedText | undefined): void {
    this.head.textContent = title;
    this.text = text;
    this.list.setCount(text ? text.starts.length - 1 : 0);
  }
}

export class DiffPane {
  readonly element = el('section', { class: 'diff-pane' });
  private readonly hex = el('input', { attrs: { type: 'checkbox', id: 'diff-hex' } });
  private readonly fields = el('input', { attrs: { type: 'checkbox', id: 'diff-fields' } });
  /** The tables both sides have, by name (`DMAR`, `SSDT[1]`): which pair the side-by-side shows. */
  private readonly pick = el('select', { attrs: { id: 'diff-table', 'aria-label': 'table shown side by side' } });
  private readonly body = el('pre', { class: 'diff' });
  private readonly verdict = el('p', { class: 'summary-line' });
  private readonly columns: Record<SideName, FieldColumn> = { A: new FieldColumn('A'), B: new FieldColumn('B') };
  private readonly sideBySide = el('div', { class: 'diff-fields' }, this.columns.A.element, this.columns.B.element);

  constructor(onHex: (hex: boolean) => void, private readonly onFields: (pair: string) => void) {
    this.hex.addEventListener('change', () => onHex(this.hex.checked));
    this.fields.addEventListener('change', () => this.askFields());
    this.pick.addEventListener('change', () => this.askFields());
    this.sideBySide.hidden = true;
    this.element.append(
      el('div', { class: 'toolbar' },
        el('label', {}, this.hex, ' show the bytes behind each difference (--hex)'),
        el('label', {}, this.fields, ' the fields of ', this.pick, ' side by side')),
      this.verdict,
      this.sideBySide,
      this.body,
    );
  }

  show(diff: DiffView | undefined): void {
    if (!diff) {
      this.verdict.replaceChildren(el('span', { class: 'empty', text: 'Give a second input (B) to compare it with A.' }));
      this.body.replaceChildren();
      this.setPairs([]);
      return;
    }
    this.verdict.replaceChildren(el('strong', { text: diff.equal ? 'No semantic difference.' : 'The two sides differ:' }));
    this.body.replaceChildren(...diff.lines.map((l) => el('span', { class: kind(l), text: `${l}\n` })));
  }

  /** The tables both sides have; the side-by-side starts with the first (or keeps the one shown). */
  setPairs(names: readonly string[]): void {
    const keep = this.pick.value;
    this.pick.replaceChildren(...names.map((n) => el('option', { text: n, attrs: { value: n } })));
    this.pick.value = names.includes(keep) ? keep : (names[0] ?? '');
    this.fields.disabled = names.length === 0;
    for (const c of Object.values(this.columns)) c.show('', undefined);
    this.askFields();
  }

  /** A side's text of the pair asked for. */
  showFields(side: SideName, title: string, text: IndexedText): void {
    this.columns[side].show(title, text);
  }

  private askFields(): void {
    this.sideBySide.hidden = !this.fields.checked || !this.pick.value;
    if (!this.sideBySide.hidden) this.onFields(this.pick.value);
  }
}
