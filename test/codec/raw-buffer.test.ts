/**
 * Raw buffers (padding, unused bytes) as iasl prints them; the expected lines
 * are iasl's own (20260408 on the HoneyComb LX2160 IORT, 20200925 on the
 * Qualcomm Napali IORT), named component padding that iasl takes from the
 * table's first bytes.
 */
import { describe, expect, it } from 'vitest';
import { CURRENT_FORM, FORM_2020, type IaslForm } from '../../src/codec/iasl-form.js';
import { fieldLine } from '../../src/codec/print.js';
import { writeRawBuffer } from '../../src/codec/raw-buffer.js';
import { TextSink } from '../../src/codec/text-sink.js';

function lines(at: number, bytes: number[], form: IaslForm): string[] {
  const out = new TextSink().str(fieldLine(at, bytes.length, 'Padding', '', form));
  writeRawBuffer(out, at, new Uint8Array(bytes), form);
  return out.toString().split('\n');
}

const IORT_START = [0x49, 0x4f, 0x52, 0x54, 0x75, 0x10, 0, 0, 0, 0x61, 0x4e, 0x58, 0x50, 0x20, 0x20, 0x20];

describe('raw buffers in iasl form', () => {
  it('current: 16 bytes a line with their ASCII in a comment; later lines start with their offset and byte count', () => {
    const b = [...IORT_START, 0x4c, 0x58, 0x32, 0x31, 0x36, 0x30, 0x20, 0x20, 0, 0, 0, 0, 0x49];
    expect(lines(0xdd5, b, CURRENT_FORM)).toEqual([
      '[DD5h 3541 01Dh]                     Padding : 49 4F 52 54 75 10 00 00 00 61 4E 58 50 20 20 20 /* IORTu....aNXP    */\\',
      '/* DE5h 3557  13 */                            4C 58 32 31 36 30 20 20 00 00 00 00 49          /* LX2160  ....I */\\',
      '',
    ]);
  });

  it('current: a short buffer is one line, filled to the ASCII column', () => {
    expect(lines(0x74, [0x49], CURRENT_FORM)).toEqual([
      '[074h 0116 001h]                     Padding : 49                                              /* I */\\',
      '',
    ]);
  });

  it('2020: up to 16 bytes on the field line, more on indented lines continued with a backslash; each byte followed by a space', () => {
    const napali = [0x49, 0x4f, 0x52, 0x54, 0x1b, 0x11, 0, 0, 0, 0, 0x51, 0x43, 0x4f, 0x4d, 0x20, 0x20, 0x51, 0x43, 0x4f, 0x4d, 0x45, 0x44];
    expect(lines(0x3c3, napali, FORM_2020)).toEqual([
      '[3C3h 0963  22]                      Padding : \\',
      '    49 4F 52 54 1B 11 00 00 00 00 51 43 4F 4D 20 20 \\',
      '    51 43 4F 4D 45 44 ',
      '',
    ]);
    expect(lines(0xa24, napali.slice(0, 12), FORM_2020)).toEqual(['[A24h 2596  12]                      Padding : 49 4F 52 54 1B 11 00 00 00 00 51 43 ', '']);
  });
});
