import { describe, expect, it } from 'vitest';
import { bitLine, decode, displayText, fieldLine, FORM_2020, printToString, TextSink } from '../../src/codec/index.js';
import { bag, bagBytes, blob, blobBytes } from './specs.js';

describe("text in iasl's field-line form", () => {
  it('formats offset (hex and decimal), width and label like iasl 20200925 in the 2020 form', () => {
    expect(fieldLine(0, 4, 'Signature', '"DMAR"', FORM_2020)).toBe('[000h 0000   4]                    Signature : "DMAR"');
    expect(fieldLine(0x26, 10, 'Reserved', '00', FORM_2020)).toBe('[026h 0038  10]                     Reserved : 00');
    expect(fieldLine(0xfff, 1, 'X', '00', FORM_2020)).toBe('[FFFh 4095   1]                            X : 00');
    expect(fieldLine(0x1000, 2, 'X', '00', FORM_2020)).toBe('[1000h 4096   2]                            X : 00');
    expect(fieldLine(0x12345, 100, 'A label longer than twenty-eight', '0', FORM_2020)).toBe('[12345h 74565 100] A label longer than twenty-eight : 0');
    expect(fieldLine(0x10000000, 1000, 'Y', '1', FORM_2020)).toBe('[10000000h 268435456 1000]                            Y : 1');
    expect(bitLine('PC-AT Compatibility', 1)).toBe('                         PC-AT Compatibility : 1');
  });

  it('formats offset, width (hex since iasl 20221020) and label (27 columns) like current iasl', () => {
    expect(fieldLine(0, 4, 'Signature', '"DMAR"')).toBe('[000h 0000 004h]                   Signature : "DMAR"');
    expect(fieldLine(0x26, 10, 'Reserved', '00')).toBe('[026h 0038 00Ah]                    Reserved : 00');
    expect(fieldLine(0x1000, 2, 'X', '00')).toBe('[1000h 4096 002h]                           X : 00');
    expect(fieldLine(0x12345, 0x1000, 'A label longer than twenty-seven', '0')).toBe('[12345h 74565 1000h] A label longer than twenty-seven : 0');
    expect(bitLine('Size (pages, log2)', 9, 4)).toBe('                          Size (pages, log2) : 9');
    expect(bitLine('Wide', 0x1ab, 9)).toBe('                                        Wide : 1AB');
  });

  it('the sink writes numbers like printf', () => {
    const s = new TextSink().hex(0, 2).str(' ').hex(0xfed90000, 8).str(' ').hex64(0x1_0000_0000n).str(' ').dec(7, 4).str(' ').decRight(7, 3)
      .str(' ').hex(2 ** 40 + 1, 16).toString();
    expect(s).toBe('00 FED90000 0000000100000000 0007   7 0000010000000001');
  });

  it('shows text up to its NUL, unprintable bytes as spaces (as iasl does)', () => {
    expect(displayText('AB\0CD')).toBe('AB');
    expect(displayText('A\x01B\x80C ')).toBe('A B C ');
  });

  it('prints fields, enum names, decoded flag bits, arrays and raw items', () => {
    const text = printToString(blob, decode(blob, blobBytes).value);
    expect(text.split('\n')).toEqual([
      '[000h 0000 004h]                       Magic : D00DFEED',
      '[004h 0004 004h]                        Size : 0000002B',
      '[008h 0008 001h]                        Kind : 02 [Two]',
      '[009h 0009 001h]                        Bits : 0B',
      '                                       Bit A : 1',
      '                                    Number N : 5',
      '[00Ah 0010 003h]                         Mid : 123456',
      '[00Dh 0013 006h]                        Name : "ABC   "',
      '[013h 0019 002h]                    Reserved : 0000',
      '[015h 0021 002h]                       Count : 0002',
      '',
      '[017h 0023 002h]                          Id : 0001',
      '[019h 0025 008h]                       Value : 0123456789ABCDEF',
      '',
      '[021h 0033 002h]                          Id : 0002',
      '[023h 0035 008h]                       Value : FFFFFFFFFFFFFFFF',
      '',
    ]);
    const bagText = printToString(bag, decode(bag, bagBytes).value);
    expect(bagText).toContain('[001h 0001 001h]                        Type : 01 [Named Entry]');
    expect(bagText).toContain('[003h 0003 004h]                        Name : "foo"');
    expect(bagText).toContain('[007h 0007 001h]                     Padding : 99');
    expect(bagText).toContain('[00Ch 0012 001h]                        Type : 09 [Unknown Entry]');
    expect(bagText).toContain('0000000E: 11');
  });

  it('prints what a truncated structure has, then its leftover bytes', () => {
    const text = printToString(blob, decode(blob, blobBytes.slice(0, 15)).value);
    expect(text).toContain('[00Ah 0010 003h]                         Mid : 123456');
    expect(text).toContain('[00Dh 0013 002h]              Trailing Bytes : 41 42');
    expect(text).not.toContain('Name');
  });
});
