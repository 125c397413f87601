/**
 * Text that is not lspci's: one InputError naming the source and the line
 * (never a stack trace), its code saying which kind, and nothing read past it.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/diagnostic.js';
import { MAX_INPUT_BYTES, MAX_LSPCI_FUNCTIONS, MAX_LSPCI_LINE_CHARS } from '../../src/limits.js';
import { LspciCode } from '../../src/import/lspci/lspci-text.js';
import { readLspci } from '../../src/import/lspci/read-lspci.js';
import { lspciFixture } from './lspci-support.js';

function error(text: string): { code: string; line?: number; printed: string } {
  try {
    readLspci(text, 'paste.txt');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const [d, ...rest] = (e as InputError).diagnostics;
    expect(rest).toEqual([]);
    return { code: d!.code, ...(d!.line === undefined ? {} : { line: d!.line }), printed: formatDiagnostic(d!) };
  }
  throw new Error('no error');
}

const DEVICE = '00:01.0 PCI bridge [0604]: Intel Corporation Device [8086:7a38]';
const HEX = (o: string) => `${o}: ${'00 '.repeat(15)}00`;

describe('lspci text that is not lspci\'s', () => {
  it('garbage: the first bad line, with what was expected', () => {
    const e = error('hello\nworld\n');
    expect(e).toMatchObject({ code: LspciCode.noOutput, line: 1 });
    expect(e.printed).toMatch(/^paste\.txt:1:1: error \[lspci-no-output\]: not lspci output; expected lspci output: a tree \(`lspci -tvnn`/);
  });

  it('garbage after real output: its line in the message', () => {
    const text = `${lspciFixture('synthetic.txt')}the end of my paste\n`;
    const line = text.split('\n').length - 1;
    expect(error(text)).toMatchObject({ code: LspciCode.badLine, line });
  });

  it('a truncated dump line', () => {
    const e = error(`${DEVICE}\n${HEX('00')}\n10: 00 00 00 00 00 00 00\n`);
    expect(e).toMatchObject({ code: LspciCode.badDump, line: 3 });
    expect(e.printed).toContain('this one has 7 (was the paste cut short?)');
  });

  it('a dump line missing in the middle', () => {
    expect(error(`${DEVICE}\n${HEX('00')}\n${HEX('20')}\n`)).toMatchObject({ code: LspciCode.badDump, line: 3 });
  });

  it('a dump line under no device line', () => {
    expect(error(`${DEVICE}\n\n${HEX('00')}\n`)).toMatchObject({ code: LspciCode.badDump, line: 3 });
  });

  it('a tree branch hanging under no open bus (a line re-indented)', () => {
    const e = error('-[0000:00]-+-00.0\n      +-1c.0\n');
    expect(e).toMatchObject({ code: LspciCode.badTree, line: 2 });
    expect(e.printed).toContain('column 7');
  });

  it('a branch after the last one (`\\-`) of its bus', () => {
    expect(error('-[0000:00]-+-00.0\n           \\-1c.0\n           +-1d.0\n')).toMatchObject({ code: LspciCode.badTree, line: 3 });
  });

  it('a tree line with a device number over 1f, or a broken bus range', () => {
    expect(error('-[0000:00]-+-00.0\n           \\-20.0\n')).toMatchObject({ code: LspciCode.badTree, line: 2 });
    expect(error('-[0000:00]-+-1c.0-[02-\n')).toMatchObject({ code: LspciCode.badTree, line: 1 });
  });

  it('a device line with no class', () => {
    expect(error('00:1f.2 something\n')).toMatchObject({ code: LspciCode.badLine, line: 1 });
  });

  it('nothing but prompts: no lspci output', () => {
    const e = error('$ lspci -tvnn\n$ \n');
    expect(e.code).toBe(LspciCode.noOutput);
    expect(e.line).toBeUndefined();
    expect(error('').code).toBe(LspciCode.noOutput);
  });

  it('a line longer than lspci prints, and a text over the input limit', () => {
    expect(error(`${DEVICE}\n\t${'x'.repeat(MAX_LSPCI_LINE_CHARS)}\n`)).toMatchObject({ code: LspciCode.tooLarge, line: 2 });
    expect(error(' '.repeat(MAX_INPUT_BYTES + 1)).code).toBe(LspciCode.tooLarge);
  });

  it('more functions than MAX_LSPCI_FUNCTIONS: refused at the line that goes over, before the rest is read', () => {
    const line = (i: number) => `${(i >> 13).toString(16).padStart(4, '0')}:${((i >> 5) & 0xff).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0 a: b`;
    const text = Array.from({ length: MAX_LSPCI_FUNCTIONS + 1 }, (_, i) => line(i)).join('\n');
    const start = performance.now();
    expect(error(text)).toMatchObject({ code: LspciCode.tooLarge, line: MAX_LSPCI_FUNCTIONS + 1 });
    expect(performance.now() - start).toBeLessThan(20_000);
  });
});
