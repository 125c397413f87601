/**
 * The IVRS checks that read the MADT (ivrs-ioapic-not-in-ivrs,
 * ivrs-no-southbridge-ioapic) through `ridmap check`, as a user meets them:
 * Linux's check_ioapic_information, where the last of "an IOAPIC not in the
 * IVRS" and "the southbridge IOAPIC" in MADT order decides whether interrupt
 * remapping stays on; which MADT goes with an IVRS; and the corpus's AMD
 * machines, one of which (Gigabyte A320M-S2H) has the bug.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { runCli } from '../support/run-cli.js';
import { encodeIvrs, entry, ivhd, ivrsOf, special } from '../fixtures/ivrs/tables.js';
import { corpusIvrses, HAVE_IVRS_CORPUS, IVRS_CORPUS_DIR } from '../fixtures/ivrs/corpus.js';
import { encodeMadt, ioApic, smallMadt } from '../fixtures/madt/tables.js';
import { dumpText } from './check-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-madt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IDS = ['ivrs-ioapic-not-in-ivrs', 'ivrs-no-southbridge-ioapic', 'ivrs-ioapic-missing'];
const SB = special(0x21, 0x00a0);
const ivrs = (...specials: ReturnType<typeof special>[]) =>
  encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), ...specials])]));

function dump(name: string, tables: Uint8Array[]): string {
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, dumpText({ name, description: '', tables: tables.map((t) => () => t) }));
  return file;
}

async function findings(...files: string[]): Promise<Diagnostic[]> {
  const run = await runCli('check', ...files, '--format', 'json');
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { findings: Diagnostic[] }).findings.filter((d) => IDS.includes(d.code));
}

describe('check: the MADT\'s I/O APICs against the IVRS', () => {
  it('an I/O APIC after the southbridge one is missing: named by ID, with what Linux prints, and remapping off', async () => {
    const file = dump('after', [encodeMadt(smallMadt([ioApic(0x21, 0), ioApic(0x22, 24)])), ivrs(SB)]);
    const f = await findings(file);
    expect(f.map((d) => [d.code, d.severity, d.file, d.path, d.offset])).toEqual([['ivrs-ioapic-not-in-ivrs', 'warning', file, 'APIC/IoApic[1]', 0x48]]);
    expect(f[0]!.message).toMatch(/^I\/O APIC ID 34 \(0x22; GSI base 24, at 0xfec02000\) has no IOAPIC special device entry \(48h, variety 1, Handle 34\)/);
    expect(f[0]!.message).toContain('"[Firmware Bug]: IOAPIC[34] not in IVRS table" and disables interrupt remapping');
  });

  it('an I/O APIC before the southbridge one is missing: Linux still enables remapping, and the message says so', async () => {
    const f = await findings(dump('before', [encodeMadt(smallMadt([ioApic(0x22, 24), ioApic(0x21, 0)])), ivrs(SB)]));
    expect(f.map((d) => [d.code, d.path])).toEqual([['ivrs-ioapic-not-in-ivrs', 'APIC/IoApic[0]']]);
    expect(f[0]!.message).toContain('but still enables interrupt remapping, because the southbridge IOAPIC comes later in the MADT');
  });

  it('every I/O APIC named, the southbridge one at 00:14.0: nothing', async () => {
    expect(await findings(dump('clean', [encodeMadt(smallMadt([ioApic(0x21, 0), ioApic(0x22, 24)])), ivrs(SB, special(0x22, 0x0001))]))).toEqual([]);
  });

  it('the first entry for an APIC ID wins, as Linux looks it up: a second entry at 00:14.0 does not make it the southbridge', async () => {
    const f = await findings(dump('first', [encodeMadt(smallMadt([ioApic(0x21, 0)])), ivrs(special(0x21, 0x0001), SB)]));
    expect(f.map((d) => d.code)).toEqual(['ivrs-no-southbridge-ioapic']);
    expect(f[0]!.message).toContain('(the IVRS names IOAPIC[33] at 0000:00:00.1)');
  });

  it('an IVRS with no IOAPIC at all: ivrs-ioapic-missing alone, not one finding per I/O APIC on top', async () => {
    const f = await findings(dump('none', [encodeMadt(smallMadt([ioApic(0x21, 0), ioApic(0x22, 24)])), ivrs()]));
    expect(f.map((d) => d.code)).toEqual(['ivrs-ioapic-missing']);
  });

  it('IVRS.dat and APIC.dat given as two files pair up; with two MADTs from other files nothing is guessed', async () => {
    const ivrsFile = join(dir, 'IVRS.dat');
    const madtFile = join(dir, 'APIC.dat');
    writeFileSync(ivrsFile, ivrs(SB));
    writeFileSync(madtFile, encodeMadt(smallMadt([ioApic(0x21, 0), ioApic(0x22, 24)])));
    expect((await findings(ivrsFile, madtFile)).map((d) => [d.code, d.file])).toEqual([['ivrs-ioapic-not-in-ivrs', madtFile]]);
    const other = join(dir, 'APIC2.dat');
    writeFileSync(other, encodeMadt(smallMadt([ioApic(0x21, 0)])));
    expect(await findings(ivrsFile, madtFile, other)).toEqual([]);
    expect(await findings(ivrsFile)).toEqual([]);
  });
});

describe.skipIf(!HAVE_IVRS_CORPUS)('check: the corpus\'s AMD acpidumps', () => {
  it('the Gigabyte A320M-S2H: its MADT\'s I/O APIC 1 is not in its IVRS (both IOAPIC entries say Handle 0), the others are clean', async () => {
    const names = [...new Set(corpusIvrses().map((c) => c.name))];
    expect(names).toHaveLength(12);
    const raised: string[] = [];
    for (const name of names) {
      const file = join(IVRS_CORPUS_DIR, name);
      const f = (await findings(file)).filter((d) => d.code !== 'ivrs-ioapic-missing');
      if (f.length) raised.push(`${name}: ${f.map((d) => `${d.code} ${d.path}`).join(', ')}`);
      if (name.includes('A320M-S2H')) {
        expect(f[0]!.message).toContain('"[Firmware Bug]: IOAPIC[1] not in IVRS table" and disables interrupt remapping');
        expect(readFileSync(file, 'latin1')).toMatch(/^APIC @ /m);
      }
    }
    expect(raised).toEqual(['Desktop/Gigabyte Technology/A320/A320M-S2H/7CFE191333A8.bin: ivrs-ioapic-not-in-ivrs APIC/IoApic[1]']);
  });
});
