/** The page's index of a decoded text: where each line starts and which table bytes it is about. */
import { describe, expect, it } from 'vitest';
import { indexText } from '../../web/src/line-index.js';

const lines = (text: string) => {
  const { bytes, starts, fieldOffset, fieldLength } = indexText(text);
  return Array.from({ length: starts.length - 1 }, (_, i) => [new TextDecoder().decode(bytes.subarray(starts[i], starts[i + 1]! - 1)), fieldOffset[i], fieldLength[i]]);
};

describe('indexText', () => {
  it('finds field lines, flag lines beneath them, raw dump lines and the rest', () => {
    expect(lines([
      '[024h 0036   1]           Host Address Width : 2F',
      '                         Interrupt Remapping : 1',
      '',
      '    00000024: A0 4A 37 00    .J7.',
      '[FA12Eh 1024302  10]  Reserved : 00',
      '[026h 0038 00Ah]                    Reserved : 00',
      '    0070: 02 00 08 00 01 00 00 00                          // ........',
      '/dts-v1/;',
      '[not a field]',
    ].join('\n'))).toEqual([
      ['[024h 0036   1]           Host Address Width : 2F', 0x24, 1],
      ['                         Interrupt Remapping : 1', -1, 0],
      ['', -1, 0],
      ['    00000024: A0 4A 37 00    .J7.', 0x24, 4],
      ['[FA12Eh 1024302  10]  Reserved : 00', 0xfa12e, 10],
      ['[026h 0038 00Ah]                    Reserved : 00', 0x26, 10],
      ['    0070: 02 00 08 00 01 00 00 00                          // ........', 0x70, 8],
      ['/dts-v1/;', -1, 0],
      ['[not a field]', -1, 0],
    ]);
  });

  it('counts a last line with and without its newline alike, and UTF-8 by bytes', () => {
    expect(lines('a\nb\n')).toEqual([['a', -1, 0], ['b', -1, 0]]);
    expect(lines('a\nb')).toEqual([['a', -1, 0], ['b', -1, 0]]);
    expect(lines('')).toEqual([]);
    expect(lines('model = "Ünïcode";\nx')).toEqual([['model = "Ünïcode";', -1, 0], ['x', -1, 0]]);
  });
});
