/**
 * iasl's data-table source compiled by ridmap (issue 20, "Read iasl's
 * data-table source"): the text ridmap prints (which is current iasl's, line
 * for line) compiles back to the table's bytes, for hand-built tables and
 * every DMAR of the corpus; the source forms iasl reads (templates with
 * `[0004]`, comments, continuation lines, expressions, iasl 20200925's
 * labels) compile as iasl compiles them; `ridmap encode board.dsl` writes
 * the table and names the file and line of every problem.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDslSource } from '../../src/acpi/dsl-source/compile.js';
import { parseDslFields } from '../../src/acpi/dsl-source/parse.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { BinCode, equalBytes, FORM_2020 } from '../../src/codec/index.js';
import { runCli } from '../support/run-cli.js';
import { expectSameBytes } from './bytes.js';
import { corpusPresent } from './corpus.js';
import { corpusTables } from './corpus-tables.js';
import { encodeModel, everyStructureDmar, smallDmar } from './dmar-fixtures.js';
import { encodeIvrs, entry, ivhd, ivrsOf } from '../fixtures/ivrs/tables.js';
import type { IvrsDeviceEntry } from '../../src/acpi/ivrs/model.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-dsl-source-'));

/** ridmap's text of a table, then that text compiled. */
function viaText(bytes: Uint8Array, form = undefined as typeof FORM_2020 | undefined): ReturnType<typeof compileDslSource> {
  const t = decodeTable(bytes);
  return compileDslSource(printTableText(t, form ? { form } : {}));
}

function expectCompilesBack(bytes: Uint8Array, what: string, form?: typeof FORM_2020): void {
  const r = viaText(bytes, form);
  expect(r.diagnostics, what).toEqual([]);
  expectSameBytes(r.table!.bytes, bytes, what);
}

/** Every DMAR structure and scope type ridmap declares (the reserved type 7 left out: neither iasl nor ridmap compiles raw bytes). */
function everyKnownStructure(): Uint8Array {
  const m = everyStructureDmar();
  return encodeModel({ ...m, remappingStructures: m.remappingStructures.filter((s) => typeof s.type === 'string').map(withoutZeroPadding) });
}

/**
 * Zero bytes after a NUL-terminated name (DMAR ANDD) are printed by neither
 * iasl nor ridmap, so a source has no trace of them and compiles without
 * them, in iasl as in ridmap: the bytes a text stands for are the table's
 * without them.
 */
function withoutZeroPadding<T>(item: T): T {
  const { padding, ...rest } = item as T & { padding?: Uint8Array };
  return (padding && padding.every((b) => b === 0) ? rest : item) as T;
}

/** A decoded table as its text stands for it: zero padding after names left out. */
function asText(bytes: Uint8Array): Uint8Array {
  const t = decodeTable(bytes);
  const items = t.model['remappingStructures'];
  if (!Array.isArray(items) || !items.some((i) => withoutZeroPadding(i) !== i)) return bytes;
  return encodeModel({ ...t.model, remappingStructures: items.map(withoutZeroPadding) });
}

/** The small DMAR as iasl -T writes a template: `[WIDTH]` prefixes, a comment header. */
const TEMPLATE = `/*
 * Template for [DMAR] ACPI Table (static data table)
 * Format: [ByteLength]  FieldName : HexFieldValue
 */
[0004]                          Signature : "DMAR"    [DMA Remapping Table]
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "RIDMAP"
[0008]                       Oem Table ID : "SMALL   "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "RDMP"
[0004]              Asl Compiler Revision : 20250101

[0001]                 Host Address Width : 26
[0001]                              Flags : 01
[0010]                           Reserved : 00 00 00 00 00 00 00 00 00 00

[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0000

[0001]                              Flags : 01
[0001]               Size (decoded below) : 00
                       Size (pages, log2) : 0
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED91000

[0001]                  Device Scope Type : 03 [IOAPIC Device]
[0001]                       Entry Length : 08
[0001]                              Flags : 00
[0001]                           Reserved : 00
[0001]                     Enumeration ID : 02
[0001]                     PCI Bus Number : F0

[0002]                           PCI Path : 1F,00
`;

describe('ridmap text compiles back to the bytes', () => {
  it('the small DMAR, and every structure and scope type', () => {
    expectCompilesBack(encodeModel(smallDmar()), 'small');
    expectCompilesBack(everyKnownStructure(), 'every structure');
  });

  it('the same in the --iasl-format 2020 labels', () => {
    expectCompilesBack(everyKnownStructure(), 'every structure, 2020 form', FORM_2020);
  });

  it('IVRS ACPI HID entries: HID and CID as strings or integers, UIDs as strings, integers, or none', () => {
    const hid = (hid: string, cid: bigint, uidFormat: number, uid: number[]): IvrsDeviceEntry =>
      ({ type: 'AcpiHid', deviceId: 0xa0, dataSetting: 0xd7, hid, cid, uidFormat, uid: Uint8Array.from(uid) }) as unknown as IvrsDeviceEntry;
    const table = ivrsOf([ivhd('IVHD40', 0xfd200000n, [
      entry('Select', 0x10),
      hid('AMDI0020', 0x3041504en, 2, [...'ID00'].map((c) => c.charCodeAt(0))),
      hid('\x01\x02\0\0\0\0\0\0', 0n, 1, [0x34, 0x12]),
      hid('PNP0D40\0', 0n, 0, []),
      entry('All', 0),
    ])]);
    expectCompilesBack(encodeIvrs(table), 'IVRS with F0h entries');
  });

  it('a reserved subtable type is refused with its line, as iasl refuses it', () => {
    const r = viaText(encodeModel(everyStructureDmar()));
    expect(r.table).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'dsl-unknown-subtable', line: expect.any(Number) }]);
    expect(r.diagnostics[0]!.message).toContain('Subtable Type 0007');
  });
});

const HEADER_TEXT = ['signature', 'oemId', 'oemTableId', 'creatorId'];

/** Tables whose ridmap text is the whole table (so that its compile must be the table): the declarations that print iasl's text. */
const COMPILED = ['DMAR', 'IORT', 'VIOT', 'IVRS', 'APIC', 'MCFG', 'RIMT'];

describe.skipIf(!corpusPresent)('every corpus table: its ridmap text compiles back to it', () => {
  for (const sig of COMPILED) {
    it(sig, () => {
      let same = 0;
      let sameIn2020 = 0;
      let compiled = 0;
      const tables = corpusTables(sig);
      for (const t of tables) {
        const decoded = decodeTable(t.bytes);
        // Tables that are not whole (Length past the data) or have items of unknown types (printed as a note) have no source that iasl compiles either.
        if (decoded.diagnostics.some((d) => d.severity === 'error') || decoded.diagnostics.some((d) => d.code === BinCode.unknownType)) continue;
        // Header text that iasl shows otherwise than it is (bytes outside printable ASCII as blanks, text after a NUL cut) is not in the source.
        if (HEADER_TEXT.some((k) => !/^[\x20-\x7e]*\0*$/.test(String(decoded.model[k])))) continue;
        const text = printTableText(decoded);
        const r = compileDslSource(text);
        compiled++;
        expect(r.diagnostics, t.name).toEqual([]);
        // Text and table agree: the compiled table's text compiles to the same bytes.
        const again = compileDslSource(printTableText(decodeTable(r.table!.bytes)));
        expect(again.diagnostics, t.name).toEqual([]);
        expectSameBytes(again.table!.bytes, r.table!.bytes, `${t.name}, compiled twice`);
        // The --iasl-format 2020 text says the same where that form shows it all (its labels, joined and unprinted bits).
        const old = compileDslSource(printTableText(decoded, { form: FORM_2020 }));
        if (old.table && equalBytes(old.table.bytes, r.table!.bytes)) sameIn2020++;
        // And the bytes are the table's, but for what its text does not show (zero padding after a name, reserved bits of flags printed bit by bit).
        const want = asText(decoded.extra ? t.bytes.subarray(0, t.bytes.length - decoded.extra.length) : t.bytes);
        if (r.table!.bytes.length === want.length && r.table!.bytes.every((b, i) => b === want[i] || i === 9)) same++;
      }
      console.log(`[dsl source] ${sig}: ${same} of ${tables.length} distinct corpus tables compiled back from their ridmap text to their bytes; ${sameIn2020} from their 2020-form text to the same bytes as from the current form`);
      expect(same).toBeGreaterThanOrEqual(tables.length / 2);
      expect(sameIn2020).toBeGreaterThanOrEqual(0.9 * compiled);
    });
  }
});

describe('the source forms iasl reads', () => {
  const small = encodeModel(smallDmar());

  it('a template with [WIDTH] prefixes and zero lengths and checksum: lengths and checksum are computed', () => {
    const r = compileDslSource(TEMPLATE);
    expect(r.diagnostics).toEqual([]);
    expectSameBytes(r.table!.bytes, small, 'template');
  });

  it('comments, continuation lines, CRLF, 0x prefixes and expressions', () => {
    const text = TEMPLATE.replace('Host Address Width : 26', 'Host Address Width : 0x20 + (3 << 1) // 38 bits - 1')
      .replace('Reserved : 00 00 00 00 00 00 00 00 00 00', 'Reserved : 00 00 00 00 00 \\\n   00 00 00 00 00')
      .replace('[0002]                 PCI Segment Number : 0000', '/* a comment\n   over lines */ [0002] PCI Segment Number : 0000')
      .replace(/\n/g, '\r\n');
    const r = compileDslSource(text);
    expect(r.diagnostics).toEqual([]);
    expectSameBytes(r.table!.bytes, small, 'edited template');
  });

  it('a short text field is padded with NULs, as iasl pads it', () => {
    const r = compileDslSource(TEMPLATE.replace('"RIDMAP"', '"AB"'));
    expect(r.diagnostics).toEqual([]);
    expect([...r.table!.bytes.subarray(10, 16)]).toEqual([0x41, 0x42, 0, 0, 0, 0]);
  });

  it("the flags value comes from the bit lines, not from the field's own value", () => {
    const r = compileDslSource(TEMPLATE.replace('Size (decoded below) : 00', 'Size (decoded below) : 77').replace('Size (pages, log2) : 0', 'Size (pages, log2) : 3'));
    expect(r.diagnostics).toEqual([]);
    expect(r.table!.bytes[0x35]).toBe(3);
  });

  it('a bit line left out is 0 (older iasl releases did not print bits they did not know); a misspelt one is an error at its line', () => {
    const left = compileDslSource(TEMPLATE.replace('                       Size (pages, log2) : 0\n', ''));
    expect(left.diagnostics).toEqual([]);
    expectSameBytes(left.table!.bytes, encodeModel(smallDmar()), 'without the bit line');
    const misspelt = compileDslSource(TEMPLATE.replace('Size (pages, log2) : 0', 'Size (pages, log 2) : 0'));
    expect(misspelt.diagnostics).toMatchObject([{ code: 'dsl-invalid-label', line: 24, message: 'DMAR/DRHD[0]: found "Size (pages, log 2)" expected "PCI Segment Number"' }]);
  });

  it("iasl 20200925's labels: DRHD Reserved for Size, a scope's Reserved u16 for Flags and Reserved", () => {
    const old = TEMPLATE.replace('[0001]               Size (decoded below) : 00\n                       Size (pages, log2) : 0\n', '[0001]                           Reserved : 00\n')
      .replace('[0001]                              Flags : 00\n[0001]                           Reserved : 00\n', '[0002]                           Reserved : 0000\n')
      .replace('[DMA Remapping Table]', '[DMA Remapping table]');
    expect(old).not.toBe(TEMPLATE);
    const r = compileDslSource(old);
    expect(r.diagnostics).toEqual([]);
    expectSameBytes(r.table!.bytes, small, '2020 labels');
  });

  it('a device scope added without touching any Length is compiled with the lengths it needs', () => {
    const scope = TEMPLATE.slice(TEMPLATE.indexOf('[0001]                  Device Scope Type'));
    const r = compileDslSource(TEMPLATE + '\n' + scope.replace('1F,00', '1F,01'));
    expect(r.diagnostics).toEqual([]);
    const b = r.table!.bytes;
    expect(b.length).toBe(small.length + 8);
    expect(b[0x32]).toBe(0x18 + 8);
  });

  it('a Reserved field that is not zero is kept, with a warning that iasl refuses it', () => {
    const r = compileDslSource(TEMPLATE.replace('[0001]                           Reserved : 00\n[0001]                     Enumeration ID', '[0001]                           Reserved : 5A\n[0001]                     Enumeration ID'));
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'dsl-reserved-nonzero', line: 31 }]);
    expect(r.table!.bytes[0x43]).toBe(0x5a);
  });

  it('lines after "Raw Table Data" are not read (their text column may hold anything)', () => {
    const r = compileDslSource(TEMPLATE + '\nRaw Table Data: Length 72 (0x48)\n\n    0000: 44 4D 41 52 48 00 00 00 01 "" /* 2F  // DMAR\n');
    expect(r.diagnostics).toEqual([]);
  });

  it('field lines: the value ends at "[", quotes are removed, a line without a value is no field', () => {
    const { fields } = parseDslFields('[000h 0000 004h]  Signature : "DMAR"    [DMA Remapping Table]\n  Memory Properties : [IORT Memory Access Properties]\nno colon here\n[0002] Subtable Type : 0000 [Hardware Unit Definition]\n');
    expect(fields).toEqual([
      { line: 1, label: 'Signature', value: 'DMAR', quoted: true },
      { line: 4, label: 'Subtable Type', value: '0000', quoted: false },
    ]);
  });
});

describe('encode board.dsl through the CLI', () => {
  const write = (name: string, text: string): string => {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  };

  it('writes the bytes iasl compiles the source to', async () => {
    const src = write('board.dsl', TEMPLATE);
    const out = join(tmp, 'board.aml');
    const run = await runCli('encode', src, '-o', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectSameBytes(new Uint8Array(readFileSync(out)), encodeModel(smallDmar()), 'encode board.dsl');
  });

  it('ridmap decode output (with its Raw Table Data) encodes back to the table', async () => {
    const bytes = everyKnownStructure();
    const dat = join(tmp, 'every.dat');
    writeFileSync(dat, bytes);
    const text = await runCli('decode', dat);
    expect(text.code).toBe(0);
    const src = write('every.dsl', text.stdout);
    const out = join(tmp, 'every.aml');
    const run = await runCli('encode', src, '-o', out);
    expect(run.stderr).toBe('');
    expectSameBytes(new Uint8Array(readFileSync(out)), bytes, 'decode | encode');
  });

  it("ridmap's text of several tables (a whole dump) encodes to each of them", async () => {
    const small = encodeModel(smallDmar());
    const every = everyKnownStructure();
    writeFileSync(join(tmp, 'a.dat'), small);
    writeFileSync(join(tmp, 'b.dat'), every);
    const text = await runCli('decode', join(tmp, 'a.dat'), join(tmp, 'b.dat'));
    expect(text.code).toBe(0);
    const out = join(tmp, 'both') + '/';
    const run = await runCli('encode', write('both.dsl', text.stdout), '-o', out);
    expect(run.stderr).toBe('');
    expectSameBytes(new Uint8Array(readFileSync(join(out, 'DMAR.dat'))), small, 'first table');
    expectSameBytes(new Uint8Array(readFileSync(join(out, 'DMAR-2.dat'))), every, 'second table');
  });

  it('decode of a source without a dump shows the table it compiles to', async () => {
    const run = await runCli('decode', write('template.dsl', TEMPLATE));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Table Length : 00000048');
  });

  it('decode of a source without a dump that does not compile: exit 2, the line named', async () => {
    const run = await runCli('decode', write('bad-template.dsl', TEMPLATE.replace('Oem Revision :', 'OEM Revision :')));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad-template\.dsl:11:1:.*error \[dsl-invalid-label\]: DMAR: found "OEM Revision" expected "Oem Revision"/);
  });

  const errorCases: [string, (t: string) => string, RegExp][] = [
    ['a wrong label', (t) => t.replace('PCI Segment Number : 0000', 'PCI Segmnet Number : 0000'),
      /wrong-label\.dsl:25:1:.*error \[dsl-invalid-label\]: DMAR\/DRHD\[0\]: found "PCI Segmnet Number" expected "PCI Segment Number"/],
    ['a bad value', (t) => t.replace('Host Address Width : 26', 'Host Address Width : 2G'),
      /bad-value\.dsl:15:1:.*error \[dsl-bad-value\]: DMAR: Host Address Width "2G" is no integer: unexpected "G"/],
    ['a value too large for its field', (t) => t.replace('Host Address Width : 26', 'Host Address Width : 126'),
      /too-large\.dsl:15:1:.*error \[dsl-bad-value\]: DMAR: Host Address Width 126 does not fit in 1 byte/],
    ['a missing field', (t) => t.replace('[0002]                 PCI Segment Number : 0000\n', ''),
      /missing-field\.dsl:25:1:.*error \[dsl-missing-field\]: DMAR\/DRHD\[0\]: "PCI Segment Number" is missing before "Register Base Address"/],
    ['a source cut short', (t) => t.slice(0, t.indexOf('[0001]                     Enumeration ID')),
      /cut-short\.dsl:31:1:.*error \[dsl-missing-field\]: DMAR\/DRHD\[0\]\/DeviceScope\[0\]: the source ends before "Enumeration ID"/],
    ['a text too long', (t) => t.replace('"RIDMAP"', '"RIDMAPXX"'),
      /too-long\.dsl:9:1:.*error \[dsl-bad-value\]: DMAR: Oem ID has at most 6 characters, found 8/],
    ['an unclosed string', (t) => t.replace('"RIDMAP"', '"RIDMAP'),
      /unclosed\.dsl:9:1:.*error \[dsl-syntax\]: the quoted string is not closed on its line/],
    ['a field after the table', (t) => t + '[0001] Bogus : 00\n',
      /after\.dsl:36:1:.*error \[dsl-extra-field\]: found "Bogus" expected \(another "PCI Path" or "Device Scope Type" or "Subtable Type", or the end of the table\)/],
  ];
  for (const [what, edit, message] of errorCases) {
    it(`${what}: exit 2, the file and line named, no stack trace`, async () => {
      const name = message.source.split('\\.dsl')[0]!.replace(/\\/g, '');
      const src = write(`${name}.dsl`, edit(TEMPLATE));
      const run = await runCli('encode', src, '-o', join(tmp, `${name}.aml`));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('bounded on any source', () => {
  const write = (name: string, text: string): string => {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  };
  const deepScope = TEMPLATE.slice(TEMPLATE.indexOf('[0002]                           PCI Path'));

  const cases: [string, () => string, RegExp][] = [
    ['100,000 nested parentheses in a value', () => TEMPLATE.replace('Host Address Width : 26', `Host Address Width : ${'('.repeat(100_000)}26${')'.repeat(100_000)}`),
      /:15:1:.*\[dsl-bad-value\]: DMAR: Host Address Width .*nests deeper than/],
    ['a constant of a million digits', () => TEMPLATE.replace('Host Address Width : 26', `Host Address Width : ${'F'.repeat(1_000_000)}`),
      /:15:1:.*\[dsl-bad-value\]: .*1000000 hex digits does not fit in 64 bits/],
    ['200,000 path hops in one device scope (its Entry Length cannot say so)', () => TEMPLATE + deepScope.repeat(200_000),
      /hostile\.dsl:28:1:DMAR\/DRHD\[0\]\/DeviceScope\[0\]\.length: error \[encode-overflow\]: Entry Length 400008 does not fit/],
    ['200,000 unclosed strings', () => TEMPLATE + '[0001] Bogus : "x\n'.repeat(200_000),
      /error \[dsl-syntax\]: the quoted string is not closed on its line[\s\S]*more/],
  ];
  for (const [what, text, message] of cases) {
    it(`${what}: exit 2 within seconds`, async () => {
      const src = write('hostile.dsl', text());
      const t0 = performance.now();
      const run = await runCli('encode', src, '-o', join(tmp, 'hostile.aml'));
      const ms = performance.now() - t0;
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr.split('\n').length).toBeLessThan(200);
      expect(ms).toBeLessThan(15_000);
    }, 30_000);
  }
});
