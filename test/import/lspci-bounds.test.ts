/**
 * A large lspci text costs time in proportion to its size: a tree of
 * 50k functions over 200 domains, with a chain of 250 nested bridges on one
 * line (as deep as a line of MAX_LSPCI_LINE_CHARS holds; lspci's own line
 * buffer is 256 bytes, so no real tree is this deep), is read in bounded
 * time by the explicit stack, with every parent right.
 */
import { describe, expect, it } from 'vitest';
import { readLspci } from '../../src/import/lspci/read-lspci.js';

const DOMAINS = 200;
const CHAIN = 250;
const h = (n: number, w: number) => n.toString(16).padStart(w, '0');

/** The tree lspci -t prints for that machine (ls-tree.c's layout). */
function bigTree(): string {
  const lines: string[] = [];
  let chain = '-+-[0000:00]-';
  for (let bus = 0; bus < CHAIN; bus++) chain += `--00.0-[${h(bus + 1, 2)}-${h(CHAIN, 2)}]--`;
  lines.push(`${chain}--00.0  Deepest [8086:0001]`);
  for (let d = 1; d <= DOMAINS; d++) {
    const last = d === DOMAINS;
    lines.push(` ${last ? '\\' : '+'}-[${h(d, 4)}:00]-+-00.0  Endpoint [8086:0002]`);
    const bar = last ? ' ' : '|';
    for (let i = 1; i < 256; i++) {
      const dev = i >> 3;
      const fn = i & 7;
      lines.push(` ${bar}           ${i === 255 ? '\\' : '+'}-${h(dev, 2)}.${fn}  Endpoint [8086:0002]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('a tree of 50k functions', () => {
  it('is read in bounded time with every parent', () => {
    const text = bigTree();
    const start = performance.now();
    const s = readLspci(text, 'big.txt');
    const ms = performance.now() - start;
    expect(s.functions).toHaveLength(DOMAINS * 256 + CHAIN + 1);
    const bySbdf = new Map(s.functions.map((f) => [f.sbdf, f]));
    expect(bySbdf.get(`0000:${h(CHAIN, 2)}:00.0`)!.parent).toBe(`0000:${h(CHAIN - 1, 2)}:00.0`);
    expect(bySbdf.get('0000:00:00.0')).toMatchObject({ parent: null, secondaryBus: 1, subordinateBus: CHAIN });
    expect(bySbdf.get(`${h(DOMAINS, 4)}:00:1f.7`)!.parent).toBeNull();
    expect(s.rootBuses).toHaveLength(DOMAINS + 1);
    // ~0.3 s on the 2-core machine this was written on; a quadratic reader takes minutes.
    expect(ms).toBeLessThan(10_000);
  });
});
