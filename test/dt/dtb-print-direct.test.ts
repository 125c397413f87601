/**
 * A DTB printed straight from its bytes (dtb-print.ts) against the tree's
 * printer it stands in for: a blob is clean exactly when decodeDtb reads it
 * without a diagnostic and formatDts leaves nothing out, and then the two
 * texts are the same, byte for byte. Inputs: every example board's DTB, a
 * large generated board, blobs with reservations, NOPs, empty and string
 * values, and every single-byte change of a small board (each either still
 * clean and printed alike, or not clean and left to the tree, which says
 * why). Through the CLI, `decode` prints a clean blob and an unclean one as
 * before, diagnostics included.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextSink } from '../../src/codec/text-sink.js';
import { cleanDtb, decodeDtb, dtFromTopology, encodeDtb, formatDts, namesDtsCannotWrite, parseDts, printDtb, writeDtb } from '../../src/dt/index.js';
import { FDT_NOP } from '../../src/dt/fdt.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { runCli } from '../support/run-cli.js';
import { generatedBoard } from './generated-board.js';
import { dtExamples } from './support.js';

/** The direct print agrees with the tree's: clean exactly when the tree reads and prints whole, and then the same text. */
function expectAgrees(bytes: Uint8Array, what: string): boolean {
  const { tree, diagnostics } = decodeDtb(bytes);
  const whole = diagnostics.length === 0 && namesDtsCannotWrite(tree).length === 0;
  expect(cleanDtb(bytes), what).toBe(whole);
  const direct = printDtb(bytes);
  if (!whole) {
    expect(direct, what).toBeUndefined();
    const sink = new TextSink();
    expect(writeDtb(bytes, sink), what).toBe(false);
    expect(sink.toString(), `${what}: nothing written`).toBe('');
    return false;
  }
  expect(direct, what).toBe(formatDts(tree));
  return true;
}

const SMALL = `/dts-v1/;
/memreserve/ 0x80000000 0x1000;
/ {
	#address-cells = <2>;
	model = "ridmap \\"small\\" board";
	compatible = "a,b", "c";
	empty;
	bytes = [00 01 02];
	u64 = /bits/ 64 <0x1122334455667788>;
	smmu: iommu@9050000 { #iommu-cells = <1>; reg = <0x0 0x9050000 0x0 0x20000>; };
	dev@0 { iommus = <&smmu 0x10>; status = "okay"; };
};
`;

async function small(): Promise<Uint8Array> {
  return encodeDtb((await parseDts(SMALL, 'small.dts')).tree);
}

describe('a DTB printed from its bytes prints as its tree does', () => {
  for (const { name, topology } of dtExamples()) {
    it(`${name}: the board DTB`, () => {
      expect(expectAgrees(encodeDtb(dtFromTopology(resolveTopology(topology)).tree), name)).toBe(true);
    });
  }

  it('a large generated board, and a small one with reservations, strings, bytes, empty and 64-bit values', async () => {
    expect(expectAgrees(encodeDtb((await parseDts(generatedBoard(2000), 'g.dts')).tree), 'generated')).toBe(true);
    expect(expectAgrees(await small(), 'small')).toBe(true);
  });

  it('values larger than a streaming sink\'s 64 KB buffer (cells, bytes, a string, a string list), and a long name, print alike', async () => {
    const cells = Array.from({ length: 40_000 }, (_, i) => `0x${((i * 2654435761) % 2 ** 32).toString(16)}`).join(' ');
    const bytes = Array.from({ length: 70_000 }, (_, i) => (i % 256).toString(16).padStart(2, '0')).join(' ');
    const long = 'x'.repeat(100_000);
    const name = `n${'a'.repeat(70_000)}`;
    const text = `/dts-v1/;\n/ {\n\tcells = <${cells}>;\n\tbytes = [${bytes}];\n\tlong = "${long}";\n\tlist = "${long}", "\\t${long}", "";\n\t${name} { };\n};\n`;
    expect(expectAgrees(encodeDtb((await parseDts(text, 'big.dts')).tree), 'big values')).toBe(true);
    // Streamed through a sink that drains, as decode writes to standard output.
    const blob = encodeDtb((await parseDts(text, 'big.dts')).tree);
    const drained: Uint8Array[] = [];
    const sink = new TextSink((b) => drained.push(b.slice()));
    expect(writeDtb(blob, sink)).toBe(true);
    sink.flush();
    expect(Buffer.concat(drained).toString('latin1')).toBe(formatDts(decodeDtb(blob).tree));
  });

  it('NOP tokens are skipped, as decodeDtb skips them', async () => {
    const bytes = await small();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const offStruct = view.getUint32(8);
    // A NOP token inserted at the start of the structure block, the offsets and sizes after it moved by 4.
    const withNop = new Uint8Array(bytes.length + 4);
    withNop.set(bytes.subarray(0, offStruct));
    new DataView(withNop.buffer).setUint32(offStruct, FDT_NOP);
    withNop.set(bytes.subarray(offStruct), offStruct + 4);
    const v = new DataView(withNop.buffer);
    v.setUint32(4, withNop.length); // totalsize
    v.setUint32(12, view.getUint32(12) + 4); // off_dt_strings
    v.setUint32(36, view.getUint32(36) + 4); // size_dt_struct
    if (view.getUint32(16) > offStruct) v.setUint32(16, view.getUint32(16) + 4); // off_mem_rsvmap, if after
    expect(expectAgrees(withNop, 'nop')).toBe(true);
  });

  it('every single-byte change of a small board: clean and alike, or left to the tree', async () => {
    const bytes = await small();
    let clean = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const b of [0x00, 0xff, bytes[i]! ^ 0x01, 0x40]) {
        if (b === bytes[i]) continue;
        const changed = bytes.slice();
        changed[i] = b;
        if (expectAgrees(changed, `byte ${i} = 0x${b.toString(16)}`)) clean++;
      }
    }
    // Changes inside values and the boot CPU field keep the blob clean; the rest do not: both sides are exercised.
    expect(clean).toBeGreaterThan(50);
  });
});

describe('decode prints a DTB from its bytes through the CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dtb-print-'));

  it('a clean blob prints as the tree does; a broken one still says what is wrong, and prints what reads', async () => {
    const bytes = await small();
    const file = join(tmp, 'small.dtb');
    writeFileSync(file, bytes);
    const run = await runCli('decode', file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(formatDts(decodeDtb(bytes).tree));

    const broken = bytes.slice(0, bytes.length - 4);
    const brokenFile = join(tmp, 'broken.dtb');
    writeFileSync(brokenFile, broken);
    const bad = await runCli('decode', brokenFile);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[dtb-truncated]');
    expect(bad.stdout).toBe(formatDts(decodeDtb(broken).tree));
  });
});
