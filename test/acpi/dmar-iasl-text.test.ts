/**
 * `ridmap decode` of a DMAR prints what `iasl -d` prints, whole text against
 * whole text (issue 20): every corpus DMAR and a hand-built table with every
 * structure and scope type, against the pinned current iasl (the reference
 * root's 20250404; RIDMAP_IASL for another build: measured identical with
 * 20260408) and, in the 2020 form, against Debian 12's iasl 20200925 from the
 * root nested in it. Only the header comment's own-name lines may differ,
 * and the differences documented here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAcpidump } from '../../src/io/acpidump-text.js';
import { parseDslRawData } from '../../src/io/iasl-dsl.js';
import type { IaslFormName } from '../../src/codec/index.js';
import { corpusName, corpusPresent, linuxhwDumps, qemuDmars, surfaceDmarDsls } from './corpus.js';
import { encodeModel, everyStructureDmar, smallDmar } from './dmar-fixtures.js';
import { pinnedIasl } from './iasl-text.js';
import { expectIaslText as expectCliIaslText } from './iasl-text-corpus.js';

const inCi = Boolean(process.env['CI']);
const work = mkdtempSync(join(tmpdir(), 'ridmap-dmar-text-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * iasl 20200925 does not know the subtable types VT-d added after it (SATC
 * 2021, SIDP 2023): it names the first such one unknown and stops there, where
 * ridmap decodes it and the rest. Our text cut the same way must be iasl's.
 */
function stoppedAsIasl2020(ours: string): string {
  const m = /^(\[[^\n]*Subtable Type : 000([56]) )\[SoC Integrated[^\]]*\]\n(\[[^\n]*Length : [0-9A-F]+\n)/m.exec(ours);
  if (!m) return ours;
  const rawData = ours.indexOf('\nRaw Table Data:');
  return `${ours.slice(0, m.index)}${m[1]}[Unknown Subtable Type]\n${m[3]}\n\n**** Unknown DMAR subtable type 0x${m[2]}\n\n${ours.slice(rawData)}`;
}

function corpusDmars(): { name: string; bytes: Uint8Array }[] {
  if (!corpusPresent) return [];
  return [
    ...qemuDmars().map((f) => ({ name: corpusName(f), bytes: new Uint8Array(readFileSync(f)) })),
    ...linuxhwDumps().map((f) => ({ name: corpusName(f), bytes: parseAcpidump(readFileSync(f, 'latin1')).tables.find((t) => t.signature === 'DMAR')!.bytes })),
    ...surfaceDmarDsls().map((f) => ({ name: corpusName(f), bytes: parseDslRawData(readFileSync(f, 'utf8')).bytes! })),
  ];
}

const tally = new Map<string, { tables: number; lines: number }>();
afterAll(() => {
  for (const [form, t] of tally) console.log(`[iasl text] DMAR, ${form}: ${t.tables} tables, ${t.lines} lines, identical`);
});

/** The CLI's text of `bytes` against iasl's, whole. */
async function expectIaslText(form: IaslFormName, bytes: Uint8Array, name: string): Promise<void> {
  const { iasl } = pinnedIasl(form);
  const r = await expectCliIaslText(iasl!, work, name, bytes, [], { form, ...(form === '2020' ? { ours: stoppedAsIasl2020 } : {}) });
  const key = `${form} form, iasl ${iasl!.version}`;
  const t = tally.get(key) ?? { tables: 0, lines: 0 };
  t.tables++;
  t.lines += r.lines;
  tally.set(key, t);
}

for (const form of ['current', '2020'] as const) {
  const { missing } = pinnedIasl(form);
  if (missing) console.warn(`[ridmap tests] DMAR text against the pinned iasl (${form} form) skipped: ${missing}`);
  it.runIf(inCi)(`CI has the pinned iasl of the ${form} form`, () => {
    expect(missing, 'scripts/reference-root.sh builds it').toBeUndefined();
  });

  describe.skipIf(missing !== undefined)(`DMAR text is iasl's (${form} form)`, () => {
    it('every structure and every device-scope type, and a structure type no VT-d revision defines', async () => {
      await expectIaslText(form, encodeModel(everyStructureDmar()), 'every-structure');
    });

    it('a small table', async () => {
      await expectIaslText(form, encodeModel(smallDmar()), 'small');
    });

    it('a table whose checksum is wrong: iasl says what it should be', async () => {
      const bytes = encodeModel(smallDmar());
      bytes[9] = (bytes[9]! + 1) & 0xff;
      await expectIaslText(form, bytes, 'bad-checksum');
    });

    it.skipIf(!corpusPresent)('every corpus DMAR', async () => {
      const tables = corpusDmars();
      expect(tables.length).toBeGreaterThan(50);
      for (const t of tables) await expectIaslText(form, t.bytes, t.name);
    }, 300_000);
  });
}
