/**
 * The hex dump beside the field view: 16 bytes a row, built only for the rows
 * in view. Bytes of the selected field (and of the field under the pointer)
 * are highlighted; clicking a byte asks which field it belongs to.
 */
import { VirtualList } from './virtual-list.js';

export interface ByteRange {
  offset: number;
  length: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
const within = (r: ByteRange | undefined, i: number) => r !== undefined && i >= r.offset && i < r.offset + r.length;

export class HexDump {
  readonly list: VirtualList;
  private bytes: Uint8Array = new Uint8Array();
  private selected: ByteRange | undefined;
  private hovered: ByteRange | undefined;

  constructor(private readonly onByte: (offset: number) => void) {
    this.list = new VirtualList(18, (i) => this.row(i), 'hexdump');
    this.list.element.addEventListener('click', (e) => {
      const at = (e.target as HTMLElement).dataset['offset'];
      if (at !== undefined) this.onByte(Number(at));
    });
  }

  show(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.selected = this.hovered = undefined;
    this.list.setCount(Math.ceil(bytes.length / 16));
  }

  select(range: ByteRange | undefined, scroll: boolean): void {
    this.selected = range;
    if (range && scroll) this.list.scrollToRow(Math.floor(range.offset / 16));
    this.list.refresh();
  }

  hover(range: ByteRange | undefined): void {
    this.hovered = range;
    this.list.refresh();
  }

  private row(r: number): HTMLElement {
    const row = document.createElement('div');
    row.className = 'hexrow';
    const addr = document.createElement('span');
    addr.className = 'addr';
    addr.textContent = (r * 16).toString(16).toUpperCase().padStart(8, '0');
    row.append(addr);
    const hex = document.createElement('span');
    const ascii = document.createElement('span');
    ascii.className = 'ascii';
    for (let i = r * 16; i < Math.min(this.bytes.length, r * 16 + 16); i++) {
      const cls = within(this.selected, i) ? 'sel' : within(this.hovered, i) ? 'hover' : '';
      const b = this.bytes[i]!;
      const h = document.createElement('span');
      h.textContent = HEX[b]!;
      h.dataset['offset'] = String(i);
      if (cls) h.className = cls;
      const a = document.createElement('span');
      a.textContent = printable(b);
      a.dataset['offset'] = String(i);
      if (cls) a.className = cls;
      hex.append(h);
      ascii.append(a);
    }
    row.append(hex, ascii);
    return row;
  }
}
