// decode reads the findings it shows from the rows (format-findings.ts), not
// from the checks built from them (format-checks.ts): the two must agree.
import { describe, expect, it } from 'vitest';
import { FORMAT_CHECKS } from '../../src/checks/format-checks.js';
import { FORMAT_FINDINGS } from '../../src/checks/format-findings.js';
import type { FindingRow } from '../../src/checks/table-findings.js';

describe('format findings for decode', () => {
  it('lists every format check marked for decode, with its format and what decode does with it', () => {
    const fromChecks = FORMAT_CHECKS.filter((c) => (c as Partial<FindingRow>).decode !== undefined)
      .map((c) => `${c.needs.table} ${c.id} ${(c as FindingRow).decode}`)
      .sort();
    const fromRows = FORMAT_FINDINGS.flatMap(({ format, rows }) => rows.filter((r) => r.decode !== undefined).map((r) => `${format} ${r.id} ${r.decode}`)).sort();
    expect(fromChecks.length).toBeGreaterThan(10);
    expect(fromRows).toEqual(fromChecks);
  });
});
