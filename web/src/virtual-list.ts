/**
 * A scrolling list of fixed-height rows that only builds the rows in view:
 * a 1 MB DMAR decodes to a million lines, which as DOM nodes would freeze the
 * page for seconds. Browsers cap an element's height (~16 M px in Chromium),
 * so past a cap the scroll range is scaled onto the rows.
 */
const MAX_SCROLL_PX = 8_000_000;
const OVERSCAN = 10;
/** Rows built at most, whatever the layout says the height is (a list laid out too tall must not build them all). */
const MAX_ROWS = 300;

export class VirtualList {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly window: HTMLDivElement;
  private count = 0;
  private pending = false;
  /** A row to bring into view once the list is laid out (a hidden tab has no height and ignores scrolling). */
  private wanted: { row: number; top: boolean } | undefined;

  constructor(
    private readonly rowHeight: number,
    private readonly renderRow: (index: number) => HTMLElement,
    className: string,
  ) {
    this.element = document.createElement('div');
    this.element.className = `vlist ${className}`;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.window = document.createElement('div');
    this.window.className = 'vlist-window';
    this.spacer.append(this.window);
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', () => this.refresh());
    new ResizeObserver(() => this.refresh()).observe(this.element);
  }

  setCount(count: number): void {
    this.count = count;
    this.spacer.style.height = `${Math.min(count * this.rowHeight, MAX_SCROLL_PX)}px`;
    this.wanted = { row: 0, top: true };
    this.draw();
  }

  /** Redraws the rows in view on the next frame (after a scroll, or when what they show changed). */
  refresh(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  /** Scrolls so that the row is in view (centred when it was not). */
  scrollToRow(index: number): void {
    this.wanted = { row: index, top: false };
    this.draw();
  }

  private applyWanted(): void {
    const view = this.element.clientHeight;
    if (!this.wanted || view === 0) return;
    const { row, top: toTop } = this.wanted;
    this.wanted = undefined;
    const y = row * this.rowHeight;
    if (toTop) this.element.scrollTop = y / this.scale();
    else if (y < this.logicalTop() || y + this.rowHeight > this.logicalTop() + view) this.element.scrollTop = (y - view / 2) / this.scale();
  }

  /** Logical pixels (rows × row height) per scroll pixel: 1 unless the list is taller than the cap. */
  private scale(): number {
    const total = this.count * this.rowHeight;
    const view = this.element.clientHeight;
    return total <= MAX_SCROLL_PX ? 1 : (total - view) / (MAX_SCROLL_PX - view);
  }

  private logicalTop(): number {
    return this.element.scrollTop * this.scale();
  }

  private draw(): void {
    this.applyWanted();
    const top = this.logicalTop();
    const first = Math.max(0, Math.floor(top / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.count, Math.ceil((top + this.element.clientHeight) / this.rowHeight) + OVERSCAN, first + MAX_ROWS);
    // The window sits where the first row would be on the scaled scroll range.
    this.window.style.transform = `translateY(${this.element.scrollTop + (first * this.rowHeight - top)}px)`;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) rows.push(this.renderRow(i));
    this.window.replaceChildren(...rows);
  }
}
