/**
 * DtsAssembly.setProperty (dts-assembly.ts): a DTS definition replaces the
 * first property of its name in place, or appends; on a node with many
 * properties it finds the name by an index, so that a body redefining
 * thousands of them is linear (test/cli/encode-dts.test.ts compiles such a
 * source through the CLI to dtc's bytes). Here the work is counted: the
 * property list is read a bounded number of times per definition.
 */
import { describe, expect, it } from 'vitest';
import { DtsAssembly } from '../../src/dt/dts-assembly.js';
import { cells, setProperty, type DtNode, type DtProperty } from '../../src/dt/tree.js';

/** The node's property list behind a proxy that counts reads of its elements. */
function counted(node: DtNode): { reads: () => number } {
  let reads = 0;
  node.properties = new Proxy(node.properties, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { reads: () => reads };
}

const property = (name: string, value: number, labels: string[] = []): DtProperty => ({ name, labels, value: [cells(value)] });

describe('DtsAssembly.setProperty', () => {
  it('replaces in place (labels merged) and appends, as tree.ts setProperty does, below and above the index threshold', () => {
    for (const n of [3, 15, 16, 17, 100]) {
      const assembly = new DtsAssembly();
      const indexed = assembly.tree.root;
      const plain = { ...indexed, properties: [] as DtProperty[] };
      const definitions = [
        ...Array.from({ length: n }, (_, i) => property(`p${i}`, i, i === 1 ? ['a'] : [])),
        property('p1', 100, ['b']),
        property(`p${n - 1}`, 101),
        property('new', 102),
        property('p0', 103),
      ];
      for (const d of definitions) {
        assembly.setProperty(indexed, d);
        setProperty(plain, d);
      }
      expect(indexed.properties, `${n}`).toEqual(plain.properties);
    }
  });

  it('3,000 redefinitions of 3,000 properties read the list a few times per definition, not once per property', () => {
    const n = 3000;
    const assembly = new DtsAssembly();
    const node = assembly.tree.root;
    const { reads } = counted(node);
    for (let i = 0; i < n; i++) assembly.setProperty(node, property(`p${i}`, i));
    for (let i = n - 1; i >= 0; i--) assembly.setProperty(node, property(`p${i}`, i + 1));
    expect(node.properties.length).toBe(n);
    expect(node.properties[0]!.value).toEqual([cells(1)]);
    // Looking through the list per definition reads it about 9 * 10^6 times here.
    expect(reads()).toBeLessThan(10 * 2 * n);
  });
});
