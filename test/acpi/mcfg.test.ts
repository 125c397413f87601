/**
 * MCFG (PCI Express memory-mapped configuration space): decode, encode,
 * text and JSON from its one declaration. Through the CLI, every distinct
 * corpus MCFG and iasl's own template print exactly what the pinned iasl
 * prints (apart from the header comment's own-name lines), and come back
 * byte for byte from JSON; a table ending inside an allocation keeps those
 * bytes and says so.
 *
 * Runs against the reference root's iasl (20250404), or RIDMAP_IASL's
 * (20260408): MCFG's text is the same in both. Skips the iasl parts, saying
 * why, when neither is there, and the corpus parts when the corpus is absent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeChecksum } from '../../src/acpi/header.js';
import type { McfgAllocation, McfgTable } from '../../src/acpi/mcfg/model.js';
import { mcfgDeclarations } from '../../src/acpi/mcfg/spec.js';

const { allocation, mcfgSpec } = mcfgDeclarations();
import { encode, modelKeys } from '../../src/codec/index.js';
import { runCli } from '../support/run-cli.js';
import { expectSameBytes, plain } from './bytes.js';
import { currentIasl, type KnownDifference, iaslTemplate } from './iasl-text.js';
import { distinctCorpusTables, expectIaslText, HAVE_DUMP_CORPUS } from './iasl-text-corpus.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const { iasl, missing } = currentIasl();
if (!iasl) console.warn(`[iasl text, MCFG] skipped: ${missing}`);
const work = mkdtempSync(join(tmpdir(), 'ridmap-mcfg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * iasl counts the bytes after the last whole allocation as 16 − (Offset −
 * Length) in unsigned arithmetic (AcpiDmDumpMcfg, dmtbdump2.c), so 4 left-over
 * bytes are "20 invalid trailing bytes"; ridmap prints the 4 bytes themselves.
 */
const TRAILING_COUNT: KnownDifference = {
  iasl: /^Warning: there are \d+ invalid trailing bytes$/,
  ours: /^\[[0-9A-F]{3}h \d{4} 0[0-9A-F]{2}h\] +Trailing Bytes : /,
  why: 'iasl miscounts a partial allocation (16 - (Offset - Length), unsigned); ridmap prints the bytes',
};

const header = { signature: 'MCFG', revision: 1, oemId: 'RIDMAP', oemTableId: 'ECAM    ', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1 } as const;

/** Two segments, the second's window starting at bus 0x80 (Base Address is still where bus 0 would be). */
const twoSegments: McfgTable = {
  ...header,
  allocations: [
    { baseAddress: 0xe0000000n, segment: 0, startBus: 0, endBus: 0xff },
    { baseAddress: 0x3f000000000n, segment: 1, startBus: 0x80, endBus: 0xbf },
  ],
};

function encodeMcfg(t: McfgTable): Uint8Array {
  const e = encode(mcfgSpec, t as never);
  if (!e.bytes) throw new Error(e.diagnostics.map((d) => d.message).join('; '));
  return e.bytes;
}

/** The table with 4 more bytes inside its Length: a partial allocation. */
function withPartialAllocation(t: McfgTable): Uint8Array {
  const whole = encodeMcfg(t);
  const out = new Uint8Array(whole.length + 4);
  out.set(whole);
  out.set([1, 2, 3, 4], whole.length);
  new DataView(out.buffer).setUint32(4, out.length, true);
  out[9] = computeChecksum(out);
  return out;
}

describe('the MCFG model types are the declaration\'s models', () => {
  it('McfgTable and McfgAllocation', () => {
    const table = { signature: true, revision: true, oemId: true, oemTableId: true, oemRevision: true, creatorId: true, creatorRevision: true,
      reserved: true, allocations: true, trailing: true } satisfies Record<keyof McfgTable, true>;
    const alloc = { baseAddress: true, segment: true, startBus: true, endBus: true, reserved: true, trailing: true } satisfies Record<keyof McfgAllocation | 'trailing', true>;
    expect(Object.keys(table).sort()).toEqual(modelKeys(mcfgSpec).sort());
    expect(Object.keys(alloc).sort()).toEqual(modelKeys(allocation).sort());
  });
});

describe('MCFG through the CLI', () => {
  it('decode names the table as iasl does and prints every allocation\'s fields; JSON → encode gives the bytes back', async () => {
    const file = join(work, 'two.dat');
    const bytes = encodeMcfg(twoSegments);
    writeFileSync(file, bytes);
    const r = await runCli('decode', file);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^\[000h 0000 004h\] {19}Signature : "MCFG" {4}\[Memory Mapped Configuration Table\]$/m);
    expect(r.stdout).toMatch(/^\[024h 0036 008h\] {20}Reserved : 0000000000000000$/m);
    expect(r.stdout).toMatch(/^\[03Ch 0060 008h\] {16}Base Address : 000003F000000000\n\[044h 0068 002h\] {8}Segment Group Number : 0001\n\[046h 0070 001h\] {12}Start Bus Number : 80\n\[047h 0071 001h\] {14}End Bus Number : BF$/m);
    const json = await runCli('decode', file, '--format', 'json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).tables[0].allocations).toHaveLength(2);
    writeFileSync(join(work, 'two.json'), json.stdout);
    const enc = await runCli('encode', join(work, 'two.json'), '-o', join(work, 'two.out'));
    expect(enc.code, enc.stderr).toBe(0);
    expectSameBytes(plain(readFileSync(join(work, 'two.out'))), bytes, 'MCFG through JSON');
  });

  it('a table that ends inside an allocation keeps those bytes, prints them and warns (bin-partial-element, offset 0x4C)', async () => {
    const bytes = withPartialAllocation(twoSegments);
    const file = join(work, 'partial.dat');
    writeFileSync(file, bytes);
    const r = await runCli('decode', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/MCFG\.allocations@0x4c: warning \[bin-partial-element\]: .*4 byte\(s\) left/);
    expect(r.stdout).toMatch(/^\[04Ch 0076 004h\] {14}Trailing Bytes : 01 02 03 04$/m);
    expectRoundTrip(bytes);
    expectJsonRoundTrip(bytes);
  });
});

describe.skipIf(!iasl)('MCFG text is iasl\'s, line for line', () => {
  it('a hand-built table of two segments', async () => {
    await expectIaslText(iasl!, work, 'hand', encodeMcfg(twoSegments), []);
  });

  it('a partial allocation: iasl\'s miscounted warning is the one difference', async () => {
    const c = await expectIaslText(iasl!, work, 'partial', withPartialAllocation(twoSegments), [TRAILING_COUNT]);
    expect(c.iaslText).toMatch(/^Warning: there are 20 invalid trailing bytes$/m);
    expect(c.documented.get(TRAILING_COUNT.why)).toBe(1);
  });

  it('iasl\'s template (iasl -T MCFG, compiled by iasl)', async () => {
    const aml = iaslTemplate(iasl!, 'MCFG');
    await expectIaslText(iasl!, work, 'template', aml, []);
  });
});

describe.skipIf(!iasl || !HAVE_DUMP_CORPUS)('every distinct corpus MCFG: iasl\'s text, and the bytes back from JSON', () => {
  const all = distinctCorpusTables('MCFG');
  it('has the 61 distinct MCFGs of the acpidump texts', () => expect(all).toHaveLength(61));
  all.forEach((c, i) => {
    it(c.name, async () => {
      await expectIaslText(iasl!, work, `mcfg${i}`, c.bytes, []);
      expectRoundTrip(c.bytes);
      expectJsonRoundTrip(c.bytes);
    });
  });
});
