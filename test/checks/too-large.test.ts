/**
 * `check` of a DMAR over the size limit (MAX_MODELLED_TABLE_BYTES) says what
 * `decode` says, the acpi-table-too-large error, and exits 2 as `decode` and
 * `map` do (issue 14, item 22), instead of "0 errors".
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeChecksum } from '../../src/acpi/header.js';
import { MAX_MODELLED_TABLE_BYTES } from '../../src/limits.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-too-large-'));

describe('check of a DMAR over MAX_MODELLED_TABLE_BYTES', () => {
  it('says what decode says (acpi-table-too-large), exit 2 as decode and map', async () => {
    const b = new Uint8Array(MAX_MODELLED_TABLE_BYTES + 16);
    b.set(new TextEncoder().encode('DMAR'), 0);
    new DataView(b.buffer).setUint32(4, b.length, true);
    b[8] = 1;
    b[36] = 46;
    b[9] = computeChecksum(b);
    const file = join(tmp, 'DMAR-big.dat');
    writeFileSync(file, b);
    const decode = await runCli('decode', file);
    const check = await runCli('check', file);
    const tooLarge = (s: string) => s.split('\n').filter((l) => l.includes('[acpi-table-too-large]'));
    expect(tooLarge(check.stderr)).toEqual(tooLarge(decode.stderr));
    expect(tooLarge(check.stderr)).toHaveLength(1);
    expect(check.stdout).toMatch(/1 error, 0 warnings\n$/);
    expect(check.code).toBe(2);
    expect(decode.code).toBe(2);
  });
});
