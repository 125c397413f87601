/**
 * Hostile and broken DTBs: every one decodes to diagnostics (code, path,
 * byte offset), keeping what is readable; none throws, none hangs. Fed as a
 * plain Uint8Array (at a non-zero offset in its buffer) and as a Buffer.
 */
import { describe, expect, it } from 'vitest';
import { decodeDtb } from '../../src/dt/dtb-read.js';
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_MAX_DEPTH, FDT_PROP } from '../../src/dt/fdt.js';
import { encodeDtb, parseDts } from '../../src/dt/index.js';
import { flavours } from '../acpi/bytes.js';

/** A minimal FDT assembler: header fields can be overridden to break the blob. */
function assemble(struct: number[][], strings: string, header: Partial<Record<'version' | 'offDtStruct' | 'offDtStrings' | 'totalsize' | 'sizeDtStrings' | 'sizeDtStruct' | 'magic', number>> = {}): Uint8Array {
  const structBytes = Uint8Array.from(struct.flat());
  const stringBytes = new TextEncoder().encode(strings);
  const offDtStruct = 40 + 16;
  const offDtStrings = offDtStruct + structBytes.length;
  const out = new Uint8Array(offDtStrings + stringBytes.length);
  const v = new DataView(out.buffer);
  const h = {
    magic: 0xd00dfeed,
    totalsize: out.length,
    offDtStruct,
    offDtStrings,
    offMemRsvmap: 40,
    version: 17,
    lastCompVersion: 16,
    bootCpuidPhys: 0,
    sizeDtStrings: stringBytes.length,
    sizeDtStruct: structBytes.length,
    ...header,
  };
  [h.magic, h.totalsize, h.offDtStruct, h.offDtStrings, h.offMemRsvmap, h.version, h.lastCompVersion, h.bootCpuidPhys, h.sizeDtStrings, h.sizeDtStruct].forEach(
    (x, i) => v.setUint32(i * 4, x),
  );
  out.set(structBytes, offDtStruct);
  out.set(stringBytes, offDtStrings);
  return out;
}

const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const padded = (s: string, nul = true) => {
  const b = [...new TextEncoder().encode(s), ...(nul ? [0] : [])];
  while (b.length % 4) b.push(0);
  return b;
};
const begin = (name: string) => [...u32(FDT_BEGIN_NODE), ...padded(name)];
const end = () => u32(FDT_END_NODE);
const prop = (nameoff: number, value: number[]) => [...u32(FDT_PROP), ...u32(value.length), ...u32(nameoff), ...value, ...Array((4 - (value.length % 4)) % 4).fill(0)];
const fin = () => u32(FDT_END);

const codes = (bytes: Uint8Array) => decodeDtb(bytes).diagnostics.map((d) => d.code);

describe.each(flavours)('hostile DTBs (%s)', (_name, make) => {
  const decode = (b: Uint8Array) => decodeDtb(make(b));

  it('a well-formed assembled blob decodes cleanly (the baseline for the rest)', () => {
    const d = decode(assemble([begin(''), prop(0, u32(1)), begin('child@1'), prop(0, u32(2)), end(), end(), fin()], 'x\0'));
    expect(d.diagnostics).toEqual([]);
    expect(d.tree.root.children[0]).toMatchObject({ name: 'child', unitAddress: '1' });
  });

  it('bad magic', () => {
    const d = decode(assemble([begin(''), end(), fin()], '', { magic: 0x12345678 }));
    expect(d.diagnostics).toEqual([expect.objectContaining({ code: 'dtb-bad-magic', offset: 0, path: 'header/magic' })]);
    expect(d.header).toBeUndefined();
  });

  it('every truncation of a real blob: diagnostics, never a throw', async () => {
    const { tree } = await parseDts('/dts-v1/; / { a = <1>; n@1 { b = "x"; c; }; };', 't.dts');
    const whole = encodeDtb(tree);
    for (let n = 0; n < whole.length; n++) {
      const d = decode(whole.subarray(0, n));
      expect(d.diagnostics.length, `truncated to ${n}`).toBeGreaterThan(0);
      expect(d.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    }
  });

  it('totalsize beyond the blob', () => {
    expect(codes(assemble([begin(''), end(), fin()], '', { totalsize: 4096 }))).toContain('dtb-truncated');
  });

  it('overlapping blocks', () => {
    const blob = assemble([begin(''), prop(0, u32(1)), end(), fin()], 'x\0');
    const v = new DataView(blob.buffer);
    v.setUint32(12, v.getUint32(8)); // strings block starts where the structure block does
    const d = decode(blob);
    expect(d.diagnostics).toContainEqual(expect.objectContaining({ code: 'dtb-blocks-overlap', severity: 'error', path: 'header' }));
  });

  it('a block outside the blob', () => {
    const d = decode(assemble([begin(''), end(), fin()], '', { offDtStruct: 0x7fffffff }));
    expect(d.diagnostics.map((x) => x.code)).toContain('dtb-block-outside');
  });

  it('nameoff out of range: the property is dropped, the rest kept, the path named', () => {
    const d = decode(assemble([begin(''), begin('n@1'), prop(999, u32(1)), prop(0, u32(2)), end(), end(), fin()], 'ok\0'));
    expect(d.diagnostics).toEqual([expect.objectContaining({ code: 'dtb-nameoff-out-of-range', path: '/n@1', offset: 40 + 16 + 8 + 8 })]);
    expect(d.tree.root.children[0]!.properties.map((p) => p.name)).toEqual(['ok']);
  });

  it('a property name not terminated inside the strings block', () => {
    expect(codes(assemble([begin(''), prop(0, u32(1)), end(), fin()], 'abc'))).toEqual(['dtb-unterminated-string']);
  });

  it('a node name not terminated inside the structure block', () => {
    const d = decode(assemble([begin(''), [...u32(FDT_BEGIN_NODE), ...padded('runaway-name', false)]], ''));
    expect(d.diagnostics.map((x) => x.code)).toEqual(['dtb-unterminated-name']);
    expect(d.diagnostics[0]).toMatchObject({ path: '/', offset: 40 + 16 + 8 });
  });

  it('deep nesting stops at the named limit', () => {
    const depth = 10_000;
    const struct = [begin(''), ...Array.from({ length: depth }, () => begin('n')), ...Array.from({ length: depth }, end), end(), fin()];
    const t0 = performance.now();
    const d = decode(assemble(struct, ''));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(d.diagnostics.map((x) => x.code)).toEqual(['dtb-too-deep']);
    let levels = 0;
    for (let n = d.tree.root; n.children[0]; n = n.children[0]) levels++;
    expect(levels).toBe(FDT_MAX_DEPTH - 1);
  });

  it('a property value longer than the structure block', () => {
    const blob = assemble([begin(''), [...u32(FDT_PROP), ...u32(0xfffffff0), ...u32(0)], end(), fin()], 'x\0');
    expect(codes(blob)).toEqual(['dtb-truncated']);
  });

  it('unknown tokens, unbalanced nodes, a second root, a property outside any node', () => {
    expect(codes(assemble([begin(''), u32(7), end(), fin()], ''))).toEqual(['dtb-bad-token']);
    expect(codes(assemble([begin(''), end(), end(), fin()], ''))).toEqual(['dtb-unbalanced']);
    expect(codes(assemble([begin(''), begin('a'), fin()], ''))).toEqual(['dtb-unbalanced']);
    expect(codes(assemble([begin(''), end(), begin(''), end(), fin()], ''))).toEqual(['dtb-multiple-roots']);
    expect(codes(assemble([prop(0, []), fin()], 'x\0'))).toEqual(['dtb-property-outside-node']);
    expect(codes(assemble([fin()], ''))).toEqual(['dtb-no-root']);
  });

  it('an old version is refused, a v16 blob (no size_dt_struct) is read', () => {
    expect(codes(assemble([begin(''), end(), fin()], '', { version: 3 }))).toEqual(['dtb-unsupported-version']);
    const v16 = decode(assemble([begin(''), prop(0, u32(5)), end(), fin()], 'x\0', { version: 16, sizeDtStruct: 0xdeadbeef }));
    expect(v16.diagnostics).toEqual([]);
    expect(v16.header?.sizeDtStruct).toBeUndefined();
    expect(v16.tree.root.properties).toHaveLength(1);
  });

  it('random corruption never throws', async () => {
    const { tree } = await parseDts('/dts-v1/; / { #address-cells = <2>; a { iommu-map = <0 &b 0 0x100>; }; b: b { #iommu-cells = <1>; }; };', 't.dts');
    const whole = encodeDtb(tree);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from(whole);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      expect(() => decode(b)).not.toThrow();
    }
  });
});
