/**
 * The check runner and the checks no fixture can raise: the round-trip check
 * fires on a table whose codec does not give its bytes (or its built model)
 * back, findings get their structure's offset, a draft cannot raise its
 * severity, and what decoders find that no check claims is kept as it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stamp, tableCheck } from '../../src/checks/check.js';
import { checkInputs } from '../../src/checks/check-inputs.js';
import { CheckSession } from '../../src/checks/context.js';
import { loadInput } from '../../src/io/load-input.js';
import { runChecks } from '../../src/checks/run.js';
import type { TableSubject } from '../../src/io/subject.js';
import { REPO_ROOT } from '../support/paths.js';

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/checks', name);
const table = async (name: string): Promise<TableSubject> => (await loadInput(fixture(name), readFileSync(fixture(name)))).tables[0]!;

describe('round-trip (an invariant: only a ridmap bug raises it)', () => {
  it('fires when encoding the decoded model does not give the bytes back', async () => {
    const t = await table('dmar-drhd-no-scope.dsl');
    const broken: TableSubject = { ...t, roundTrip: () => ({ status: 'differs', offset: 0x30, detail: 'encoding gives other bytes' }) };
    const findings = runChecks(new CheckSession([broken], undefined, ['firmware'])).findings.filter((d) => d.code === 'round-trip');
    expect(findings).toEqual([{ severity: 'error', code: 'round-trip', file: t.file, path: 'DMAR', offset: 0x30, message: 'encoding gives other bytes (a ridmap bug)' }]);
  });

  it('fires when a built table does not decode to the model it was built from', async () => {
    const t = await table('dmar-drhd-no-scope.dsl');
    const built: TableSubject = { ...t, builtFrom: 'x.yaml', built: { ...t.model, hostAddressWidth: 47 } };
    const findings = runChecks(new CheckSession([built], undefined, ['firmware'])).findings.filter((d) => d.code === 'round-trip');
    expect(findings.map((d) => d.message)).toEqual(['the built table does not decode to the model it was built from (a ridmap bug)']);
  });

  it('is quiet for a table that does not decode cleanly (its lengths cannot be written back as read)', async () => {
    const result = checkInputs([await loadInput(fixture('table-length.dsl'), readFileSync(fixture('table-length.dsl')))]);
    expect(result.summary.tables[0]!.roundTrip).toBe('skipped: the table does not decode cleanly');
    expect(result.findings.map((d) => d.code)).toEqual(['table-length']);
  });
});

describe('the runner', () => {
  it('puts the offset of the structure a finding names on it', async () => {
    const { findings } = runChecks(new CheckSession([await table('dmar-drhd-no-scope.dsl')], undefined, ['firmware']));
    expect(findings.find((d) => d.code === 'dmar-drhd-no-scope')).toMatchObject({ path: 'DMAR/DRHD[1]', offset: 0x48 });
  });

  it('never lets a finding raise its check\'s severity, only lower it', () => {
    const check = tableCheck({ needs: { table: '*' }, id: 'x', severity: 'warning', description: '', run: () => [] });
    expect(stamp(check, [{ message: 'a', severity: 'error' }, { message: 'b', severity: 'info' }]).map((d) => d.severity)).toEqual(['warning', 'info']);
  });

  it('keeps what decoders find that no check claims, under its own code', async () => {
    const dump = 'DMAR @ 0x0000000000000000\nthis line is not part of the dump\n' + readFileSync(fixture('dmar-drhd-no-scope.dsl'), 'utf8').split('Raw Table Data')[1]!.split('\n').slice(2).join('\n');
    const result = checkInputs([await loadInput('dump.txt', Buffer.from(dump))]);
    expect(result.findings.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning acpidump-junk-line', 'warning dmar-drhd-no-scope']);
  });
});
