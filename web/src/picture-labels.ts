/**
 * Labels that fit their boxes. Graphviz lays a picture out with its own
 * estimate of each label's width (Helvetica's metrics, as in its PostScript
 * font tables); the browser draws the label in whatever font it has for
 * Helvetica (DejaVu Sans on a bare Linux, about 10% wider), so labels spill
 * over their boxes where the CLI's `dot`, measuring the font it draws with,
 * does not. So the page asks first for fonts with Helvetica's metrics
 * (Arial, Liberation Sans, Arimo: the same widths), then measures each label
 * in the font the browser will use and shrinks only the ones that would
 * still spill, to the width their box has.
 */

/** Helvetica and the fonts made to its metrics, then whatever sans-serif there is. */
export const PICTURE_FONT = "Helvetica, Arial, 'Liberation Sans', Arimo, 'Nimbus Sans', 'Nimbus Sans L', sans-serif";

/** Room left between a label and its box's outline, in the picture's units (points). */
const INSET = 2;

/** The horizontal extent of a shape from its coordinates (Graphviz writes absolute ones: polygon points, path M/C pairs). */
function shapeExtent(shape: Element): [number, number] | undefined {
  if (shape.tagName === 'ellipse') {
    const cx = Number(shape.getAttribute('cx'));
    const rx = Number(shape.getAttribute('rx'));
    return [cx - rx, cx + rx];
  }
  const numbers = (shape.getAttribute('points') ?? shape.getAttribute('d') ?? '').match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < numbers.length; i += 2) {
    lo = Math.min(lo, numbers[i]!);
    hi = Math.max(hi, numbers[i]!);
  }
  return lo < hi ? [lo, hi] : undefined;
}

/** Where a label of this width would lie, by its anchor. */
function labelExtent(text: SVGTextElement, width: number): [number, number] {
  const x = Number(text.getAttribute('x'));
  const anchor = text.getAttribute('text-anchor');
  return anchor === 'start' ? [x, x + width] : anchor === 'end' ? [x - width, x] : [x - width / 2, x + width / 2];
}

/** Sets the picture's font on every label and shrinks each node label that would spill over its shape. */
export function fitLabels(svg: SVGSVGElement): void {
  const context = new OffscreenCanvas(1, 1).getContext('2d');
  for (const text of svg.querySelectorAll('text')) text.setAttribute('font-family', PICTURE_FONT);
  if (!context) return;
  for (const node of svg.querySelectorAll('g.node')) {
    const shape = node.querySelector('polygon, path, ellipse, polyline');
    const box = shape && shapeExtent(shape);
    if (!box) continue;
    for (const text of node.querySelectorAll('text')) {
      const size = Number(text.getAttribute('font-size') ?? 14);
      context.font = `${size}px ${PICTURE_FONT}`;
      const width = context.measureText(text.textContent ?? '').width;
      const [left, right] = labelExtent(text, width);
      const x = Number(text.getAttribute('x'));
      // The scale that keeps both ends inside, the anchor (x) staying put.
      const room = Math.min(left < box[0] + INSET ? (x - box[0] - INSET) / (x - left) : 1, right > box[1] - INSET ? (box[1] - INSET - x) / (right - x) : 1);
      if (room < 1 && room > 0) text.setAttribute('font-size', (size * room).toFixed(2));
    }
  }
}
