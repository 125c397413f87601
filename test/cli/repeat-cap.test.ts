/**
 * The per-code cap the README promises (MAX_REPEATED_DIAGNOSTICS per code per
 * input, the rest counted in one line) holds for what every command prints
 * on stderr, whatever the severity (issue 14, item 23): a DMAR with 250
 * unaligned RMRRs no longer prints 250 errors. JSON output keeps them all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DmarRemappingStructure, DmarTable } from '../../src/acpi/dmar/model.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { capRepeats, MAX_REPEATED_DIAGNOSTICS } from '../../src/limits.js';
import { encodeModel } from '../acpi/dmar-fixtures.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-cap-'));
const RMRRS = 250;

function unalignedRmrrs(): DmarTable {
  const gpu = { type: 1, flags: 0, enumerationId: 0, startBusNumber: 0, path: [{ device: 2, function: 0 }] };
  const rmrrs: DmarRemappingStructure[] = Array.from({ length: RMRRS }, (_, i) => ({
    type: 'RMRR', segmentNumber: 0, baseAddress: BigInt(0x10000000 + i * 0x10000 + 0x10), limitAddress: BigInt(0x10000000 + i * 0x10000 + 0xfff), deviceScopes: [gpu],
  }));
  return {
    signature: 'DMAR', revision: 1, oemId: 'RIDMAP', oemTableId: 'CAP     ', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1,
    hostAddressWidth: 38, flags: 1,
    remappingStructures: [{ type: 'DRHD', flags: 1, size: 0, segmentNumber: 0, registerBaseAddress: 0xfed90000n, deviceScopes: [] }, ...rmrrs],
  };
}

describe('at most MAX_REPEATED_DIAGNOSTICS findings of one code per input on stderr', () => {
  const file = join(tmp, 'DMAR.dat');
  writeFileSync(file, encodeModel(unalignedRmrrs()));

  it('check: the first 100 of the code, then one line counting the rest, with the same code and severity', async () => {
    const run = await runCli('check', file);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n').filter((l) => l.includes('[dmar-rmrr-unaligned]'));
    expect(lines).toHaveLength(MAX_REPEATED_DIAGNOSTICS + 1);
    expect(lines.at(-1)).toBe(`${file}: error [dmar-rmrr-unaligned]: ${RMRRS - MAX_REPEATED_DIAGNOSTICS} more like this are not listed (only the first ${MAX_REPEATED_DIAGNOSTICS} of each kind are)`);
  });

  it('check --format json keeps every finding', async () => {
    const run = await runCli('check', file, '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    expect(findings.filter((d) => d.code === 'dmar-rmrr-unaligned')).toHaveLength(RMRRS);
  });
});

describe('capRepeats', () => {
  const d = (code: string, severity: Diagnostic['severity'], file = 'f'): Diagnostic => ({ code, severity, file, message: code });

  it('counts per code and file, keeps the order, and takes the highest severity left out', () => {
    const ds = [...Array.from({ length: 3 }, () => d('a', 'info')), d('a', 'warning'), d('b', 'info'), d('a', 'info', 'g')];
    const out = capRepeats(ds, 2);
    expect(out.map((x) => `${x.file}:${x.code}:${x.severity}:${x.omitted ?? 0}`)).toEqual(['f:a:info:0', 'f:a:info:0', 'f:b:info:0', 'g:a:info:0', 'f:a:warning:2']);
  });

  it('adds what a reader already left out (its summary carries omitted) to one count', () => {
    const ds = [d('a', 'warning'), d('a', 'warning'), { ...d('a', 'warning'), message: '7 more', omitted: 7 }, d('a', 'warning')];
    const out = capRepeats(ds, 2);
    expect(out).toHaveLength(3);
    expect(out[2]!.message).toBe('8 more like this are not listed (only the first 2 of each kind are)');
  });
});
