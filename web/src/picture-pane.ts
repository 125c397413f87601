/**
 * The Picture tab: the topology (or the RID ranges tables map) as Graphviz
 * drew it in the worker, as SVG, with the dot source and SVG to download.
 */
import { button, download, el, formatMs } from './dom.js';

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

export class PicturePane {
  readonly element = el('section', { class: 'picture-pane' });
  private fit = true;

  constructor(private readonly fileStem: () => string) {}

  waiting(): void {
    this.element.replaceChildren(el('p', { class: 'loading', text: 'Drawing…' }));
  }

  show(picture: { svg?: string; note?: string; ms?: number }, dot: string | undefined): void {
    const svg = picture.svg ? safeSvg(picture.svg) : undefined;
    if (!svg || !picture.svg) {
      this.element.replaceChildren(el('p', { class: 'empty', text: picture.note ?? 'Nothing to draw.' }));
      return;
    }
    const frame = el('div', { class: `picture${this.fit ? ' fit' : ''}` }, svg);
    const source = picture.svg;
    const tools = el('div', { class: 'toolbar' },
      button('Fit to width', () => {
        this.fit = !this.fit;
        frame.classList.toggle('fit', this.fit);
      }, { title: 'switch between fitting the width and actual size' }),
      button('Download SVG', () => download(`${this.fileStem()}.svg`, source, 'image/svg+xml'), { id: 'download-svg' }),
      dot !== undefined && button('Download dot', () => download(`${this.fileStem()}.dot`, dot, 'text/vnd.graphviz')),
      el('span', { class: 'meta', text: legendText(dot) + (picture.ms ? ` Drawn in ${formatMs(picture.ms)}.` : '') }));
    this.element.replaceChildren(tools, frame);
  }
}
