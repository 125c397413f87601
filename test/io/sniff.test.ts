import { describe, expect, it } from 'vitest';
import { formatJsonDocument } from '../../src/acpi/table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { InputError } from '../../src/diagnostic.js';
import { sniff } from '../../src/io/sniff.js';
import { flavours } from '../acpi/bytes.js';
import { encodeModel, patch, smallDmar } from '../acpi/dmar-fixtures.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const dmar = encodeModel(smallDmar());

function unknownKind(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.diagnostics).toMatchObject([{ severity: 'error', code: 'input-unknown-kind' }]);
    return err;
  }
  throw new Error('expected an InputError');
}

describe('sniff: the kind of an input from its content', () => {
  for (const [flavour, make] of flavours) {
    describe(flavour, () => {
      it('a raw ACPI table: known signature, plausible length', () => {
        expect(sniff(make(dmar)).kind).toBe('acpi-table');
        // Truncated, or with a bad checksum: still a table (decode reports the problem).
        expect(sniff(make(dmar.slice(0, 30))).kind).toBe('acpi-table');
        expect(sniff(make(patch(dmar, [[9, 1, 0]], false))).kind).toBe('acpi-table');
        const facs = new Uint8Array(64);
        facs.set(text('FACS'));
        facs[4] = 64;
        expect(sniff(make(facs)).kind).toBe('acpi-table');
      });
      it('an unknown signature counts only with an exact Length and a valid checksum', () => {
        const other = patch(dmar, [[0, 4, 0x5a5a5958]]); // "XYZZ"
        expect(sniff(make(other)).kind).toBe('acpi-table');
        unknownKind(() => sniff(make(patch(other, [[9, 1, 0]], false))));
      });
      it('acpidump text, iasl .dsl, JSON, DTB, DTS', () => {
        expect(sniff(make(text('DMAR @ 0x0000000000000000\n    0000: 44 4D 41 52\n')))).toMatchObject({ kind: 'acpidump' });
        expect(sniff(make(text('Firmware Warning: x\r\nRSD PTR @ 0x00000000000F0490\r\n')))).toMatchObject({ kind: 'acpidump' });
        // A dump that opens with the RSDP's header line is text, though its first 8 bytes spell the RSDP signature.
        expect(sniff(make(text('RSD PTR @ 0x00000000000F0490\n    0000: 52 53 44 20 50 54 52 20\n')))).toMatchObject({ kind: 'acpidump' });
        expect(sniff(make(text('/*\n * Intel ACPI Component Architecture\n */\nRaw Table Data: Length 72 (0x48)\n')))).toMatchObject({ kind: 'dsl' });
        expect(sniff(make(text(formatJsonDocument([decodeTable(dmar)]))))).toMatchObject({ kind: 'json' });
        expect(sniff(make(Uint8Array.from([0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x38])))).toEqual({ kind: 'dtb' });
        expect(sniff(make(text('// board\n#include "x.dtsi"\n/dts-v1/;\n/ { };\n')))).toMatchObject({ kind: 'dts' });
        // `/dts-v1/;` in the included file: the board's own text opens with the /include/.
        expect(sniff(make(text('/include/ "soc.dtsi"\n\n/ { model = "b"; };\n')))).toMatchObject({ kind: 'dts' });
        expect(sniff(make(text('\t/include/"soc.dtsi"\n')))).toMatchObject({ kind: 'dts' });
      });
      it('anything else is an InputError that says what ridmap reads', () => {
        const e = unknownKind(() => sniff(make(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), 'a.out'));
        expect(e.diagnostics[0]!.file).toBe('a.out');
        expect(e.message).toMatch(/raw ACPI tables, acpidump text, iasl \.dsl/);
        unknownKind(() => sniff(make(new Uint8Array(0)), 'empty'));
        unknownKind(() => sniff(make(text('just some notes\n'))));
      });
    });
  }
  it('`[` opens JSON only when an array follows: not a dmesg line above a dump', () => {
    expect(sniff('[    0.000000] ACPI: DMAR 0x7FFE1B2C\nDMAR @ 0x0\n    0000: 44 4D 41 52\n').kind).toBe('acpidump');
    expect(sniff('[\n  {"signature": "DMAR"}\n]').kind).toBe('json');
    expect(sniff('[]').kind).toBe('json');
    expect(sniff(' [1, 2]').kind).toBe('json');
    unknownKind(() => sniff('[    0.000000] Linux version 6.1.0\n'));
  });
  it('takes text as a string too', () => {
    expect(sniff('{"tables": []}').kind).toBe('json');
    unknownKind(() => sniff('hello'));
  });
});
