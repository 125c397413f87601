import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAcpidump, parseHexLine } from '../../src/io/acpidump-text.js';
import { flavours, plain } from '../acpi/bytes.js';
import { corpusPresent, linuxhwDumps } from '../acpi/corpus.js';
import { encodeModel, smallDmar } from '../acpi/dmar-fixtures.js';

interface DumpOptions {
  eol?: string;
  /** Offset digits and the indent before them. */
  offset?: (n: number) => string;
  lower?: boolean;
}

const acpica = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0').padStart(8, ' ');

/** Writes tables the way acpidump does (ACPICA layout by default). */
function dump(tables: readonly { sig: string; bytes: Uint8Array; addr?: string }[], o: DumpOptions = {}): string {
  const eol = o.eol ?? '\n';
  const off = o.offset ?? acpica;
  const out: string[] = [];
  for (const t of tables) {
    out.push(`${t.sig} @ ${t.addr ?? '0x0000000000000000'}`);
    for (let i = 0; i < t.bytes.length; i += 16) {
      const chunk = Array.from(t.bytes.subarray(i, i + 16));
      let hex = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      if (!o.lower) hex = hex.toUpperCase();
      const ascii = chunk.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      out.push(`${off(i)}: ${hex.padEnd(47, ' ')}  ${ascii}`);
    }
    out.push('');
  }
  return out.join(eol);
}

const dmar = encodeModel(smallDmar());
const ssdt = (n: number): Uint8Array => Uint8Array.from({ length: 40 + n }, (_, i) => (i < 4 ? 'SSDT'.charCodeAt(i) : (i * 7 + n) & 0xff));

describe('acpidump text', () => {
  it('reads a dump line: offset, bytes, and an ASCII column that looks like hex', () => {
    expect(parseHexLine('    0000: 44 4D 41 52 78 00 00 00 01 0C 42 4F 43 48 53 20  DMARx.....BOCHS ')).toEqual({
      offset: 0,
      bytes: [0x44, 0x4d, 0x41, 0x52, 0x78, 0, 0, 0, 1, 0x0c, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x20],
    });
    // Short last line whose ASCII column starts with hex-looking text.
    expect(parseHexLine('    0070: 02 00 08 00                                      AB CD')).toEqual({ offset: 0x70, bytes: [2, 0, 8, 0] });
    expect(parseHexLine('   10000: 04 11  ..')).toEqual({ offset: 0x10000, bytes: [4, 0x11] });
    expect(parseHexLine('DMAR @ 0x0000000000000000')).toBeUndefined();
    expect(parseHexLine('Firmware Warning (ACPI): Incorrect checksum')).toBeUndefined();
  });

  it('keeps every table, repeated signatures in order', () => {
    const r = parseAcpidump(dump([{ sig: 'SSDT', bytes: ssdt(1) }, { sig: 'DMAR', bytes: dmar }, { sig: 'SSDT', bytes: ssdt(2) }, { sig: 'SSDT', bytes: ssdt(3) }]));
    expect(r.diagnostics).toEqual([]);
    expect(r.tables.map((t) => t.signature)).toEqual(['SSDT', 'DMAR', 'SSDT', 'SSDT']);
    expect(r.tables.map((t) => t.bytes.length)).toEqual([41, dmar.length, 42, 43]);
    expect(plain(r.tables[1]!.bytes)).toEqual(plain(dmar));
    expect(plain(r.tables[3]!.bytes)).toEqual(plain(ssdt(3)));
    expect(r.tables.map((t) => t.line)).toEqual([1, 6, 13, 18]);
  });

  it('reads CRLF line ends', () => {
    const r = parseAcpidump(dump([{ sig: 'DMAR', bytes: dmar }, { sig: 'SSDT', bytes: ssdt(5) }], { eol: '\r\n' }));
    expect(r.diagnostics).toEqual([]);
    expect(plain(r.tables[0]!.bytes)).toEqual(plain(dmar));
    expect(r.tables[1]!.bytes.length).toBe(45);
  });

  it('reads 8-digit offsets (no indent) and 4-digit ones, upper and lower case (pmtools)', () => {
    const eight = parseAcpidump(dump([{ sig: 'DMAR', bytes: dmar }], { offset: (n) => n.toString(16).padStart(8, '0') }));
    expect(eight.diagnostics).toEqual([]);
    expect(plain(eight.tables[0]!.bytes)).toEqual(plain(dmar));
    const pmtools = parseAcpidump(dump([{ sig: 'DMAR', bytes: dmar, addr: '0x7fee0000' }], { offset: (n) => '  ' + n.toString(16).padStart(4, '0'), lower: true }));
    expect(pmtools.diagnostics).toEqual([]);
    expect(pmtools.tables[0]!.address).toBe('0x7fee0000');
    expect(plain(pmtools.tables[0]!.bytes)).toEqual(plain(dmar));
  });

  it('reads offsets past 0xFFFF (5 digits) and the RSDP line', () => {
    const big = Uint8Array.from({ length: 0x10020 }, (_, i) => i & 0xff);
    const rsdp = Uint8Array.from('RSD PTR \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00', (c) => c.charCodeAt(0));
    const r = parseAcpidump(dump([{ sig: 'RSD PTR', bytes: rsdp }, { sig: 'DSDT', bytes: big }]));
    expect(r.diagnostics).toEqual([]);
    expect(r.tables.map((t) => t.signature)).toEqual(['RSD PTR', 'DSDT']);
    expect(r.tables[1]!.bytes.length).toBe(0x10020);
    expect(r.tables[1]!.bytes[0x1001f]).toBe(0x1f);
  });

  it('skips junk lines with their line numbers, before, between and after tables', () => {
    const text = ['acpidump version 20191018', dump([{ sig: 'DMAR', bytes: dmar }]),
      'Firmware Warning (ACPI): Incorrect checksum in table [OEMB] - 0xC4, should be 0xC1 (20191018/tbprint-341)',
      dump([{ sig: 'SSDT', bytes: ssdt(0) }]), '--- end of dump ---'].join('\n');
    const r = parseAcpidump(text);
    expect(r.tables.map((t) => t.signature)).toEqual(['DMAR', 'SSDT']);
    expect(plain(r.tables[0]!.bytes)).toEqual(plain(dmar));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['acpidump-junk-line', 'warning', 1],
      ['acpidump-junk-line', 'warning', 9],
      ['acpidump-junk-line', 'warning', 15],
    ]);
  });

  it('reports a dump line whose offset does not continue the previous one', () => {
    const lines = dump([{ sig: 'DMAR', bytes: dmar }]).split('\n');
    lines.splice(3, 1); // drop the line of offset 0x0020 (line 4)
    const r = parseAcpidump(lines.join('\n'));
    // Reported once, at the line after the gap, not on every line after it.
    expect(r.diagnostics).toMatchObject([{ code: 'acpidump-offset-gap', severity: 'warning', line: 4 }]);
    expect(r.tables[0]!.bytes.length).toBe(dmar.length - 16);
  });

  it('reports a table without dump lines and a text without tables', () => {
    expect(parseAcpidump('FACS @ 0x0000000000000000\n\n').diagnostics.map((d) => d.code)).toEqual(['acpidump-empty-table', 'acpidump-no-tables']);
    const none = parseAcpidump('hello\n');
    expect(none.tables).toEqual([]);
    expect(none.diagnostics.at(-1)).toMatchObject({ code: 'acpidump-no-tables', severity: 'error' });
  });

  describe.skipIf(!corpusPresent)('a real dump', () => {
    const file = linuxhwDumps().find((f) => f.includes('ProLiant DL360 G7'))!;
    for (const [flavour] of flavours) {
      it(`CRLF and LF give the same tables (${flavour})`, () => {
        const text = readFileSync(file, 'latin1');
        const lf = parseAcpidump(text);
        const crlf = parseAcpidump(text.replace(/\n/g, '\r\n'));
        expect(crlf.tables.map((t) => [t.signature, t.bytes.length])).toEqual(lf.tables.map((t) => [t.signature, t.bytes.length]));
        expect(crlf.tables.map((t) => plain(t.bytes))).toEqual(lf.tables.map((t) => plain(t.bytes)));
      });
    }
  });
});
