/**
 * iort-its-not-in-madt through `ridmap check`: an IORT's ITS group
 * identifiers against the MADT's GIC ITS Translation IDs, as Linux pairs
 * them (the group's first identifier is the one it uses).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IortTable } from '../../src/acpi/iort/model.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { runCli } from '../support/run-cli.js';
import { encode as encodeIort, smallIort } from '../fixtures/iort/iort-tables.js';
import { armMadt, encodeMadt } from '../fixtures/madt/tables.js';
import { dumpText } from './check-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-iort-madt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withIts(ids: number[]): IortTable {
  const t = smallIort();
  t.nodes[0] = { ...t.nodes[0]!, itsIdentifiers: ids } as IortTable['nodes'][number];
  return t;
}

async function findings(name: string, tables: Uint8Array[]): Promise<Diagnostic[]> {
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, dumpText({ name, description: '', tables: tables.map((t) => () => t) }));
  const run = await runCli('check', file, '--format', 'json');
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { findings: Diagnostic[] }).findings.filter((d) => d.code === 'iort-its-not-in-madt');
}

describe('check: IORT ITS groups against the MADT\'s GIC ITSes', () => {
  it('the ITS the group names is in the MADT: nothing', async () => {
    expect(await findings('clean', [encodeMadt(armMadt([0])), encodeIort(smallIort())])).toEqual([]);
  });

  it('the first identifier is missing: named with its offset, and its devices get no MSI domain', async () => {
    const f = await findings('first', [encodeMadt(armMadt([1, 2])), encodeIort(withIts([0, 1]))]);
    expect(f.map((d) => [d.severity, d.path, d.offset])).toEqual([['warning', 'IORT/ItsGroup[0]', 0x44]]);
    expect(f[0]!.message).toMatch(/^ITS identifier 0 of this ITS group is the Translation ID of no GIC ITS structure in APIC \(.*; its GIC ITS IDs: 1, 2\)/);
    expect(f[0]!.message).toContain('gives those devices no MSI domain');
  });

  it('a later identifier is missing: reported, saying Linux never uses it', async () => {
    const f = await findings('later', [encodeMadt(armMadt([0])), encodeIort(withIts([0, 5]))]);
    expect(f.map((d) => d.offset)).toEqual([0x48]);
    expect(f[0]!.message).toContain('(index 1) is never used');
  });

  it('no MADT: nothing to compare', async () => {
    expect(await findings('alone', [encodeIort(withIts([7]))])).toEqual([]);
  });
});
