/**
 * Our text against iasl's: Debian's iasl (2020) run on every corpus DMAR and
 * on hand-built tables with every structure and scope type, and the iasl
 * 2019-2024 decodes that ship inside the linux-surface .dsl files. See
 * iasl-oracle.ts for the documented differences.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable } from '../../src/acpi/table.js';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { parseDslRawData } from '../../src/io/iasl-dsl.js';
import { corpusName, corpusPresent, linuxhwDumps, qemuDmars, surfaceDmarDsls } from './corpus.js';
import { encodeModel, everyStructureDmar, smallDmar } from './dmar-fixtures.js';
import { compareWithIasl, formOfIaslText, iaslAvailable, iaslDisassemble, parseFieldLines } from './iasl-oracle.js';

const haveIasl = iaslAvailable();
const inCi = Boolean(process.env['CI']);
const tally = { tables: 0, lines: 0, documented: 0, byGroup: new Map<string, { tables: number; lines: number }>() };

if (!haveIasl) console.warn(`[ridmap tests] iasl not found on PATH: the iasl oracle tests are skipped${inCi ? ' (and fail, since CI is set)' : ''}`);

afterAll(() => {
  if (!tally.tables) return;
  console.log(`[iasl oracle] ${tally.lines} iasl field lines matched in ${tally.tables} tables (${tally.documented} through a documented difference)`);
  for (const [group, n] of tally.byGroup) console.log(`[iasl oracle]   ${group}: ${n.lines} lines in ${n.tables} tables`);
});

function check(bytes: Uint8Array, iaslText: string, name: string, group: string): void {
  const iasl = parseFieldLines(iaslText);
  expect(iasl.length, `iasl printed no field lines for ${name}`).toBeGreaterThan(10);
  const ours = parseFieldLines(printTableText(decodeTable(bytes), { form: formOfIaslText(iaslText) }));
  const r = compareWithIasl(iasl, ours);
  expect(r.problems, name).toEqual([]);
  expect(r.matched).toBe(iasl.length);
  tally.tables++;
  tally.lines += r.matched;
  tally.documented += r.documented;
  const g = tally.byGroup.get(group) ?? { tables: 0, lines: 0 };
  g.tables++;
  g.lines += r.matched;
  tally.byGroup.set(group, g);
}

describe('iasl is available in CI', () => {
  it.runIf(inCi)('iasl is installed', () => {
    expect(haveIasl, 'CI is set but iasl is not on PATH: install acpica-tools').toBe(true);
  });
});

describe.skipIf(!haveIasl)('iasl -d oracle: hand-built DMARs', () => {
  it('every structure and every device-scope type', () => {
    const bytes = encodeModel(everyStructureDmar());
    const text = iaslDisassemble(bytes, 'every');
    // iasl 2020 knows everything up to ANDD, then stops at SATC.
    expect(text).toContain('ACPI Namespace Device Declaration');
    expect(text).toContain('Namespace Device]');
    check(bytes, text, 'everyStructureDmar', 'hand-built, Debian iasl 20200925');
  });
  it('a small table', () => {
    const bytes = encodeModel(smallDmar());
    check(bytes, iaslDisassemble(bytes, 'small'), 'smallDmar', 'hand-built, Debian iasl 20200925');
  });
  it('offsets past 0xFFF and 9999 (a table of 9000 scopes)', () => {
    const model = smallDmar();
    const drhd = model.remappingStructures[0] as { deviceScopes: unknown[] };
    for (let i = 0; i < 9000; i++) drhd.deviceScopes.push({ type: 1, flags: 0, enumerationId: 0, startBusNumber: i & 0xff, path: [{ device: i % 32, function: i % 8 }] });
    // One DRHD holds at most 64 KiB: split the scopes over several.
    const scopes = drhd.deviceScopes;
    model.remappingStructures = [];
    for (let i = 0; i < scopes.length; i += 4000) {
      model.remappingStructures.push({ type: 'DRHD', flags: 0, size: 0, segmentNumber: 0, registerBaseAddress: BigInt(0xfed90000 + i), deviceScopes: scopes.slice(i, i + 4000) as never });
    }
    const bytes = encodeModel(model);
    expect(bytes.length).toBeGreaterThan(0x10000);
    check(bytes, iaslDisassemble(bytes, 'large'), 'large', 'hand-built 9000-scope table, Debian iasl 20200925');
  });
});

describe.skipIf(!haveIasl || !corpusPresent)('iasl -d oracle: corpus DMARs', () => {
  for (const file of qemuDmars()) {
    it(corpusName(file), () => {
      const bytes = readFileSync(file);
      check(bytes, iaslDisassemble(bytes, 'dmar'), file, 'corpus DMARs, Debian iasl 20200925');
    });
  }
  for (const file of linuxhwDumps()) {
    it(corpusName(file), () => {
      const dmar = parseAcpidump(readFileSync(file, 'latin1')).tables.find((t) => t.signature === 'DMAR')!;
      check(dmar.bytes, iaslDisassemble(dmar.bytes, 'dmar'), file, 'corpus DMARs, Debian iasl 20200925');
    });
  }
  for (const file of surfaceDmarDsls()) {
    it(corpusName(file), () => {
      const bytes = parseDslRawData(readFileSync(file, 'utf8')).bytes!;
      check(bytes, iaslDisassemble(bytes, 'dmar'), file, 'corpus DMARs, Debian iasl 20200925');
    });
  }
});

describe.skipIf(!haveIasl || !corpusPresent)('iasl -d oracle: the header of every other table of two dumps', () => {
  // Tables ridmap does not model print as header + hex dump; the header lines
  // must still match iasl's. AML tables (DSDT, SSDT) disassemble to ASL and
  // FACS has no standard header, so they are left out.
  const files = linuxhwDumps().filter((f) => /Precision T3610|NUC14RVH-B/.test(f));
  for (const file of files) {
    it(corpusName(file), () => {
      const tables = parseAcpidump(readFileSync(file, 'latin1')).tables.filter((t) => !['DMAR', 'DSDT', 'SSDT', 'FACS'].includes(t.signature));
      expect(tables.length).toBeGreaterThan(5);
      for (const t of tables) {
        const iasl = parseFieldLines(iaslDisassemble(t.bytes, t.signature.replace(/[^A-Za-z0-9]/g, '_'))).filter((l) => l.offset < 36);
        expect(iasl.length, t.signature).toBe(9);
        const r = compareWithIasl(iasl, parseFieldLines(printTableText(decodeTable(t.bytes))));
        expect(r.problems, t.signature).toEqual([]);
        tally.lines += r.matched;
        const g = tally.byGroup.get('headers of other tables') ?? { tables: 0, lines: 0 };
        g.tables++;
        g.lines += r.matched;
        tally.byGroup.set('headers of other tables', g);
      }
    });
  }
});

describe.skipIf(!corpusPresent)('the iasl decodes inside the linux-surface .dsl files (iasl 2019-2024)', () => {
  for (const file of surfaceDmarDsls()) {
    it(corpusName(file), () => {
      const text = readFileSync(file, 'utf8');
      check(parseDslRawData(text).bytes!, text, file, 'linux-surface .dsl decodes (their iasl versions)');
    });
  }
});
