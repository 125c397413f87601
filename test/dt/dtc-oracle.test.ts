/**
 * dtc as the oracle, for every example topology a board DT describes and for
 * a hand-written DTS that uses every syntax the parser handles:
 *   - our DTS, compiled by dtc with every warning switched on, gives no
 *     warning and exactly our DTB (no documented difference is needed);
 *   - `dtc -I dtb -O dts` of our DTB parses back (with our parser) to the
 *     same tree, and our own printer prints that DTB exactly as dtc does;
 *   - our DTB decodes back to the same tree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDtb, dtFromTopology, encodeDtb, formatDts, parseDts } from '../../src/dt/index.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT } from '../support/paths.js';
import { dtc, dtcAllWarnings, dtcPrintsAsRidmap, dtExamples, haveDtc, inCi, plainTree } from './support.js';

const HAVE_DTC = haveDtc();
if (!HAVE_DTC) console.warn(`[ridmap tests] no dtc (reference root or PATH): the dtc oracle tests are skipped${inCi ? ' (and fail, since CI is set)' : ''}`);

const FIXTURES = join(REPO_ROOT, 'test/fixtures/dt');

describe('dtc oracle', () => {
  // CI builds the reference root before the tests: its dtc 1.7.2 is the one printed text is compared with.
  it.runIf(inCi)('dtc is installed in CI, one that prints as dtc 1.7 does', () => expect(HAVE_DTC && dtcPrintsAsRidmap()).toBe(true));

  const cases = [
    ...dtExamples().map(({ name, topology }) => ({ name, dts: () => Promise.resolve(formatDts(dtFromTopology(resolveTopology(topology)).tree)) })),
    { name: 'syntax-tour.dts', dts: () => Promise.resolve(readFileSync(join(FIXTURES, 'syntax-tour.dts'), 'utf8')) },
  ];

  for (const { name, dts: makeDts } of cases) {
    it.runIf(HAVE_DTC)(`${name}: dtc compiles our DTS, without a warning, to our DTB byte for byte`, async () => {
      const text = await makeDts();
      const parsed = await parseDts(text, name);
      expect(parsed.diagnostics).toEqual([]);
      const ours = encodeDtb(parsed.tree);
      const compiled = dtc(text, 'dts', 'dtb', dtcAllWarnings());
      expect(compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
      expect(Buffer.from(ours).toString('hex')).toBe(compiled.stdout.toString('hex'));
    });

    it.runIf(HAVE_DTC)(`${name}: dtc's DTS of our DTB parses back to the same tree, and we print it as dtc does`, async () => {
      const { tree } = await parseDts(await makeDts(), name);
      const dtb = encodeDtb(tree);
      const printed = dtc(dtb, 'dtb', 'dts');
      expect(printed.status).toBe(0);
      const dtcText = printed.stdout.toString('utf8');
      const reparsed = await parseDts(dtcText, 'dtc-output.dts');
      expect(reparsed.diagnostics).toEqual([]);
      expect(plainTree(reparsed.tree)).toEqual(plainTree(tree));
      // dtc 1.6 (PATH's, without the reference root) prints string lists otherwise: the text is compared with 1.7 only.
      if (dtcPrintsAsRidmap()) expect(formatDts(decodeDtb(dtb).tree)).toBe(dtcText);
    });
  }

  for (const { name, dts: makeDts } of cases) {
    it(`${name}: our DTB decodes back to the same tree`, async () => {
      const { tree } = await parseDts(await makeDts(), name);
      const dtb = encodeDtb(tree);
      const decoded = decodeDtb(dtb);
      expect(decoded.diagnostics).toEqual([]);
      expect(decoded.header).toMatchObject({ version: 17, lastCompVersion: 16, offMemRsvmap: 0x28, totalsize: dtb.length });
      expect(plainTree(decoded.tree)).toEqual(plainTree(tree));
      expect(encodeDtb(decoded.tree)).toEqual(dtb);
    });
  }
});
