/**
 * MADT structures the specification grew, decoded as far as their Length
 * goes, through the CLI: a GICC of ACPI 5.1 (76 bytes), 6.0 (80) and 6.5
 * (82); a Multiprocessor Wakeup with and without ACPI 6.6's ResetVector.
 * Each decodes without a finding and round-trips byte for byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MadtStructure } from '../../src/acpi/madt/model.js';
import { decodeTable } from '../../src/acpi/table.js';
import { runCli } from '../support/run-cli.js';
import { armMadt, encodeMadt } from '../fixtures/madt/tables.js';
import { expectJsonRoundTrip, expectRoundTrip } from './roundtrip.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-madt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function madtWith(s: MadtStructure): Uint8Array {
  const t = armMadt([]);
  return encodeMadt({ ...t, structures: [s] });
}

const gicc = armMadt([]).structures[0]! as Extract<MadtStructure, { type: 'Gicc' }>;
const { efficiencyClass: _e, speInterrupt: _s, trbeInterrupt: _t, ...gicc51 } = gicc;

describe('MADT structures read as far as their Length goes', () => {
  const cases: [string, MadtStructure, number, string[], string[]][] = [
    ['GICC of ACPI 5.1 (76 bytes)', gicc51 as MadtStructure, 76, ['ARM MPIDR : 0000000000000000'], ['Efficiency Class', 'SPE Overflow Interrupt']],
    ['GICC of ACPI 6.3 (80 bytes)', { ...gicc51, efficiencyClass: 1, speInterrupt: 21 } as MadtStructure, 80, ['SPE Overflow Interrupt : 0015'], ['TRBE Interrupt']],
    ['GICC of ACPI 6.5 (82 bytes)', { ...gicc, trbeInterrupt: 22 }, 82, ['TRBE Interrupt : 0016'], []],
    ['Multiprocessor Wakeup of ACPI 6.4 (16 bytes)', { type: 'MultiprocWakeup', mailboxVersion: 0, baseAddress: 0x7f000000n }, 16, ['Mailbox Address : 000000007F000000'], ['ResetVector']],
    ['Multiprocessor Wakeup of ACPI 6.6 (24 bytes)', { type: 'MultiprocWakeup', mailboxVersion: 1, baseAddress: 0x7f000000n, resetVector: 0xfff0n }, 24, ['ResetVector : 000000000000FFF0'], []],
  ];
  cases.forEach(([name, s, length, present, absent], i) => {
    it(name, async () => {
      const bytes = madtWith(s);
      expect(bytes[44 + 1]).toBe(length);
      const file = join(dir, `m${i}.dat`);
      writeFileSync(file, bytes);
      const run = await runCli('decode', file);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      for (const p of present) expect(run.stdout).toMatch(new RegExp(`${p.replace(/[()]/g, '\\$&')}\\s*$`, 'm'));
      for (const a of absent) expect(run.stdout).not.toContain(a);
      expect(decodeTable(bytes).diagnostics).toEqual([]);
      expectRoundTrip(bytes);
      expectJsonRoundTrip(bytes);
    });
  });
});
