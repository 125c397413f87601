/**
 * One input slot (A, or B to compare with): files dropped or chosen (raw
 * tables, acpidump text, .dsl, decoded JSON, DTB, DTS, a topology YAML;
 * several at once) and pasted text (acpidump output from a bug report).
 * Files are read here, in the page: nothing leaves the browser.
 */
import type { Diagnostic } from '../../src/diagnostic.js';
import type { NamedBytes } from '../../src/report/index.js';
import { button, el, formatSize } from './dom.js';
import { admitFiles } from './input-caps.js';

/** A file of the slot; `example`: the example (of tables/) it is, which a link can name. */
export interface SlotFile extends NamedBytes {
  example?: string;
}

export class InputSlot {
  readonly element: HTMLElement;
  files: SlotFile[] = [];
  /** Files refused before reading (too large, or over the input's total: input-caps.ts), said as the CLI says it. */
  refused: Diagnostic[] = [];
  private readonly chips = el('ul', { class: 'chips' });
  private readonly paste: HTMLTextAreaElement;
  private readonly pasteBox: HTMLElement;
  private pasted = 0;
  /** Bytes of accepted files not read yet. */
  private reading = 0;

  constructor(readonly name: 'A' | 'B', title: string, hint: string, private readonly onChange: () => void, extra?: HTMLElement) {
    const picker = el('input', { attrs: { type: 'file', multiple: '', id: `input-${name}-file` } });
    picker.addEventListener('change', () => {
      void this.addFiles([...(picker.files ?? [])]);
      picker.value = '';
    });
    this.paste = el('textarea', { attrs: { id: `input-${name}-paste`, rows: '6', spellcheck: 'false', placeholder: 'Paste acpidump output, an iasl .dsl, DTS or a topology here' } });
    this.pasteBox = el('div', { class: 'paste' }, this.paste,
      el('div', { class: 'toolbar' },
        button('Use pasted text', () => this.usePaste(), { id: `input-${name}-paste-use`, class: 'primary' }),
        button('Cancel', () => (this.pasteBox.hidden = true))));
    this.pasteBox.hidden = true;
    const zone = el('div', { class: 'dropzone' },
      el('p', { text: hint }),
      el('div', { class: 'toolbar' },
        el('label', { class: 'button primary', attrs: { for: `input-${name}-file` } }, 'Choose files…'),
        button('Paste text…', () => {
          this.pasteBox.hidden = false;
          this.paste.focus();
        }, { id: `input-${name}-paste-open` }),
        extra),
      picker);
    for (const type of ['dragenter', 'dragover'] as const) {
      zone.addEventListener(type, (e) => {
        e.preventDefault();
        zone.classList.add('over');
      });
    }
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation();
      zone.classList.remove('over');
      void this.addFiles([...(e.dataTransfer?.files ?? [])]);
    });
    this.element = el('section', { class: `slot slot-${name}`, attrs: { id: `slot-${name}` } },
      el('header', {}, el('h2', { text: title }), button('Clear', () => this.clear(), { class: 'quiet', id: `input-${name}-clear` })),
      zone, this.pasteBox, this.chips);
  }

  async addFiles(list: File[]): Promise<void> {
    // Files of an earlier drop still being read count too: two quick drops share one total.
    const { accepted, refused } = admitFiles(list, this.files.reduce((n, f) => n + f.bytes.length, 0) + this.reading);
    for (const r of refused) this.refused.push(r);
    for (const f of accepted) this.reading += f.size;
    for (const f of accepted) {
      this.files.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
      this.reading -= f.size;
    }
    this.changed();
  }

  addText(name: string, text: string, example?: string): void {
    this.addBytes(name, new TextEncoder().encode(text), example);
  }

  /** A file that came another way than a drop (a link's: link-files.ts), already within the input limits. */
  addBytes(name: string, bytes: Uint8Array, example?: string): void {
    this.files.push({ name, bytes, ...(example ? { example } : {}) });
    this.changed();
  }

  /** The examples the slot holds, in order, when it holds nothing else (a link can name them then). */
  examples(): string[] | undefined {
    return this.files.every((f) => f.example) ? this.files.map((f) => f.example!) : undefined;
  }

  /** Says why something asked for could not be added (a link naming no example), as the other refusals are said. */
  refuse(d: Diagnostic): void {
    this.refused.push(d);
    this.changed();
  }

  clear(): void {
    this.files = [];
    this.refused = [];
    this.changed();
  }

  private usePaste(): void {
    const text = this.paste.value;
    if (!text.trim()) return;
    this.pasted++;
    this.addText(this.pasted === 1 ? 'pasted' : `pasted-${this.pasted}`, text);
    this.paste.value = '';
    this.pasteBox.hidden = true;
  }

  private changed(): void {
    this.chips.replaceChildren(
      ...this.files.map((f, i) =>
        el('li', {},
          el('span', { class: 'name', text: f.name }),
          el('span', { class: 'meta', text: formatSize(f.bytes.length) }),
          button('×', () => {
            this.files.splice(i, 1);
            this.changed();
          }, { class: 'quiet', title: `remove ${f.name}` }))),
    );
    this.element.classList.toggle('filled', this.files.length > 0);
    this.onChange();
  }
}
