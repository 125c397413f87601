/**
 * The DTB codec: dtc's layout (header, memory reservations at 0x28, strings
 * in first-use order sharing tails), decode of both byte flavours, and
 * linear cost on large trees.
 */
import { describe, expect, it } from 'vitest';
import { decodeDtb, encodeDtb, formatDts, parseDts, treeToJson } from '../../src/dt/index.js';
import { cells, createNode, emptyTree, prop, strings } from '../../src/dt/tree.js';
import { flavours, plain } from '../acpi/bytes.js';
import { plainTree } from './support.js';

const u32At = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at);

describe('DTB encoding', () => {
  it("lays out the header and blocks as dtc does, strings sharing tails in first-use order", async () => {
    const { tree } = await parseDts('/dts-v1/;\n/memreserve/ 0x1000 0x2000;\n/ { dma-ranges; n { ranges; reg = <1>; names = "a"; }; };', 't.dts');
    const dtb = encodeDtb(tree);
    const header = decodeDtb(dtb).header!;
    expect(header).toEqual({
      magic: 0xd00dfeed,
      totalsize: dtb.length,
      offMemRsvmap: 0x28,
      offDtStruct: 0x28 + 2 * 16,
      offDtStrings: header.offDtStruct + header.sizeDtStruct!,
      version: 17,
      lastCompVersion: 16,
      bootCpuidPhys: 0,
      sizeDtStrings: 'dma-ranges\0reg\0names\0'.length,
      sizeDtStruct: header.sizeDtStruct,
    });
    const stringsBlock = Buffer.from(dtb.subarray(header.offDtStrings)).toString('latin1');
    expect(stringsBlock).toBe('dma-ranges\0reg\0names\0');
    // "ranges" is the tail of "dma-ranges": its nameoff points 4 bytes in.
    const rangesProp = Buffer.from(dtb).indexOf(Buffer.from([0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4]));
    expect(rangesProp).toBeGreaterThan(0);
    expect(u32At(dtb, 0x28)).toBe(0);
    expect(u32At(dtb, 0x2c)).toBe(0x1000);
  });

  it.each(flavours)('decodes a %s to the same tree, memory reservations included', async (_name, make) => {
    const { tree } = await parseDts('/dts-v1/;\n/memreserve/ 0x80000000 0x10000;\n/ { a = "x"; n@1 { b = <1 2>; }; };', 't.dts');
    const dtb = encodeDtb(tree);
    const decoded = decodeDtb(make(dtb), 'in.dtb');
    expect(decoded.diagnostics).toEqual([]);
    expect(plainTree(decoded.tree)).toEqual(plainTree(tree));
    expect(plain(encodeDtb(decoded.tree))).toEqual(plain(dtb));
    expect(treeToJson(decoded.tree).memoryReservations).toEqual([{ address: '0x80000000', size: '0x10000' }]);
  });

  it('refuses a tree dtc would refuse', () => {
    const tree = emptyTree();
    tree.root.properties.push(prop('x', cells({ kind: 'label', label: 'missing' })));
    expect(() => encodeDtb(tree)).toThrow(/reference &missing names no node/);
  });
});

describe('large trees', () => {
  function bigTree(nodes: number) {
    const tree = emptyTree();
    tree.root.properties.push(prop('#address-cells', cells(2)), prop('#size-cells', cells(2)));
    for (let i = 0; i < nodes; i++) {
      const n = createNode(`device@${i.toString(16)}`, [`d${i}`]);
      n.properties.push(
        prop('compatible', ...strings(`vendor,device-${i % 17}`, 'vendor,generic')),
        prop('reg', cells(0, 0x10000000 + i * 0x1000, 0, 0x1000)),
        prop('iommus', cells({ kind: 'label', label: 'd0' }, i)),
        prop(`vendor,prop-${i % 50}`),
      );
      tree.root.children.push(n);
    }
    return tree;
  }

  it('encodes, decodes and prints 10k nodes quickly (no quadratic work)', () => {
    const tree = bigTree(10_000);
    let t0 = performance.now();
    const dtb = encodeDtb(tree);
    const encodeMs = performance.now() - t0;
    for (const [, make] of flavours) {
      t0 = performance.now();
      const decoded = decodeDtb(make(dtb));
      const text = formatDts(decoded.tree);
      const ms = performance.now() - t0;
      expect(decoded.diagnostics).toEqual([]);
      expect(decoded.tree.root.children).toHaveLength(10_000);
      expect(text.length).toBeGreaterThan(10_000 * 50);
      expect(ms).toBeLessThan(3000);
    }
    expect(encodeMs).toBeLessThan(3000);
  });
});
