/**
 * A DTB printed as DTS (decodeDtb then formatDts, what `ridmap decode
 * board.dtb` prints): exactly what `dtc -I dtb -O dts` prints, for a large
 * generated board and for values of every shape dtc guesses a type for
 * (strings with each escape, string lists, NUL-heavy bytes, cells of every
 * width of hex, lengths that are no multiple of 4, empty values). Property
 * values are views into one copy of the structure block: the tree does not
 * change when the caller's bytes do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDtb, encodeDtb, formatDts, parseDts } from '../../src/dt/index.js';
import { runCli } from '../support/run-cli.js';
import { generatedBoard } from './generated-board.js';
import { dtc, dtcPrintsAsRidmap, haveDtc } from './support.js';

const HAVE_DTC = haveDtc();

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

/** Property, its DTS value, and how dtc 1.7.2 prints the DTB's bytes back. */
const STRING_LISTS: [string, string, string][] = [
  ['two', '"x", "yz"', '"x", "yz"'],
  ['four', '"a", "b", "c", "d"', '"a", "b", "c", "d"'],
  ['one', '"only"', '"only"'],
  ['empty-inside', '"abc", "", "def"', '"abc", "", "def"'],
  ['empty-first', '"", "abcdef"', '"", "abcdef"'],
  ['empty-last', '"abcdef", "", ""', '"abcdef", "", ""'],
  ['escapes', '"x\\n", "tab\\there", "q\\"uote", "back\\\\slash"', '"x\\n", "tab\\there", "q\\"uote", "back\\\\slash"'],
  ['nul-majority', '"x", "", "y"', '[78 00 00 79 00]'],
  ['not-string-byte', '"a\\x7f", "b"', '[61 7f 00 62 00]'],
  ['no-final-nul', '[61 00 62 00 63 64]', '[61 00 62 00 63 64]'],
];

async function dtbOf(text: string): Promise<Uint8Array> {
  const { tree, diagnostics } = await parseDts(text, 'in.dts');
  expect(diagnostics).toEqual([]);
  return encodeDtb(tree);
}

describe('a DTB printed as DTS', () => {
  for (const [name, text] of [['values of every shape', VALUES], ['a generated board', generatedBoard(1500)]] as const) {
    it.runIf(HAVE_DTC && dtcPrintsAsRidmap())(`${name}: prints exactly as dtc -I dtb -O dts prints it`, async () => {
      const dtb = await dtbOf(text);
      const printed = dtc(dtb, 'dtb', 'dts');
      expect(printed.status).toBe(0);
      expect(formatDts(decodeDtb(dtb).tree)).toBe(printed.stdout.toString('utf8'));
    });
  }

  it('string lists print as dtc 1.7 prints them, one quoted string per NUL-terminated piece, through the CLI too', async () => {
    // Each NUL but the last ends a piece, empty pieces included; a value of mostly NULs or with a byte
    // that is no string byte is not a string (dtc's guess, unchanged from 1.6).
    const dtb = await dtbOf(`/dts-v1/;\n/ {\n${STRING_LISTS.map(([name, value]) => `\t${name} = ${value};\n`).join('')}};\n`);
    const file = join(mkdtempSync(join(tmpdir(), 'ridmap-string-lists-')), 'lists.dtb');
    writeFileSync(file, dtb);
    const run = await runCli('decode', file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = `/dts-v1/;\n\n/ {\n${STRING_LISTS.map(([name, , printed]) => `\t${name} = ${printed};\n`).join('')}};\n`;
    expect(run.stdout).toBe(expected);
    expect(formatDts(decodeDtb(dtb).tree)).toBe(expected);
    if (HAVE_DTC && dtcPrintsAsRidmap()) expect(dtc(dtb, 'dtb', 'dts').stdout.toString('utf8')).toBe(expected);
  });

  it('the decoded tree keeps its values when the caller overwrites the blob', async () => {
    const dtb = await dtbOf(VALUES);
    const { tree } = decodeDtb(dtb);
    const before = formatDts(tree);
    dtb.fill(0);
    expect(formatDts(tree)).toBe(before);
  });
});
