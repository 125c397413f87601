/**
 * Inputs sized like issue 21's million-endpoint topologies raise findings
 * (and lines, and host bridges) by the hundred thousand: every list the input
 * sizes is appended element by element (model/append.ts), never spread as
 * arguments, which overflowed the stack at about 120,000 elements.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import { appendAll, minOf } from '../../src/append.js';
import { parseTopology } from '../../src/model/parse-topology.js';

describe('appendAll and minOf', () => {
  it('append and compare 300,000 elements (a spread of them overflows the stack)', () => {
    const many = Array.from({ length: 300_000 }, (_, i) => 300_000 - i);
    expect(() => [].push(...(many as never[]))).toThrow(RangeError);
    expect(appendAll([0], many)).toHaveLength(300_001);
    expect(minOf(many)).toBe(1);
    expect(minOf([], 256)).toBe(256);
    expect(minOf([7, 3], 5)).toBe(3);
  });
});

describe('parseTopology', () => {
  // Each finding was also located by a scan of the whole text: 5,000 of them took 18 s.
  it('reports 150,000 findings (two per endpoint) as an InputError, located in one scan, not a stack overflow', () => {
    const n = 75_000;
    // Endpoints at device 32 do not exist: one bad-devfn finding each (and no other work, since the tree is refused).
    const children = Array.from({ length: n }, (_, i) => ({ id: `e${i}`, type: 'pcie-endpoint', addr: '20.0' }));
    const text = JSON.stringify({ name: 'many', hostBridges: [{ id: 'hb0', children }] });
    let caught: unknown;
    try {
      parseTopology(text, 'many.json');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    const bad = (caught as InputError).diagnostics.filter((d) => d.code === 'bad-devfn');
    expect(bad).toHaveLength(n);
    expect(bad[n - 1]!.path).toBe(`hostBridges[0].children[${n - 1}].addr`);
    // One line of JSON: the column is where the value starts.
    expect(bad[n - 1]!.line).toBe(1);
    expect(text.slice(bad[n - 1]!.column! - 1).startsWith(`"20.0"}]}]}`)).toBe(true);
  });
});
