/**
 * MADT text is iasl's, line for line, through the CLI (`decode`): every
 * distinct corpus MADT, iasl's own template (`iasl -T APIC`: one structure
 * of each type the running iasl knows, MADT revision 7) and hand-built
 * tables for what neither has (GICC of MADT revisions 5 and 6, structures
 * shorter than their newest layout, GICv5 structures). The bytes come back
 * exactly from decode→encode and decode→JSON→encode.
 *
 * Passes with the reference root's iasl 20250404 and with RIDMAP_IASL's
 * 20260408. Documented differences:
 *  - iasl reads past a structure's Length when a field starts exactly there
 *    (dmtable.c AcpiDmDumpTable checks `Info->Offset > SubtableLength`): an
 *    80-byte GICC gets a "TRBE Interrupt" from the next structure's first
 *    bytes, a 16-byte Multiprocessor Wakeup a "ResetVector" (20260408), a
 *    76-byte GICC an "Efficiency Class" and iasl's "terminates early" note.
 *    ridmap prints the fields the Length covers.
 *  - GICR and GIC ITS of MADT revisions up to 6: iasl's Madt14/Madt15 print
 *    the old reserved word at the revision-7 struct's Reserved offset (3, not
 *    2), so it reads the reserved byte and the next field's first byte.
 *    ridmap prints that word from bytes 2-3, where it is (revision 7 tables:
 *    Flags, its bit and Reserved, as iasl).
 *  - OEM types (80h-FFh): iasl titles them "Types 80-FF are used for OEM
 *    data" and prints their bytes as OEM Data in its buffer form; ridmap
 *    dumps the bytes after the header, titled Unknown Subtable Type.
 *  - 20250404 against 20260408 (ridmap follows 20260408): 20250404 knows no
 *    Multiprocessor Wakeup ResetVector (ACPI 6.6) and no GICv5 structure
 *    (types 1Ch-1Eh, "**** Unknown MADT subtable type").
 * Skips, saying why, when no iasl can run or the corpus is absent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import type { MadtStructure, MadtTable } from '../../src/acpi/madt/model.js';
import { runCli } from '../support/run-cli.js';
import { encodeMadt } from '../fixtures/madt/tables.js';
import { expectSameBytes, plain } from './bytes.js';
import { currentIasl, type KnownDifference, iaslTemplate } from './iasl-text.js';
import { distinctCorpusTables, expectIaslText, HAVE_DUMP_CORPUS } from './iasl-text-corpus.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const { iasl, missing } = currentIasl();
if (!iasl) console.warn(`[iasl text, MADT] skipped: ${missing}`);
const work = mkdtempSync(join(tmpdir(), 'ridmap-madt-text-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FIELD = '^\\[[0-9A-F]{3}h \\d{4} 0[0-9A-F]{2}h\\] +';

const PAST_LENGTH_WHY = 'iasl reads a field that starts exactly at the structure\'s Length from the next bytes (Offset > SubtableLength); ridmap stops at the Length';
const PAST_LENGTH: KnownDifference[] = [
  { iasl: new RegExp(`${FIELD}(TRBE Interrupt|Efficiency Class|ResetVector) : `), why: PAST_LENGTH_WHY },
  { iasl: /^\/\*\*\*\* ACPI subtable terminates early \(Len \d+\) - may be older version \(dump table\) \*\/$/, why: PAST_LENGTH_WHY },
];

const OLD_RESERVED_WHY = 'iasl prints a revision <= 6 GICR/GIC ITS reserved word from offset 3 (the revision-7 Reserved), so from the wrong bytes; ridmap prints it from bytes 2-3';
const RESERVED_WORD = /^\[[0-9A-F]{3}h \d{4} 002h\] {20}Reserved : [0-9A-F]{4}$/;
const OLD_RESERVED: KnownDifference[] = [{ iasl: RESERVED_WORD, ours: RESERVED_WORD, why: OLD_RESERVED_WHY }];

const RESET_VECTOR_WHY = 'iasl 20250404 knows no Multiprocessor Wakeup ResetVector (ACPI 6.6); 20260408 prints it, and so does ridmap';
const V2025: KnownDifference[] = [{ ours: new RegExp(`${FIELD}ResetVector : `), why: RESET_VECTOR_WHY }];

const OEM_WHY = 'OEM types (80h-FFh): iasl titles them "Types 80-FF are used for OEM data" and prints OEM Data in its buffer form; ridmap says Unknown Subtable Type and dumps the bytes';
const OEM: KnownDifference[] = [
  { iasl: /Subtable Type : [89A-F][0-9A-F] \[Types 80-FF are used for OEM data\]$/, ours: /Subtable Type : [89A-F][0-9A-F] \[Unknown Subtable Type\]$/, why: OEM_WHY },
  { iasl: new RegExp(`${FIELD}OEM Data : ([0-9A-F]{2} )+ *\\/\\* .* \\*\\/\\\\$`), ours: /^ {4}[0-9A-F]{8}: ([0-9A-F]{2} )+/, why: OEM_WHY },
  { iasl: /^\/\* [0-9A-F]{3}h \d{4} +\d+ \*\/ +([0-9A-F]{2} )+ *\/\* .* \*\/\\$/, ours: /^ {4}[0-9A-F]{8}: ([0-9A-F]{2} )+/, why: OEM_WHY },
];

const KNOWN = [...PAST_LENGTH, ...OLD_RESERVED, ...V2025, ...OEM];

/** iasl releases that decode the GICv5 structures (20250404 does not). */
const knowsGicv5 = (version: string) => version >= '20260408';

const header = (revision: number) =>
  ({ signature: 'APIC', revision, oemId: 'RIDMAP', oemTableId: 'MADTTEXT', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1 }) as const;

/** A GICC of the ACPI 6.5 size (82 bytes); `short` drops the fields a shorter Length leaves out. */
function gicc(uid: number, flags: number, size: 76 | 80 | 82 = 82): MadtStructure {
  const base = {
    type: 'Gicc', cpuInterfaceNumber: uid, uid, flags, parkingVersion: 0, performanceInterrupt: 23, parkedAddress: 0n,
    baseAddress: 0n, gicvBaseAddress: 0x2c020000n, gichBaseAddress: 0x2c010000n, vgicInterrupt: 25, gicrBaseAddress: 0n, armMpidr: BigInt(uid) << 8n,
  } as const;
  if (size === 76) return base;
  if (size === 80) return { ...base, efficiencyClass: 1, speInterrupt: 21 } as MadtStructure;
  return { ...base, efficiencyClass: 1, speInterrupt: 21, trbeInterrupt: 22 } as MadtStructure;
}

/** An Arm MADT of `revision`: GICCs with every flag bit set (so each bit line shows), GICD, GICR, GIC ITS. */
function armMadt(revision: number, giccs: MadtStructure[]): MadtTable {
  return {
    ...header(revision),
    address: 0,
    flags: 0,
    structures: [
      ...giccs,
      { type: 'Gicd', gicId: 0, baseAddress: 0x2f000000n, globalIrqBase: 0, version: 3 },
      { type: 'Gicr', flags: 0, baseAddress: 0x2f100000n, rangeLength: 0x200000 },
      { type: 'GicIts', flags: 0, translationId: 1, baseAddress: 0x2f020000n },
    ],
  };
}

const GICC_BITS = ['Processor Enabled', 'Performance Interrupt Trigger Mode', 'Virtual GIC Interrupt Trigger Mode', 'Online Capable', 'GICR non-coherent'];

async function roundTrips(name: string, bytes: Uint8Array): Promise<void> {
  const file = join(work, `${name}.dat`);
  writeFileSync(file, bytes);
  const json = await runCli('decode', file, '--format', 'json');
  expect(json.code, json.stderr).toBe(0);
  writeFileSync(join(work, `${name}.json`), json.stdout);
  const enc = await runCli('encode', join(work, `${name}.json`), '-o', join(work, `${name}.out`));
  expect(enc.code, enc.stderr).toBe(0);
  expectSameBytes(plain(readFileSync(join(work, `${name}.out`))), bytes, `${name} decode→JSON→encode (CLI)`);
  expectRoundTrip(bytes);
  expectJsonRoundTrip(bytes);
}

describe.skipIf(!iasl)('MADT text is iasl\'s, line for line (hand-built and iasl\'s template)', () => {
  it('iasl\'s template (iasl -T APIC, compiled by iasl): every type it knows, each named', async () => {
    const aml = iaslTemplate(iasl!, 'APIC');
    const r = await expectIaslText(iasl!, work, 'template', aml, KNOWN);
    const last = knowsGicv5(iasl!.version) ? 0x1e : 0x1b;
    for (let type = 0; type <= last; type++) expect(r.ours).toMatch(new RegExp(`Subtable Type : ${type.toString(16).toUpperCase().padStart(2, '0')} \\[(?!Unknown)`));
    await roundTrips('template', plain(aml));
  });

  it('GICC flags: revision 5 prints 3 bits, revision 6 adds Online Capable, revision 7 GICR non-coherent (iasl\'s Madt11/11a/11b)', async () => {
    for (const [revision, bits] of [[5, 3], [6, 4], [7, 5]] as const) {
      const bytes = encodeMadt(armMadt(revision, [gicc(0, 0x1f), gicc(1, 0)]));
      const r = await expectIaslText(iasl!, work, `gicc-rev${revision}`, bytes, KNOWN);
      const after = r.ours.slice(r.ours.indexOf('Flags (decoded below) : 0000001F')).split('\n').slice(1);
      const bitLines = after.slice(0, after.findIndex((l) => l.startsWith('[')));
      expect(bitLines).toEqual(GICC_BITS.slice(0, bits).map((label) => `${label.padStart(44)} : 1`));
      await roundTrips(`gicc-rev${revision}`, bytes);
    }
  });

  it('a GICC of ACPI 5.1 (76 bytes) and 6.0 (80 bytes): the fields their Length covers; iasl\'s reads past it are the only differences', async () => {
    const bytes = encodeMadt(armMadt(5, [gicc(0, 1, 76), gicc(1, 1, 80), gicc(2, 1, 82)]));
    const r = await expectIaslText(iasl!, work, 'gicc-short', bytes, KNOWN);
    expect(r.documented.get(PAST_LENGTH_WHY)).toBe(3);
    expect(r.ours.match(/ TRBE Interrupt : /g)).toHaveLength(1);
    await roundTrips('gicc-short', bytes);
  });

  it('GICR and GIC ITS of revision 6 print one reserved word from bytes 2-3 (iasl reads it from 3-4); revision 7 prints Flags + Reserved', async () => {
    const its = (revision: number) => encodeMadt({
      ...header(revision), address: 0, flags: 0,
      structures: [
        { type: 'Gicr', flags: 1, reserved: Uint8Array.of(0x80), baseAddress: 0x2f100000n, rangeLength: 0x200000 },
        { type: 'GicIts', flags: 0, translationId: 0x2a, baseAddress: 0x2f020000n },
      ],
    } as MadtTable);
    const six = await expectIaslText(iasl!, work, 'its-rev6', its(6), KNOWN);
    expect(six.ours).toMatch(/^\[02Eh 0046 002h\] {20}Reserved : 8001$/m);
    expect(six.ours).toMatch(/^\[03Eh 0062 002h\] {20}Reserved : 0000$/m);
    // iasl: the GIC ITS word from offsets 3-4, the reserved byte and Translation ID's low byte.
    expect(six.iaslText).toMatch(/^\[03Fh 0063 002h\] {20}Reserved : 2A00$/m);
    expect(six.documented.get(OLD_RESERVED_WHY)).toBe(2);
    const seven = await expectIaslText(iasl!, work, 'its-rev7', its(7), KNOWN);
    expect(seven.ours).toMatch(/^\[02Eh 0046 001h\] {7}Flags \(decoded below\) : 01\n {27}GICR non-coherent : 1\n\[02Fh 0047 001h\] {20}Reserved : 80$/m);
    expect(seven.documented.size).toBe(0);
    await roundTrips('its-rev6', its(6));
  });

  it('a Multiprocessor Wakeup of mailbox version 0 (16 bytes) and 1 (24 bytes, ResetVector)', async () => {
    const bytes = encodeMadt({
      ...header(6), address: 0xfee00000, flags: 0,
      structures: [
        { type: 'MultiprocWakeup', mailboxVersion: 0, baseAddress: 0x7f000000n },
        { type: 'MultiprocWakeup', mailboxVersion: 1, baseAddress: 0x7f001000n, resetVector: 0x7f002000n },
        { type: 'LocalX2apic', localApicId: 0, lapicFlags: 1, uid: 0 },
      ],
    } as MadtTable);
    const r = await expectIaslText(iasl!, work, 'wakeup', bytes, KNOWN);
    expect(r.ours.match(/ ResetVector : /g)).toHaveLength(1);
    await roundTrips('wakeup', bytes);
  });

  it('OEM structures (80h-FFh) keep their bytes, in the text too; iasl\'s OEM Data buffer and title are the documented difference', async () => {
    const bytes = encodeMadt({
      ...header(5), address: 0xfee00000, flags: 0,
      structures: [
        { type: 'LocalApic', processorId: 0, id: 0, lapicFlags: 1 },
        { type: 0x80, raw: Uint8Array.from({ length: 22 }, (_, i) => i + 1) },
        { type: 0x81, raw: Uint8Array.of(9, 8) },
      ],
    } as MadtTable);
    const r = await expectIaslText(iasl!, work, 'oem', bytes, KNOWN);
    expect(r.documented.get(OEM_WHY)).toBe(5);
    expect(r.ours).toMatch(/^ {4}0000004E: 09 08 /m);
    await roundTrips('oem', bytes);
  });

  it('GICv5 structures (types 1Ch-1Eh): decoded by name, as iasl 20260408 does (20250404 calls them unknown)', async () => {
    const bytes = encodeMadt({
      ...header(7), address: 0, flags: 0,
      structures: [
        { type: 'Gicv5Irs', version: 5, irsId: 0, flags: 1, configBaseAddress: 0x30000000n, setlpiBaseAddress: 0x30010000n },
        { type: 'Gicv5Its', flags: 0, translatorId: 7, baseAddress: 0x31000000n },
        { type: 'Gicv5ItsTranslate', linkedTranslatorId: 7, translateFrameId: 1, baseAddress: 0x31010000n },
      ],
    } as MadtTable);
    const file = join(work, 'gicv5.dat');
    writeFileSync(file, bytes);
    const run = await runCli('decode', file);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/Subtable Type : 1C \[Generic Interrupt v5 Router\]\n.*\n.* Gic version : 05$/m);
    expect(run.stdout).toMatch(/ Gic Its Id : 00000007$/m);
    expect(run.stdout).toMatch(/ Its Translate Frame Physical Base Address : 0000000031010000$/m);
    if (knowsGicv5(iasl!.version)) await expectIaslText(iasl!, work, 'gicv5', bytes, KNOWN);
    else {
      // 20250404: the structures' headers and iasl's note, where ridmap (as 20260408) decodes them.
      const text = iasl!.run(['-d', 'g.dat'], { 'g.dat': bytes }).files.get('g.dsl');
      expect(Buffer.from(text!).toString('latin1')).toMatch(/\*\*\*\* Unknown MADT subtable type 0x1C/);
    }
    await roundTrips('gicv5', bytes);
  });
});

describe.skipIf(!iasl || !HAVE_DUMP_CORPUS)('every distinct corpus MADT: iasl\'s text, line for line, and byte-exact round trips', () => {
  const all = distinctCorpusTables('APIC');
  it('has the 68 distinct MADTs of the acpidump texts', () => expect(all).toHaveLength(68));
  all.forEach((c, i) => {
    it(c.name, async () => {
      await expectIaslText(iasl!, work, `madt${i}`, c.bytes, KNOWN);
      await roundTrips(`madt${i}`, c.bytes);
    });
  });

  it('a reserved structure type (X299 UD4\'s 7Fh): iasl\'s note instead of its body; kept, and said (info) at its offset', async () => {
    const c = all.find((x) => x.name.includes('X299 UD4'))!;
    const r = await expectIaslText(iasl!, work, 'x299', c.bytes, KNOWN);
    expect(r.ours).toMatch(/Subtable Type : 7F \[Unknown Subtable Type\]\n\[229h 0553 001h\] {22}Length : 0C\n\n\*\*\*\* Unknown MADT subtable type 0x7F\n\n\n/);
    const file = join(work, 'x299.dat');
    const check = await runCli('check', file, '--format', 'json');
    expect(check.code, check.stderr).toBe(0);
    const found = (JSON.parse(check.stdout) as { findings: Diagnostic[] }).findings.filter((d) => d.code === 'unknown-type');
    expect(found).toHaveLength(28);
    expect([found[0]!.severity, found[0]!.path, found[0]!.offset]).toEqual(['info', 'APIC/Structure[0]', 0x228]);
    expect(found[0]!.message).toMatch(/^Structure type 0x7f is not known; kept as 12 raw bytes/);
  });
});
