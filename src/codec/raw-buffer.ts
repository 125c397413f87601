/**
 * A raw byte buffer (padding, bytes between or after a structure's parts) in
 * the text of iasl's data-table disassembly. The field line is written by the
 * caller up to its colon; this writes the value and any continuation lines.
 *
 * Two releases' shapes (ACPICA's AcpiDmDumpBuffer):
 *
 *  - current (since 20221020): the bytes 16 a line, `%.02X ` each, then their
 *    ASCII in a comment and a backslash; the lines after the first begin with
 *    a comment giving that line's offset (`%3.3Xh %4.4u`) and byte count:
 *
 *        [3E7h 0999 016h]  Padding : 49 4F 52 54 … 20 20 /* IORT .....QCOM   *\/\
 *        /* 3F7h 1015   6 *\/                            51 43 4F 4D 45 44     /* QCOMED *\/\
 *
 *  - 2020: up to 16 bytes on the field line, more as a backslash there and
 *    the bytes on indented lines, each `XX ` and all but the last continued
 *    with a backslash.
 */
import type { IaslForm } from './iasl-form.js';
import { TextSink } from './text-sink.js';

/** Bytes a line; the ASCII comment starts at column 48 of the bytes (16 × `XX `). */
const PER_LINE = 16;
/** Spaces after a continuation line's offset comment, so its bytes sit under the field line's. */
const CONTINUATION_INDENT = 28;

/** The value of a buffer field at table offset `at` (its line written up to `: `), and its continuation lines. */
export function writeRawBuffer(out: TextSink, at: number, b: Uint8Array, form: IaslForm): void {
  if (form.rawBuffer === 'plain') {
    writePlain(out, b);
    return;
  }
  for (let i = 0; i < b.length; i += PER_LINE) {
    const n = Math.min(PER_LINE, b.length - i);
    if (i) out.nl().str('/* ').hex(at + i, 3).str('h ').dec(at + i, 4).spaces(1).decRight(n, 3).str(' */').spaces(CONTINUATION_INDENT);
    for (let j = 0; j < n; j++) out.hex(b[i + j]!, 2).spaces(1);
    // iasl's fill is `%*s` of one space, so at least one column even for a full line.
    out.spaces(n < PER_LINE ? 3 * (PER_LINE - n) : 0).str('/* ');
    for (let j = 0; j < n; j++) {
      const c = b[i + j]!;
      out.str(c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.');
    }
    out.str(' */\\');
  }
  out.nl();
}

function writePlain(out: TextSink, b: Uint8Array): void {
  if (b.length <= PER_LINE) {
    for (const x of b) out.hex(x, 2).spaces(1);
    out.nl();
    return;
  }
  out.str('\\').nl();
  for (let i = 0; i < b.length; i += PER_LINE) {
    out.spaces(4);
    const end = Math.min(b.length, i + PER_LINE);
    for (let j = i; j < end; j++) out.hex(b[j]!, 2).spaces(1);
    if (end < b.length) out.str('\\');
    out.nl();
  }
}
