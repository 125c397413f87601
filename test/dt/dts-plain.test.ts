/**
 * The one-pass reader of plain DTS (dts-plain.ts) against the tree-sitter
 * parse it stands in for: wherever it reads a text, tree-sitter reads the
 * same text without a diagnostic to the same tree (labels, values, order),
 * and what that tree prints as reads plain again to the same tree;
 * everywhere else it gives up and parseDts says what tree-sitter says.
 * Inputs: every DTS fixture, the corpus's DT sources, the example boards'
 * DTS as ridmap and as dtc print them, a large generated board, and every
 * one-character deletion and a set of insertions into a sample that uses
 * each construct the reader takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { dtFromTopology, dtsParser, encodeDtb, formatDts, parseDts, treeToJson } from '../../src/dt/index.js';
import { emptyTree } from '../../src/dt/tree.js';
import { parseDtsWithTreeSitter } from '../../src/dt/dts-parse.js';
import { parsePlainDts } from '../../src/dt/dts-plain.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT } from '../support/paths.js';
import { generatedBoard } from './generated-board.js';
import { dtc, dtExamples, dtSourceFiles, haveDtc } from './support.js';

let parser: Parser;
beforeAll(async () => {
  parser = await dtsParser();
});

/** 'plain' when the reader took the text (and gave tree-sitter's tree), 'fallback' when it gave up. */
function compare(text: string, file = 'x.dts'): 'plain' | 'fallback' {
  const plain = parsePlainDts(text);
  if (plain === undefined) return 'fallback';
  const ts = parseDtsWithTreeSitter(parser, text, file);
  expect(ts.diagnostics, text.length < 2000 ? text : file).toEqual([]);
  expect(plain, text.length < 2000 ? text : file).toEqual(ts.tree);
  // A DTS subject read plain checks its round trip without the grammar (io/dt-subject.ts): what it prints must read plain, to the same tree.
  expect(treeToJson(parsePlainDts(formatDts(plain)) ?? emptyTree()), text.length < 2000 ? text : file).toEqual(treeToJson(plain));
  return 'plain';
}

/** Every construct the reader takes, in a few lines. */
const SAMPLE = `/dts-v1/;
/* a comment */ r1: /memreserve/ 0x1000 0x2000;
/ {
	#address-cells = <1>; // line comment
	model = "a \\"quoted\\" \\x41 \\101 \\n value";
	a: b: node@1,2 {
		reg = <1 0x2 010>, <&a>;
		bytes = [0011 22], &{/node@1,2};
		bits = /bits/ 8 <0xff 1>;
		lbl: flag;
		child { x = <&b>; };
	};
};
/ { node@1,2 { y; }; };
&a { z = "m"; };
&{/node@1,2} { w = <>; };
`;

describe('plain DTS reads as tree-sitter reads it', () => {
  it('the sample is plain', () => {
    expect(compare(SAMPLE)).toBe('plain');
  });

  it('every one-character deletion from the sample: the same tree, or a fall back to tree-sitter', () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < SAMPLE.length; i++) outcomes.add(compare(SAMPLE.slice(0, i) + SAMPLE.slice(i + 1)));
    expect([...outcomes].sort()).toEqual(['fallback', 'plain']);
  });

  it('characters inserted at every statement boundary and inside values: the same tree, or a fall back', () => {
    const inserts = [' ', '\n', '\t', ';', '-', '?', '.', '_', 'X', '+', '*', ':', '@', '&', '#', '/', '\\', "'", '"', '<', '>', '{', '}', ',', '=', 'x', '0', '(', '\u00a0', '/**/', '//\n', '/include/ "f"', '#if 0\n'];
    for (let i = 0; i <= SAMPLE.length; i += 3) {
      for (const s of inserts) compare(SAMPLE.slice(0, i) + s + SAMPLE.slice(i));
    }
  });

  it('what it gives up on, parseDts reads with tree-sitter (diagnostics included)', async () => {
    const cases = [
      '/dts-v1/; / { a = <(1 + 2)>; };',
      '/dts-v1/; / { a = <0X10>; };',
      "/dts-v1/; / { a = <'a'>; };",
      '/dts-v1/; / { a { }; /delete-node/ a; };',
      '/dts-v1/; / { a = <1>; a = <2>; };',
      '/dts-v1/; / { a = <&nowhere>; }; &missing { };',
      '/dts-v1/; / { a = /bits/ 8 <256>; };',
      '/dts-v1/; / { a = "unterminated; };',
      '/dts-v1/; #define X 1\n/ { a = <X>; };',
    ];
    for (const text of cases) {
      expect(parsePlainDts(text), text).toBeUndefined();
      expect(await parseDts(text, 'x.dts')).toEqual(parseDtsWithTreeSitter(parser, text, 'x.dts'));
    }
  });

  it('numbers at the edges of reading them without BigInt: the same cells as tree-sitter\'s (numbers; bigints in 64-bit cells)', () => {
    const text = `/dts-v1/;
/ {
	hex = <0xffffffff 0x0 0xABCDEF01 0x000000000000000000000000000000001>;
	dec = <4294967295 0 1>;
	oct = <0 017 037777777777>;
	byte = /bits/ 8 <0xff 255 0377>;
	half = /bits/ 16 <0xffff 65535>;
	wide = /bits/ 64 <0xffffffffffffffff 0x1fffffffffffff 0x20000000000000 18446744073709551615 999999999999999>;
	cut = /bits/ 64 <0x1ffffffffffffffff>;
};
`;
    expect(compare(text)).toBe('plain');
    const hex = parsePlainDts(text)!.root.properties[0]!.value[0]!;
    expect(hex).toEqual({ kind: 'cells', bits: 32, cells: [0xffffffff, 0, 0xabcdef01, 1] });
    const wide = parsePlainDts(text)!.root.properties[5]!.value[0]!;
    expect(wide).toEqual({ kind: 'cells', bits: 64, cells: [2n ** 64n - 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n, 999999999999999n] });
    // Out of range for the cell, or not a number (`08`): tree-sitter's to read and report.
    for (const bad of ['<0x100000000>', '/bits/ 8 <256>', '/bits/ 16 <0x10000>', '<08>', '<0x>', '<12ab>']) {
      expect(compare(`/dts-v1/;\n/ { v = ${bad}; };\n`), bad).toBe('fallback');
    }
  });

  it('a property named twice in a body that builds its node is tree-sitter\'s to report, however many come between; in a merging body the second wins', () => {
    for (const n of [1, 2, 15, 16, 17, 40]) {
      const props = Array.from({ length: n }, (_, i) => `p${i} = <${i}>;`).join(' ');
      expect(compare(`/dts-v1/;\n/ { a { ${props} }; };\n`), `${n}`).toBe('plain');
      for (const again of [0, n - 1]) expect(compare(`/dts-v1/;\n/ { a { ${props} p${again} = <9>; }; };\n`), `${n}, p${again}`).toBe('fallback');
      expect(compare(`/dts-v1/;\n/ { l: a { ${props} }; };\n&l { p0 = <9>; p${n - 1} = <8>; };\n`), `${n}, merged`).toBe('plain');
    }
  });

  it('a large generated board is plain and reads as tree-sitter reads it', () => {
    expect(compare(generatedBoard(2000), 'generated.dts')).toBe('plain');
  });

  it('nesting deeper than FDT_MAX_DEPTH is left to tree-sitter, which reports it; 100,000 levels do not overflow', async () => {
    const deep = (n: number) => `/dts-v1/; / { ${'a { '.repeat(n)}${'}; '.repeat(n)}};`;
    expect(compare(deep(60))).toBe('plain');
    expect(parsePlainDts(deep(100_000))).toBeUndefined();
  });

  const fixtures = dtSourceFiles();
  it.each(fixtures.map((f) => [f.replace(`${REPO_ROOT}/`, '')]))('%s: the same tree or a fall back', (file) => {
    const path = file.startsWith('/') ? file : join(REPO_ROOT, file);
    compare(readFileSync(path, 'utf8'), file);
  });

  for (const { name, topology } of dtExamples()) {
    it(`${name}: the board DTS ridmap prints, and the one dtc prints of its DTB, are plain and read the same`, () => {
      const tree = dtFromTopology(resolveTopology(topology)).tree;
      expect(compare(formatDts(tree), name)).toBe('plain');
      if (!haveDtc()) return;
      const printed = dtc(encodeDtb(tree), 'dtb', 'dts');
      expect(printed.status).toBe(0);
      expect(compare(printed.stdout.toString('utf8'), `${name} (dtc)`)).toBe('plain');
    });
  }
});
