/**
 * IVRS text, whole, against the pinned current iasl (issue 20): `ridmap
 * decode` prints what `iasl -d` prints, line for line, apart from the header
 * comment's own-name lines, for every corpus IVRS and for hand-built tables
 * holding every block type (IVHD 10h, 11h, 40h; IVMD 20h, 21h, 22h; an
 * unknown one) and every device entry type (00h-04h, 40h, 42h, 43h, 46h-48h, F0h
 * with string and integer HIDs, CIDs and UIDs; unknown ones).
 *
 * Where iasl prints what the bytes do not say, ridmap stays right and the
 * difference is a KnownDifference naming the iasl bug:
 *  - an integer UID shorter than 8 bytes: iasl reads 8 (AcpiDmTableInfoIvrsUidInteger is a UINT64);
 *  - an entry of type 80h-EFh (16 or 32 bytes by bits 7:6): iasl takes it for 4 bytes and reads the
 *    rest of it as entries (AcpiDmDumpIvrs: `EntryLength = EntryType >> 6 == 1 ? 8 : 4`);
 *  - fewer than 4 bytes left at an IVHD's end: iasl reads a whole entry there, the next block's
 *    first bytes among it (AcpiDmDumpIvrs checks only that the entry starts inside the IVHD).
 * And one where ridmap prints more: bytes a block's Length covers beyond its fields (an IVMD's),
 * which iasl leaves out, are ridmap's Trailing Bytes line.
 *
 * iasl 20250404 (the reference root's) and 20260408 print IVRS alike: their
 * IVRS dump code and info tables (dmtbdump2.c AcpiDmDumpIvrs, dmtbinfo2.c,
 * dmtable.c's IVRS names) are the same. Skips, saying why, without the iasl
 * or the corpus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IvrsBlock, IvrsDeviceEntry, IvrsTable } from '../../src/acpi/ivrs/model.js';
import { corpusIvrses, HAVE_IVRS_CORPUS } from '../fixtures/ivrs/corpus.js';
import { alias, encodeIvrs, entry, ivhd, ivrsOf, special } from '../fixtures/ivrs/tables.js';
import { expectIaslText as expectCliIaslText } from './iasl-text-corpus.js';
import { currentIasl, iaslTemplate, type KnownDifference } from './iasl-text.js';

const { iasl, missing } = currentIasl();
if (!iasl) console.warn(`[IVRS iasl text] skipped: ${missing}`);
if (!HAVE_IVRS_CORPUS) console.warn('[IVRS iasl text] corpus tables skipped: no corpus');

const dir = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** iasl's text and ours (through the CLI) of one table; no difference but the known ones. */
async function expectIaslText(name: string, bytes: Uint8Array, known: readonly KnownDifference[] = []): Promise<{ ours: string; documented: Map<string, number> }> {
  const c = await expectCliIaslText(iasl!, dir, name, bytes, known, { anyExit: true });
  expect(c.lines).toBeGreaterThan(30);
  return { ours: c.ours, documented: c.documented };
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** An 8-byte ID read as the little-endian integer the model holds for a CID. */
const idInt = (s: string): bigint => latin1(s.padEnd(8, '\0')).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);

function hid(hidText: string, cid: bigint, uidFormat: number, uid: Uint8Array, deviceId = 0x00a5): IvrsDeviceEntry {
  return { type: 'AcpiHid', deviceId, dataSetting: 0x40, hid: hidText, cid, uidFormat, uid };
}

/** Every block type and every entry type ridmap decodes, with all flag and setting bits set somewhere. */
function everyStructure(): IvrsTable {
  const ext = (type: 'ExtSelect' | 'ExtRangeStart', deviceId: number): IvrsDeviceEntry => ({ type, deviceId, dataSetting: 0, extendedData: 0x80000000 });
  const ivhd10 = ivhd('IVHD10', 0xfeb80000n, [
    { type: 'Pad', deviceId: 0, dataSetting: 0 },
    // 40h: padding iasl prints with its 8-byte layout (Extended Data), no "Unknown" note.
    { type: 'Pad8', deviceId: 0, dataSetting: 0 },
    { type: 'All', deviceId: 0, dataSetting: 0xf7 },
    // Bit 3 is reserved: iasl prints it as "Reserved".
    { type: 'Select', deviceId: 0x0008, dataSetting: 0x08 },
    entry('RangeStart', 0x0010), entry('RangeEnd', 0x00ff),
    alias('AliasSelect', 0x0100, 0x0108), alias('AliasRangeStart', 0x0200, 0x0208), entry('RangeEnd', 0x02ff),
    ext('ExtSelect', 0x0300), ext('ExtRangeStart', 0x0400), entry('RangeEnd', 0x04ff),
    special(0x21, 0x00a0, 1), special(0x00, 0x00a0, 2), special(0x22, 0x00a1, 3),
  ]);
  const ivhd11 = { ...ivhd('IVHD11', 0xfeb90000n, [entry('All', 0)]), flags: 0xff, efrImage2: 0x1234n } as IvrsBlock;
  const ivhd40 = ivhd('IVHD40', 0xfeba0000n, [
    // UID of each kind: none, a string, an 8-byte integer; HID and CID as strings and as integers.
    hid('AMDI0020', 0n, 0, new Uint8Array()),
    hid('AMDI0020', idInt('PNP0D40'), 2, latin1('\\_SB.FUR0')),
    hid('\x41\xd0\x0d\x40', idInt('AMDI0040'), 1, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)),
  ]);
  const ivmd = (type: 'IVMD20' | 'IVMD21' | 'IVMD22', flags: number): IvrsBlock =>
    ({ type, flags, deviceId: 0x0010, auxData: type === 'IVMD22' ? 0x001f : 0, startAddress: 0xfed00000n, memoryLength: 0x1000n });
  return ivrsOf([ivhd10, ivhd11, ivhd40, ivmd('IVMD20', 0x0f), ivmd('IVMD21', 0x05), ivmd('IVMD22', 0x08)]);
}

describe.skipIf(!iasl)('IVRS text is iasl\'s, line for line', () => {
  it('iasl\'s own template (iasl -T IVRS, compiled by iasl)', async () => {
    await expectIaslText('template', iaslTemplate(iasl!, 'IVRS'));
  });

  describe.skipIf(!HAVE_IVRS_CORPUS)('the corpus IVRSes, through the CLI', () => {
    corpusIvrses().forEach((c, i) => {
      it(c.name, async () => {
        await expectIaslText(`corpus${i}`, c.bytes);
      });
    });
  });

  it('every block and entry type (hand-built): flag bits, the reserved setting bit, plain Variety and UID Format, HID/CID/UID forms', async () => {
    const { ours } = await expectIaslText('every-structure', encodeIvrs(everyStructure()));
    expect(ours).toMatch(/ACPI HID : "AMDI0020"\n.* ACPI CID : "PNP0D40"\n.* UID Format : 02\n.* UID Length : 09\n.*\] +UID : "\\_SB.FUR0"\n/);
    expect(ours).toMatch(/ACPI HID : 00000000400DD041\n.* ACPI CID : "AMDI0040"\n.* UID Format : 01\n.* UID Length : 08\n.*\] +UID : 0000000000000001\n/);
    // No UID: iasl prints neither UID Format nor UID Length.
    expect(ours).toMatch(/ACPI CID : 0000000000000000\n\n/);
    expect(ours).toMatch(/Variety : 03\n/);
  });

  it('blocks and entries of unknown types: iasl\'s notes (the bytes stay in the Raw Table Data dump)', async () => {
    const t = ivrsOf([
      ivhd('IVHD10', 0xfeb80000n, [entry('All', 0), { type: 0x45, deviceId: 0x0010, dataSetting: 0x01, raw: Uint8Array.of(1, 2, 3, 4) }, entry('Select', 8)]),
      { type: 0x51, flags: 0x08, raw: new Uint8Array(28).fill(0x5a) },
      ivhd('IVHD11', 0xfeb90000n, [entry('All', 0)]),
    ]);
    const { ours } = await expectIaslText('unknown-types', encodeIvrs(t));
    expect(ours).toContain('\n\n\n**** Unknown IVRS device entry type/length: 0x45/0x8 at offset 0x004C: (header below)\n[04Ch 0076 001h]');
    expect(ours).toContain('\n\n**** Unknown IVRS subtable type 0x51\n\n');
  });

  it('an integer UID shorter than 8 bytes: iasl prints 8 bytes, the next entry\'s among them; ridmap the UID\'s own', async () => {
    const known: KnownDifference[] = [{
      iasl: /^\[06Eh 0110 008h\] +UID : 0802000000010007$/,
      ours: /^\[06Eh 0110 002h\] +UID : 0007$/,
      why: 'iasl reads an integer UID as 8 bytes whatever UID Length says (dmtbinfo2.c AcpiDmTableInfoIvrsUidInteger: UINT64), so it prints bytes after the entry',
    }];
    // iasl's 8 bytes: the UID (07 00), then the next two entries (01 00 00 00, 02 08 00 ..).
    const t = ivrsOf([ivhd('IVHD40', 0xfeba0000n, [hid('AMDI0020', 0n, 1, Uint8Array.of(7, 0)), entry('All', 0), entry('Select', 8)])]);
    const { documented } = await expectIaslText('short-uid', encodeIvrs(t), known);
    expect(documented.get(known[0]!.why)).toBe(1);
  });

  it('an entry of type 80h (16 bytes by its bits 7:6): iasl reads it as 4 bytes and its rest as entries; ridmap as 16', async () => {
    const why = 'iasl sizes an entry of types 80h-EFh as 4 bytes (dmtbdump2.c AcpiDmDumpIvrs: EntryLength = EntryType >> 6 == 1 ? 8 : 4) where bits 7:6 say 16 or 32, and reads the rest of it as entries';
    const known: KnownDifference[] = [
      { iasl: /type\/length: 0x80\/0x4 at offset 0x004C/, ours: /type\/length: 0x80\/0x10 at offset 0x004C/, why },
      // The 12 zero bytes after the first 4, which iasl prints as three padding entries (type 00).
      { iasl: /^$|^\[05[0-9A-F]h 00[0-9]{2} 00[12]h\] .* : 00(00)?( \[Unknown\/Reserved Device Entry Type\])?$|^ +[A-Za-z0-9 ]+ : 0$/, why },
    ];
    const t = ivrsOf([
      ivhd('IVHD10', 0xfeb80000n, [entry('All', 0), { type: 0x80, deviceId: 0x0010, dataSetting: 0, raw: new Uint8Array(12) }]),
      { type: 'IVMD20', flags: 0x08, deviceId: 0, auxData: 0, startAddress: 0xfed00000n, memoryLength: 0x1000n },
    ]);
    const { documented } = await expectIaslText('entry-80h', encodeIvrs(t), known);
    // The note, and most of iasl's three padding entries (12 lines each).
    expect(documented.get(why)).toBeGreaterThan(30);
  });

  it('2 bytes left at an IVHD\'s end: iasl reads a 4-byte entry there, 2 of its bytes the next block\'s; ridmap prints the 2 bytes', async () => {
    const why = 'iasl reads an entry wherever one starts inside an IVHD, past the IVHD\'s end (dmtbdump2.c AcpiDmDumpIvrs: `while (EntryOffset < (Offset + Subtable->Length))`), so it prints the next block\'s bytes as the entry\'s Device ID and Data Setting; ridmap prints the 2 bytes as they are';
    const known: KnownDifference[] = [
      { ours: /^\[04Ch 0076 002h\] +Trailing Bytes : 01 02$/, why },
      { iasl: /^$|^\[04[CDF]h 00(76|77|79) 00[12]h\] |^ +(INITPass|EIntPass|NMIPass|Reserved|System MGMT|LINT0 Pass|LINT1 Pass) : [0-9A-F]$/, why },
    ];
    const t = ivrsOf([{ ...ivhd('IVHD10', 0xfeb80000n, [entry('All', 0)]), trailing: Uint8Array.of(1, 2) } as IvrsBlock, ivhd('IVHD11', 0xfeb90000n, [entry('All', 0)])]);
    const { documented } = await expectIaslText('ivhd-trailing', encodeIvrs(t), known);
    // Trailing Bytes; iasl's 3 field lines, 7 bit lines and the blank line before the next block.
    expect(documented.get(why)).toBe(1 + 3 + 7 + 1);
  });

  it('bytes an IVMD\'s Length covers beyond its fields: iasl leaves them out, ridmap prints them', async () => {
    const known: KnownDifference[] = [{
      ours: /^\[050h 0080 004h\] +Trailing Bytes : 09 09 09 09$/,
      why: 'iasl prints only the fields of a block its Length makes longer (dmtbdump2.c AcpiDmDumpIvrs moves on by Length); ridmap prints the bytes between as Trailing Bytes (and warns)',
    }];
    const t = ivrsOf([
      { type: 'IVMD21', flags: 0x08, deviceId: 0, auxData: 0, startAddress: 0n, memoryLength: 0x1000n, trailing: Uint8Array.of(9, 9, 9, 9) },
      ivhd('IVHD11', 0xfeb90000n, [entry('All', 0)]),
    ]);
    const { documented } = await expectIaslText('ivmd-trailing', encodeIvrs(t), known);
    expect(documented.get(known[0]!.why)).toBe(1);
  });
});
