/**
 * A DTB printed as DTS (decodeDtb then formatDts, what `ridmap decode
 * board.dtb` prints): exactly what `dtc -I dtb -O dts` prints, for a large
 * generated board and for values of every shape dtc guesses a type for
 * (strings with each escape, string lists, NUL-heavy bytes, cells of every
 * width of hex, lengths that are no multiple of 4, empty values). Property
 * values are views into one copy of the structure block: the tree does not
 * change when the caller's bytes do.
 */
import { describe, expect, it } from 'vitest';
import { decodeDtb, encodeDtb, formatDts, parseDts } from '../../src/dt/index.js';
import { generatedBoard } from './generated-board.js';
import { dtc, haveTool } from './support.js';

const haveDtc = haveTool('dtc');

const VALUES = `/dts-v1/;
/memreserve/ 0x1000 0x2000;
/ {
	escapes = "tab\\there \\"q\\" back\\\\slash \\x7f \\x01 bell\\a\\n";
	list = "a", "bc", "";
	nul-heavy = [00 00 00 41];
	three = [01 02 03];
	five = [01 02 03 04 05];
	cells = <0x0 0x1 0xf 0x10 0xff 0x100 0xffffffff 0x12345678>;
	wide = /bits/ 64 <0xffffffffffffffff 0x1>;
	empty;
	printable-cells = <0x41424300>;
	node@1,2 { x = <1>; };
};
`;

async function dtbOf(text: string): Promise<Uint8Array> {
  const { tree, diagnostics } = await parseDts(text, 'in.dts');
  expect(diagnostics).toEqual([]);
  return encodeDtb(tree);
}

describe('a DTB printed as DTS', () => {
  for (const [name, text] of [['values of every shape', VALUES], ['a generated board', generatedBoard(1500)]] as const) {
    it.runIf(haveDtc)(`${name}: prints exactly as dtc -I dtb -O dts prints it`, async () => {
      const dtb = await dtbOf(text);
      const printed = dtc(dtb, 'dtb', 'dts');
      expect(printed.status).toBe(0);
      expect(formatDts(decodeDtb(dtb).tree)).toBe(printed.stdout.toString('utf8'));
    });
  }

  it('the decoded tree keeps its values when the caller overwrites the blob', async () => {
    const dtb = await dtbOf(VALUES);
    const { tree } = decodeDtb(dtb);
    const before = formatDts(tree);
    dtb.fill(0);
    expect(formatDts(tree)).toBe(before);
  });
});
