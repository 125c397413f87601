/**
 * The IVRS range checks through the CLI: `decode` shows them (the table
 * reads, exit unchanged), and no corpus IVRS raises them (each pairs 03h or
 * 43h with a 04h above it).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ivrsRangeFindings } from '../../src/acpi/ivrs/range-findings.js';
import { decodeTable } from '../../src/acpi/table.js';
import { corpusIvrses, HAVE_IVRS_CORPUS } from '../fixtures/ivrs/corpus.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const fixture = (id: string) => join(REPO_ROOT, 'test/fixtures/checks', `${id}.dsl`);

describe('IVRS device ranges', () => {
  it('decode shows an inverted range at the End of Range entry, and still exits 0', async () => {
    const run = await runCli('decode', fixture('ivrs-range-inverted'));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/IVRS\/IVHD10\[0\]\/RangeEnd\[0\]@0x4c: error \[ivrs-range-inverted\]: the range from 0000:00:10\.0 .* ends at 0000:00:08\.0, below its start/);
  });
  it('decode shows an End of Range with no start, naming the start Linux reuses', async () => {
    const run = await runCli('decode', fixture('ivrs-range-end-without-start'));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/RangeEnd\[1\]@0x50: error \[ivrs-range-end-without-start\]: End of Range 0000:01:00\.0 follows no start entry: Linux applies it from the earlier start at 0000:00:01\.0/);
  });
  it.skipIf(!HAVE_IVRS_CORPUS)('no corpus IVRS has a range finding', () => {
    for (const c of corpusIvrses()) expect(ivrsRangeFindings(decodeTable(c.bytes).model), c.name).toEqual([]);
  });
});
