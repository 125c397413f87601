/**
 * The Diff tab: `ridmap diff A B`, the semantic difference of the two sides
 * (per structure and field, whatever the order and offsets, then per RID
 * range and device), optionally with the bytes behind each change.
 */
import type { DiffView } from '../../src/report/index.js';
import { el } from './dom.js';

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

export class DiffPane {
  readonly element = el('section', { class: 'diff-pane' });
  private readonly hex = el('input', { attrs: { type: 'checkbox', id: 'diff-hex' } });
  private readonly body = el('pre', { class: 'diff' });
  private readonly verdict = el('p', { class: 'summary-line' });

  constructor(onHex: (hex: boolean) => void) {
    this.hex.addEventListener('change', () => onHex(this.hex.checked));
    this.element.append(
      el('div', { class: 'toolbar' }, el('label', {}, this.hex, ' show the bytes behind each difference (--hex)')),
      this.verdict,
      this.body,
    );
  }

  show(diff: DiffView | undefined): void {
    if (!diff) {
      this.verdict.replaceChildren(el('span', { class: 'empty', text: 'Give a second input (B) to compare it with A.' }));
      this.body.replaceChildren();
      return;
    }
    this.verdict.replaceChildren(el('strong', { text: diff.equal ? 'No semantic difference.' : 'The two sides differ:' }));
    this.body.replaceChildren(...diff.lines.map((l) => el('span', { class: kind(l), text: `${l}\n` })));
  }
}
