/**
 * The DTS parser on its own: includes through the resolver, the part of the
 * C preprocessor it handles, precise diagnostics (code, file, line:column)
 * for what it cannot, and dtc's rules for values. (dtc-oracle.test.ts checks
 * the whole syntax tour against dtc byte for byte.)
 */
import { describe, expect, it } from 'vitest';
import { encodeDtb, formatDts, parseDts, treeToJson } from '../../src/dt/index.js';
import { layoutTree } from '../../src/dt/layout.js';
import { findProperty, nodeAtPath, type DtTree } from '../../src/dt/tree.js';

const codes = (ds: { code: string }[]) => ds.map((d) => d.code);

function cellsOf(tree: DtTree, path: string, name: string): string {
  const node = nodeAtPath(tree.root, path)!;
  return Buffer.from(layoutTree(tree).bytesOf.get(findProperty(node, name)!)!).toString('hex');
}

describe('parseDts', () => {
  it('assigns phandles as dtc does: explicit ones kept, then in order of first reference', async () => {
    const { tree, diagnostics } = await parseDts(
      '/dts-v1/; / { a: a { x = <&c>; }; b: b { phandle = <1>; }; c: c { y = <&a &b>; }; };',
      't.dts',
    );
    expect(diagnostics).toEqual([]);
    const layout = layoutTree(tree);
    const phandle = (p: string) => layout.phandleOf.get(nodeAtPath(tree.root, p)!);
    expect([phandle('/a'), phandle('/b'), phandle('/c')]).toEqual([3, 1, 2]);
    expect(layout.root.children.map((c) => c.properties.map((p) => p.name))).toEqual([['x', 'phandle'], ['phandle'], ['y', 'phandle']]);
  });

  it('reads /include/ anywhere and #include "..." through the resolver, naming the including file', async () => {
    const files: Record<string, string> = {
      'soc.dtsi': '/ { soc: soc { #address-cells = <1>; }; };',
      'props.dtsi': 'from-include = <1>;\n#define FROM_HEADER 7',
    };
    const asked: [string, string][] = [];
    const { tree, diagnostics } = await parseDts('/dts-v1/;\n#include "soc.dtsi"\n&soc {\n\t/include/ "props.dtsi"\n\tlater = <FROM_HEADER>;\n};\n', 'board.dts', {
      readInclude: (path, from) => (asked.push([path, from]), files[path]),
    });
    expect(diagnostics).toEqual([]);
    expect(asked).toEqual([['soc.dtsi', 'board.dts'], ['props.dtsi', 'board.dts']]);
    expect(nodeAtPath(tree.root, '/soc')!.properties.map((p) => p.name)).toEqual(['#address-cells', 'from-include', 'later']);
    expect(cellsOf(tree, '/soc', 'later')).toBe('00000007');
  });

  it('says exactly what is missing: an include, a dt-bindings header, a macro, a label from a missing file', async () => {
    const text = [
      '/dts-v1/;',
      '#include <dt-bindings/interrupt-controller/arm-gic.h>',
      '/include/ "clocks.dtsi"',
      '/ {',
      '\tn { interrupts = <GIC_SPI 34 IRQ_TYPE_LEVEL_HIGH>, <GIC_SPI 35 IRQ_TYPE_LEVEL_HIGH>; };',
      '};',
      '&clk { x; };',
    ].join('\n');
    const { tree, diagnostics } = await parseDts(text, 'soc.dtsi');
    expect(diagnostics).toEqual([
      { severity: 'error', code: 'dts-needs-preprocessing', file: 'soc.dtsi', line: 2, column: 1, message: 'needs preprocessing: #include <dt-bindings/interrupt-controller/arm-gic.h> (not available)' },
      { severity: 'error', code: 'dts-include-not-found', file: 'soc.dtsi', line: 3, column: 1, message: '/include/ "clocks.dtsi": file not found' },
      {
        severity: 'error',
        code: 'dts-needs-preprocessing',
        file: 'soc.dtsi',
        line: 7,
        column: 1,
        message: 'needs preprocessing: &clk is not defined in what was parsed (missing: #include <dt-bindings/interrupt-controller/arm-gic.h>, /include/ "clocks.dtsi")',
      },
      { severity: 'error', code: 'dts-needs-preprocessing', file: 'soc.dtsi', line: 5, column: 20, message: 'needs preprocessing: macro GIC_SPI is not defined in what was parsed (used 2 times; first use here)' },
      { severity: 'error', code: 'dts-needs-preprocessing', file: 'soc.dtsi', line: 5, column: 31, message: 'needs preprocessing: macro IRQ_TYPE_LEVEL_HIGH is not defined in what was parsed (used 2 times; first use here)' },
    ]);
    // The value keeps its shape (and prints back as written); only encoding it is refused.
    expect(formatDts(tree)).toContain('interrupts = <GIC_SPI 0x22 IRQ_TYPE_LEVEL_HIGH>, <GIC_SPI 0x23 IRQ_TYPE_LEVEL_HIGH>;');
    expect(() => encodeDtb(tree)).toThrow(/dts-needs-preprocessing/);
  });

  it('places a missing /include/ inside an included body at its own line', async () => {
    const { diagnostics } = await parseDts('/dts-v1/;\n#include "a.dtsi"\n', 'board.dts', {
      readInclude: (path) => (path === 'a.dtsi' ? '/ {\n\tn {\n\t\t/include/ "gone.dtsi"\n\t};\n};\n' : undefined),
    });
    expect(diagnostics).toEqual([
      { severity: 'error', code: 'dts-include-not-found', file: 'a.dtsi', line: 3, column: 3, message: '/include/ "gone.dtsi": file not found' },
    ]);
  });

  it('expands macros #defined in the file, object-like and function-like, and follows #if/#ifdef', async () => {
    const text = [
      '/dts-v1/;',
      '#define BASE 0x1000',
      '#define PAIR 1 2',
      '#define SPI(n) (n - 32)',
      '#define NESTED (BASE + SPI(40))',
      '/ {',
      '#ifdef BASE',
      '\ta = <BASE PAIR SPI(42) NESTED>;',
      '#else',
      '\ta = <0>;',
      '#endif',
      '#ifndef UNDEFINED_THING',
      '\tb = <1>;',
      '#endif',
      '#if defined(BASE) && BASE > 0x800',
      '\tc = <1>;',
      '#elif 1',
      '\tc = <2>;',
      '#endif',
      '#undef BASE',
      '#if defined BASE',
      '\td = <1>;',
      '#endif',
      '};',
    ].join('\n');
    const { tree, diagnostics } = await parseDts(text, 't.dts');
    expect(diagnostics).toEqual([]);
    expect(tree.root.properties.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(cellsOf(tree, '/', 'a')).toBe(['00001000', '00000001', '00000002', '0000000a', '00001008'].join(''));
    expect(cellsOf(tree, '/', 'c')).toBe('00000001');
  });

  it('reports the first syntax error only, at its line and column, as dtc does', async () => {
    const { diagnostics } = await parseDts('/dts-v1/;\n/ {\n\ta = <1 2;\n\tb = <3>\n};\n', 'bad.dts');
    expect(diagnostics).toEqual([{ severity: 'error', code: 'dts-syntax', file: 'bad.dts', line: 3, column: 10, message: 'syntax error: expected ">" before ";"' }]);
  });

  it("applies dtc's value rules", async () => {
    const cases: [string, string][] = [
      ['a = <0x100000000>;', 'dts-value-out-of-range'],
      ['a = /bits/ 8 <256>;', 'dts-value-out-of-range'],
      ['a = /bits/ 16 <&x>;', 'dts-bad-reference'],
      ['a = /bits/ 12 <1>;', 'dts-bad-bits'],
      ['a = [123];', 'dts-bad-bytes'],
      ['a = <(1 / 0)>;', 'dts-bad-expression'],
      ['a = <(5 % 0)>;', 'dts-bad-expression'],
      ['a = <1>; a = <2>;', 'dts-duplicate-property'],
      ['n {}; n {};', 'dts-duplicate-node'],
    ];
    for (const [body, code] of cases) {
      const { diagnostics } = await parseDts(`/dts-v1/; / { x: x {}; ${body} };`, 't.dts');
      expect(codes(diagnostics), body).toEqual([code]);
    }
    const ok = await parseDts('/dts-v1/; / { a = <(-1)>; b = /bits/ 8 <(-1)>; };', 't.dts');
    expect(ok.diagnostics).toEqual([]);
  });

  it('takes a name twice only in a body that merges (as dtc does): the second wins', async () => {
    const { tree, diagnostics } = await parseDts('/dts-v1/; / { a { x = <1>; }; }; / { a { x = <2>; x = <3>; n {}; n {}; }; };', 't.dts');
    expect(diagnostics).toEqual([]);
    expect(cellsOf(tree, '/a', 'x')).toBe('00000003');
    expect(nodeAtPath(tree.root, '/a')!.children).toHaveLength(1);
  });

  it('an overlay on a label defined nowhere is an error of its own when nothing is missing', async () => {
    const { diagnostics } = await parseDts('/dts-v1/; / { }; &nope { x; };', 't.dts');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'dts-unknown-label', line: 1, column: 18 })]);
  });

  it('drops /omit-if-no-ref/ nodes nothing references', async () => {
    const { tree } = await parseDts('/dts-v1/; / { /omit-if-no-ref/ a: a {}; /omit-if-no-ref/ b: b {}; c { p = <&b>; }; };', 't.dts');
    expect(tree.root.children.map((c) => c.name)).toEqual(['b', 'c']);
  });

  it("takes boot_cpuid_phys from the first CPU's reg, as dtc does", async () => {
    const { tree } = await parseDts('/dts-v1/; / { cpus { #address-cells = <1>; #size-cells = <0>; cpu@2 { reg = <2>; }; }; };', 't.dts');
    expect(tree.bootCpuidPhys).toBe(2);
    expect(new DataView(encodeDtb(tree).buffer).getUint32(28)).toBe(2);
  });

  it('keeps strings as UTF-8 bytes and leaves quotes and comments alone', async () => {
    const { tree, diagnostics } = await parseDts("/dts-v1/; / { // it's a comment\n s = \"né 'x'\"; /* don't */ c = <'x'>; };", 't.dts');
    expect(diagnostics).toEqual([]);
    expect(cellsOf(tree, '/', 's')).toBe(Buffer.from("né 'x'\0", 'utf8').toString('hex'));
    expect(cellsOf(tree, '/', 'c')).toBe('00000078');
    expect(formatDts(tree)).toContain('s = "n\\xc3\\xa9 \'x\'";');
  });

  it('gives a JSON form with DTS text and bytes', async () => {
    const { tree } = await parseDts('/dts-v1/; / { l: n@1 { iommu-map = <0 &l 0 0x10>; }; };', 't.dts');
    expect(treeToJson(tree).root.children[0]).toEqual({
      name: 'n@1',
      path: '/n@1',
      labels: ['l'],
      phandle: 1,
      properties: [{ name: 'iommu-map', value: '<0x00 &l 0x00 0x10>', bytes: '00000000000000010000000000000010' }],
      children: [],
    });
  });
});
