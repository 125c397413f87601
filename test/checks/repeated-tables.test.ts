/**
 * Two DMARs in one dump (issue 14, item 12). Linux reads only the first
 * table of a signature (acpi_get_table(ACPI_SIG_DMAR, 0, ...) in
 * drivers/iommu/intel/dmar.c dmar_table_detect; IORT and VIOT likewise), so
 * the map is the first one's: a copy with the same bytes is listed once with
 * a note, a table that differs is left out with a table-repeated warning.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeChecksum } from '../../src/acpi/header.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { checkFixtures, dumpFixtures, dumpText } from './check-fixtures.js';

const dir = join(REPO_ROOT, 'test/fixtures/checks');
const DIFFERENT = join(dir, 'table-repeated.txt');
const tmp = mkdtempSync(join(tmpdir(), 'ridmap-repeated-'));

/** The fixture's first DMAR, `copies` times in one dump. */
function identicalDump(copies: number): string {
  const first = readFileSync(DIFFERENT, 'utf8').split('\n\n')[0]!;
  const file = join(tmp, `same-${copies}.txt`);
  writeFileSync(file, Array.from({ length: copies }, (_, i) => first.replace('0x00000000BFF6E000', `0x${(0xbff6e000 + i * 0x1000).toString(16)}`)).join('\n\n') + '\n');
  return file;
}

describe('map of a dump with two DMARs', () => {
  it('the same bytes twice: each translation listed once, a note under -v', async () => {
    const file = identicalDump(2);
    const run = await runCli('map', file);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const once = await runCli('map', identicalDump(1));
    expect(run.stdout).toBe(once.stdout);
    expect(run.stdout.match(/-> vtd@0xfed90000/g)).toHaveLength(1);
    const verbose = await runCli('map', file, '-v');
    expect(verbose.stderr).toContain(`${file}:DMAR[1]@0x0: info [table-repeated]: the same bytes as DMAR[0]: Linux reads only the first DMAR`);
  });

  it('two different DMARs: the first is mapped, the second left out with a warning', async () => {
    const run = await runCli('map', DIFFERENT);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `${DIFFERENT}:DMAR[1]@0x0: warning [table-repeated]: another DMAR than DMAR[0]: Linux reads only the first DMAR ` +
        '(acpi_get_table(DMAR, 0)) and ignores this one, so the map leaves it out\n',
    );
    // The second DMAR gives lpc 00:1f.0 to vtd0; the first leaves it to the include-all vtd1.
    expect(run.stdout).not.toMatch(/00:1f\.0-\S+ -> vtd@0xfed90000/);
    expect(run.stdout.match(/-> vtd@0xfed90000/g)).toHaveLength(1);
  });
});

describe('check of a dump with repeated DMARs', () => {
  it('copies are checked once and counted in the summary', async () => {
    const run = await runCli('check', identicalDump(3));
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^DMAR\[\d\] from/gm)).toEqual(['DMAR[0] from']);
    expect(run.stdout).toMatch(/checked once \(the same bytes as an earlier table of the dump\): 2 table\(s\)/);
  });
});

describe('check summary: each table of a dump counts its own findings', () => {
  it('eleven DMARs: DMAR[1] and DMAR[10] each count their own findings', async () => {
    const clean = dumpFixtures.find((f) => f.name === 'table-repeated')!.tables[0]!;
    const noScope = checkFixtures.find((f) => f.name === 'dmar-drhd-no-scope')!.bytes;
    // Eleven different DMARs, so none is a copy of another: each gets another OEM revision.
    const tables = Array.from({ length: 11 }, (_, i) => () => {
      const b = Uint8Array.from((i === 10 ? noScope : clean)());
      b[24] = i + 1;
      b[9] = computeChecksum(b);
      return b;
    });
    const file = join(tmp, 'eleven.txt');
    writeFileSync(file, dumpText({ name: 'eleven', description: '', tables }));
    const run = await runCli('check', file);
    // Each later DMAR has its table-repeated warning; DMAR[10] also its unit without scopes.
    expect(run.stdout).toMatch(/^DMAR\[1\] from .*\n {2}findings {5}0 errors, 1 warning$/m);
    expect(run.stdout).toMatch(/^DMAR\[10\] from .*\n {2}findings {5}0 errors, 2 warnings$/m);
  });
});
