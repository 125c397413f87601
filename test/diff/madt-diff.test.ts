/**
 * The diff names MADT structures as identity.ts says: by the ID the OS knows
 * each by (an I/O APIC by its I/O APIC ID, a GIC ITS by its Translation ID),
 * so a renumbered I/O APIC is removed + added and a moved one is changed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MadtTable } from '../../src/acpi/madt/model.js';
import { armMadt, encodeMadt, ioApic, smallMadt } from '../fixtures/madt/tables.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-madt-diff-'));
const write = (name: string, t: MadtTable) => {
  const file = join(tmp, name);
  writeFileSync(file, encodeMadt(t));
  return file;
};

describe('diff of MADTs', () => {
  it('I/O APICs by their ID: another ID is removed + added, another GSI base is a change', async () => {
    const a = write('a.dat', smallMadt([ioApic(0x21, 0), ioApic(0x22, 24)]));
    const b = write('b.dat', smallMadt([ioApic(0x21, 0), ioApic(0x23, 24)]));
    const run = await runCli('diff', a, b);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  - I/O APIC ID 34');
    expect(run.stdout).toContain('  + I/O APIC ID 35');
    expect(run.stdout).not.toContain('I/O APIC ID 33');
    const moved = await runCli('diff', a, write('c.dat', smallMadt([ioApic(0x21, 0), ioApic(0x22, 32)])));
    expect(moved.stdout).toContain('  ~ I/O APIC ID 34');
  });

  it('GIC ITSes by their Translation ID', async () => {
    const run = await runCli('diff', write('d.dat', armMadt([0, 1])), write('e.dat', armMadt([0, 2])));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  + GIC ITS ID 2');
    expect(run.stdout).toContain('GIC ITS ID 1');
  });
});
