/**
 * The Picture tab: the topology (or the RID ranges tables map) as Graphviz
 * drew it in the worker, as SVG, with the dot source and SVG to download.
 * Three zooms: the whole picture in the pane, fit to the pane's width, or
 * actual size; it opens with the whole picture when that leaves the labels
 * readable, else fit to width. − and + step from whatever scale is shown,
 * and the scale is always said.
 */
import { button, download, el, formatMs } from './dom.js';
import { fitLabels } from './picture-labels.js';

/** Graphviz's SVG, parsed as SVG and stripped of anything active (it has none; labels come from the input). */
function safeSvg(svg: string): SVGSVGElement | undefined {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (!(root instanceof SVGSVGElement)) return undefined;
  for (const s of root.querySelectorAll('script, foreignObject')) s.remove();
  for (const e of root.querySelectorAll('*')) {
    for (const a of [...e.attributes]) if (a.name.startsWith('on') || /^\s*javascript:/i.test(a.value)) e.removeAttribute(a.name);
  }
  return document.importNode(root, true);
}

/** What the colours and boxes of this picture mean. */
function legendText(dot: string | undefined): string {
  const parts = ['Filled by IOMMU (see the IOMMUs box).'];
  if (dot?.includes('alias group')) parts.push('Dashed boxes: alias groups (devices an IOMMU cannot tell apart).');
  if (dot?.includes('color="red"')) parts.push('Red outline: the tables say otherwise than the topology.');
  return parts.join(' ');
}

export type Zoom = 'whole' | 'width' | 'actual';

const ZOOMS: readonly { zoom: Zoom; label: string; title: string }[] = [
  { zoom: 'whole', label: 'Whole picture', title: 'the whole picture in the pane (never larger than actual size)' },
  { zoom: 'width', label: 'Fit to width', title: "the picture as wide as the pane, or its actual size if that is narrower; scroll down for the rest" },
  { zoom: 'actual', label: 'Actual size', title: 'the size Graphviz drew it; scroll for the rest' },
];

/** What − and + multiply or divide the shown scale by, and how far they go. */
const STEP = 1.25;
const MIN_SCALE = 0.05;
const MAX_SCALE = 4;

/** Below this scale the whole picture's labels are too small to read: open at fit to width instead. */
const READABLE_SCALE = 0.6;

/** Graphviz sizes its SVG in points; CSS pixels are 4/3 of a point. */
const PX_PER_PT = 4 / 3;

export class PicturePane {
  readonly element = el('section', { class: 'picture-pane' });
  /** The zoom the user chose (a scale, after − or +); until then the pane picks one when it first has a size. */
  private chosen: Zoom | number | undefined;
  private zoom: Zoom | 'scale' = 'width';
  /** The scale shown: what − and + step from. */
  private scale = 1;
  private readonly stepButtons = {
    out: button('−', () => this.step(1 / STEP), { title: `smaller (÷ ${STEP})`, id: 'picture-out' }),
    in: button('+', () => this.step(STEP), { title: `larger (× ${STEP})`, id: 'picture-in' }),
  };
  private readonly scaleLabel = el('span', { class: 'meta', attrs: { id: 'picture-scale', 'aria-live': 'polite' } });
  private frame: HTMLElement | undefined;
  private svg: SVGSVGElement | undefined;
  private natural = { width: 0, height: 0 };
  private readonly zoomButtons: Record<Zoom, HTMLButtonElement>;
  /** Sizes the picture again when the pane gets a size (the tab is opened) or changes it (window, phone turned). */
  private readonly resize = new ResizeObserver(() => this.applyZoom());

  constructor(private readonly fileStem: () => string) {
    this.zoomButtons = Object.fromEntries(ZOOMS.map((z) => [z.zoom, button(z.label, () => this.setZoom(z.zoom), { title: z.title, id: `picture-${z.zoom}` })])) as Record<Zoom, HTMLButtonElement>;
  }

  waiting(): void {
    this.clear();
    this.element.replaceChildren(el('p', { class: 'loading', text: 'Drawing…' }));
  }

  show(picture: { svg?: string; note?: string; ms?: number }, dot: string | undefined): void {
    this.clear();
    if (!picture.svg) {
      this.element.replaceChildren(el('p', { class: 'empty', attrs: { id: 'picture-note' }, text: picture.note ?? 'Nothing to draw.' }));
      return;
    }
    const svg = safeSvg(picture.svg);
    if (!svg) {
      this.element.replaceChildren(el('p', { class: 'empty', attrs: { id: 'picture-note' }, text: `Graphviz drew a picture (${picture.svg.length} characters of SVG) that this browser could not read as SVG; "Download dot" gives its source.` }));
      return;
    }
    // Points to pixels once: the page sizes the picture itself (viewBox kept), by the zoom chosen.
    this.natural = { width: parseFloat(svg.getAttribute('width') ?? '0') * PX_PER_PT, height: parseFloat(svg.getAttribute('height') ?? '0') * PX_PER_PT };
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    fitLabels(svg);
    this.svg = svg;
    this.frame = el('div', { class: 'picture' }, svg);
    const source = picture.svg;
    const tools = el('div', { class: 'toolbar' },
      el('div', { class: 'zoom', attrs: { role: 'group', 'aria-label': 'zoom' } },
        ...ZOOMS.map((z) => this.zoomButtons[z.zoom]), this.stepButtons.out, this.scaleLabel, this.stepButtons.in),
      button('Download SVG', () => download(`${this.fileStem()}.svg`, source, 'image/svg+xml'), { id: 'download-svg' }),
      dot !== undefined && button('Download dot', () => download(`${this.fileStem()}.dot`, dot, 'text/vnd.graphviz')),
      el('span', { class: 'meta', text: legendText(dot) + (picture.ms ? ` Drawn in ${formatMs(picture.ms)}.` : '') }));
    this.element.replaceChildren(tools, this.frame);
    this.resize.observe(this.frame);
    this.applyZoom();
  }

  private clear(): void {
    this.resize.disconnect();
    this.frame = this.svg = undefined;
  }

  private setZoom(zoom: Zoom): void {
    this.chosen = zoom;
    this.applyZoom();
  }

  private step(factor: number): void {
    this.chosen = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    this.applyZoom();
  }

  /** Room for the picture: the frame's content box. */
  private room(): { width: number; height: number } | undefined {
    if (!this.frame) return undefined;
    const style = getComputedStyle(this.frame);
    const width = this.frame.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const height = this.frame.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return width > 0 && height > 0 ? { width, height } : undefined;
  }

  private applyZoom(): void {
    const room = this.room();
    const { svg, natural } = this;
    if (!svg || !room || !natural.width || !natural.height) return;
    const whole = Math.min(1, room.width / natural.width, room.height / natural.height);
    const chosen = this.chosen ?? (whole >= READABLE_SCALE ? 'whole' : 'width');
    this.zoom = typeof chosen === 'number' ? 'scale' : chosen;
    // A pixel less than the room: a fraction over it would bring a scroll bar, which takes width away.
    const scale = typeof chosen === 'number' ? chosen
      : chosen === 'actual' ? 1 : chosen === 'whole' ? whole : Math.min(1, (room.width - 1) / natural.width);
    this.scale = scale;
    this.scaleLabel.textContent = `${Math.round(scale * 100)} %`;
    this.stepButtons.out.disabled = scale <= MIN_SCALE;
    this.stepButtons.in.disabled = scale >= MAX_SCALE;
    svg.style.width = `${Math.floor(natural.width * scale)}px`;
    svg.style.height = `${Math.floor(natural.height * scale)}px`;
    this.frame!.dataset['zoom'] = this.zoom;
    for (const z of ZOOMS) this.zoomButtons[z.zoom].setAttribute('aria-pressed', String(z.zoom === this.zoom));
  }
}
