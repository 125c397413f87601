/**
 * Plain DTS straight to its DTB (dts-plain-dtb.ts) against the general path
 * it stands in for (parse to the tree, lay it out, encodeDtb): wherever it
 * gives a DTB, the general path gives the same bytes without a diagnostic;
 * everywhere else it gives up and `encode` takes the general path, which
 * says what is wrong. Inputs: a sample using every construct it takes,
 * every one-character deletion from it and insertions into it, the shapes
 * it leaves to the general path, every DTS fixture and corpus DT source,
 * the example boards' DTS as ridmap and as dtc print them (dtc's with
 * explicit phandles), QEMU's virt DTB as dtc prints it, a large generated
 * board and the bench's board, whole and damaged. dtc, where installed,
 * compiles the samples to the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasErrors, InputError } from '../../src/diagnostic.js';
import { dtFromTopology, encodeDtb, formatDts, parseDts } from '../../src/dt/index.js';
import { plainDtsToDtb } from '../../src/dt/dts-plain-dtb.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT } from '../support/paths.js';
import { generatedBoard } from './generated-board.js';
import { dtc, dtExamples, dtSourceFiles, haveDtc, haveTool } from './support.js';

const HAVE_DTC = haveDtc();

/** The general path's DTB: undefined where it reports an error. */
async function general(text: string): Promise<Uint8Array | undefined> {
  const { tree, diagnostics } = await parseDts(text, 'x.dts');
  if (hasErrors(diagnostics)) return undefined;
  try {
    return encodeDtb(tree);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** 'direct' when the DTB was written straight (and is the general path's), 'fallback' when it gave up. */
async function compare(text: string, what = text.length < 2000 ? text : 'text'): Promise<'direct' | 'fallback'> {
  const direct = plainDtsToDtb(text);
  if (direct === undefined) return 'fallback';
  const { diagnostics } = await parseDts(text, 'x.dts');
  expect(diagnostics, what).toEqual([]);
  const bytes = await general(text);
  expect(bytes && Buffer.from(bytes).toString('hex'), what).toBe(Buffer.from(direct).toString('hex'));
  return 'direct';
}

/** dtc compiles the text to the same bytes (when dtc is installed). */
function expectDtc(text: string, bytes: Uint8Array): void {
  if (!HAVE_DTC) return;
  const r = dtc(text, 'dts', 'dtb', ['-q']);
  expect(r.status).toBe(0);
  expect(Buffer.from(bytes).toString('hex')).toBe(r.stdout.toString('hex'));
}

/**
 * Every construct the direct path takes: reservations, labels (several on a
 * node, on properties), references before and after their node, a node
 * referenced from several places, cells at every width, strings with
 * escapes, byte strings, empty properties, comments, /cpus (boot_cpuid_phys
 * from its first CPU's reg), an explicit phandle the numbering skips and a
 * node with both phandle properties.
 */
const SAMPLE = `/dts-v1/;
/* reserved */ /memreserve/ 0x1000 0x2000;
r2: /memreserve/ 0x10000000 0x100;
/ {
	#address-cells = <1>; // line comment
	model = "a \\"quoted\\" \\x41 \\101 \\n value";
	interrupt-parent = <&gic>;
	cpus {
		#address-cells = <1>;
		cpu@101 { reg = <0x101>; };
		cpu@0 { reg = <0>; };
	};
	a: b: node@1,2 {
		reg = <1 0x2 010>, <&a>;
		bytes = [0011 22], "s";
		bits8 = /bits/ 8 <0xff 1>;
		bits16 = /bits/ 16 <0x1234>, <5>;
		bits64 = /bits/ 64 <0x123456789abcdef0 0xffffffffffffffff>;
		lbl: flag;
		child { x = <&b &c &gic>; };
	};
	c: fixed { phandle = <1>; };
	d: both { phandle = <0x3>; linux,phandle = <3>; };
	gic: interrupt-controller { e = <&d>; y = <&later>; };
	later: z { };
};
`;

describe('plain DTS straight to the DTB, as the general path writes it', () => {
  it('the sample is written directly, and dtc makes the same bytes', async () => {
    expect(await compare(SAMPLE)).toBe('direct');
    expectDtc(SAMPLE, plainDtsToDtb(SAMPLE)!);
  });

  it('every one-character deletion from the sample: the same bytes, or a fall back', async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < SAMPLE.length; i++) outcomes.add(await compare(SAMPLE.slice(0, i) + SAMPLE.slice(i + 1)));
    expect([...outcomes].sort()).toEqual(['direct', 'fallback']);
  });

  it('characters inserted at every third place: the same bytes, or a fall back', async () => {
    const inserts = [' ', ';', '-', ':', '@', '&', '/', '"', '<', '>', '{', '}', ',', '=', 'x', '0', '/**/', '&{/z}', 'q { };', 'phandle = <2>;'];
    for (let i = 0; i <= SAMPLE.length; i += 3) {
      for (const s of inserts) await compare(SAMPLE.slice(0, i) + s + SAMPLE.slice(i));
    }
  });

  it('what it leaves to the general path, which then says what it says', async () => {
    const cases: [string, 'dtb' | 'error'][] = [
      ['/dts-v1/; / { a: n { }; }; / { m { }; };', 'dtb'], // a second root body
      ['/dts-v1/; / { a: n { }; }; &a { p = <1>; };', 'dtb'], // a body for a label
      ['/dts-v1/; / { n { }; p = <1>; };', 'dtb'], // a property after a subnode
      ['/dts-v1/; / { a: n { }; p = &a; };', 'dtb'], // a path as a value
      ['/dts-v1/; / { n { }; p = <&{/n}>; };', 'dtb'], // a reference by path
      ['/dts-v1/; / { a: n { }; a: m { }; p = <&a>; };', 'error'], // a label on two nodes
      ['/dts-v1/; / { n { phandle = <0>; }; };', 'error'],
      ['/dts-v1/; / { n { phandle = <2>; }; m { phandle = <2>; }; };', 'error'],
      ['/dts-v1/; / { n { phandle = <1 2>; }; };', 'error'],
      ['/dts-v1/; / { n { phandle = <2>; linux,phandle = <3>; }; };', 'dtb'],
      ['/dts-v1/; / { a: n { phandle = <&a>; }; };', 'dtb'],
      ['/dts-v1/; / { a: n { }; cpus { cpu { reg = <&a>; }; }; };', 'dtb'], // boot CPU reg with a reference
      ['/dts-v1/; /memreserve/ 0 1;', 'dtb'], // no root body
    ];
    for (const [text, outcome] of cases) {
      expect(plainDtsToDtb(text), text).toBeUndefined();
      const bytes = await general(text);
      expect(bytes === undefined ? 'error' : 'dtb', text).toBe(outcome);
    }
  });

  it('a large generated board, and the bench\'s board (scripts/bench/generate-dtb.mjs) at 3,000 nodes, are written directly', async () => {
    expect(await compare(generatedBoard(2000), 'generated board')).toBe('direct');
    const url = pathToFileURL(join(REPO_ROOT, 'scripts/bench/generate-dtb.mjs')).href;
    const { dtsText } = (await import(url)) as { dtsText: (opts: { nodes: number }) => string };
    const bench = dtsText({ nodes: 3000 });
    expect(await compare(bench, 'bench board')).toBe('direct');
    expectDtc(bench, plainDtsToDtb(bench)!);
    // Damaged: cut short, a label given twice, a reference to no node, a property after a subnode: left to the general path.
    for (let k = 1; k < 12; k++) expect(await compare(bench.slice(0, Math.floor((bench.length * k) / 12)), `bench cut ${k}/12`)).toBe('fallback');
    const damaged = [
      bench.replace('smmu1: iommu', 'smmu0: iommu'),
      bench.replace('<&smmu3 ', '<&smmu99 '),
      bench.replace('\t\tranges;\n\t\tdma-controller', '\t\tranges;\n\t\tx { };\n\t\ty = <1>;\n\t\tdma-controller'),
      // Not damage: an explicit phandle, which the numbering of the referenced nodes skips.
      bench.replace(/\n};\n$/, '\n\tphandle-holder { phandle = <3>; };\n};\n'),
    ];
    for (const [i, text] of damaged.entries()) expect(text, `damage ${i}`).not.toBe(bench);
    expect(await Promise.all(damaged.map((text, i) => compare(text, `bench damage ${i}`)))).toEqual(['fallback', 'fallback', 'fallback', 'direct']);
  });

  it('references back and forth among 2,000 nodes, every 13th with an explicit phandle the numbering skips: written directly, to dtc\'s bytes', async () => {
    const n = 2000;
    const lines = ['/dts-v1/;', '/ {', `\tall = <${Array.from({ length: 100 }, (_, i) => `&n${i * 17}`).join(' ')}>;`];
    for (let i = 0; i < n; i++) lines.push(`\tn${i}: node${i} { ${i % 13 === 0 ? `phandle = <${i + 3}>; ` : ''}r = <&n${(i * 7919) % n}>; };`);
    const text = [...lines, '};', ''].join('\n');
    expect(await compare(text, 'references back and forth')).toBe('direct');
    expectDtc(text, plainDtsToDtb(text)!);
  });

  const fixtures = dtSourceFiles();
  it.each(fixtures.map((f) => [f.replace(`${REPO_ROOT}/`, '')]))('%s: the same bytes or a fall back', async (file) => {
    const path = file.startsWith('/') ? file : join(REPO_ROOT, file);
    await compare(readFileSync(path, 'utf8'), file);
  });

  for (const { name, topology } of dtExamples()) {
    it(`${name}: the board DTS ridmap prints, and the one dtc prints of its DTB (explicit phandles), are written directly`, async () => {
      const tree = dtFromTopology(resolveTopology(topology)).tree;
      expect(await compare(formatDts(tree), name)).toBe('direct');
      if (!HAVE_DTC) return;
      const printed = dtc(encodeDtb(tree), 'dtb', 'dts').stdout.toString('utf8');
      expect(await compare(printed, `${name} (dtc)`)).toBe('direct');
      expectDtc(printed, plainDtsToDtb(printed)!);
    });
  }

  it.skipIf(!haveTool('qemu-system-aarch64') || !HAVE_DTC)('QEMU virt\'s DTB as dtc prints it is written directly, to dtc\'s bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridmap-qemu-plain-'));
    try {
      const file = join(dir, 'virt.dtb');
      const r = spawnSync('qemu-system-aarch64', ['-machine', `virt,iommu=smmuv3,dumpdtb=${file}`, '-cpu', 'cortex-a57', '-nographic', '-nodefaults'], { timeout: 30_000 });
      expect(r.status).toBe(0);
      const text = dtc(readFileSync(file), 'dtb', 'dts').stdout.toString('utf8');
      expect(await compare(text, 'virt (dtc)')).toBe('direct');
      expectDtc(text, plainDtsToDtb(text)!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
