/**
 * Real firmware must pass: every DMAR of the shared corpus (QEMU's, 57 real
 * machines' acpidumps, 21 Surface .dsl files) is checked without a topology,
 * and no check may report an error or a warning; each round-trips byte for
 * byte. Skipped with a message when the corpus is absent.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/checks/check-inputs.js';
import { loadInput } from '../../src/io/load-input.js';
import { CHECKS } from '../../src/checks/registry.js';
import { corpusName, corpusPresent, linuxhwDumps, qemuDmars, surfaceDmarDsls } from '../acpi/corpus.js';

const files = corpusPresent ? [...qemuDmars(), ...linuxhwDumps(), ...surfaceDmarDsls()] : [];
const checkIds = new Set(CHECKS.map((c) => c.id));

/**
 * Machines that list one HPET number once per comparator (8 scopes, HPET 0,
 * source-ids f0:0f.0 to f0:0f.7) under one unit. Not a conflict: Linux keeps
 * the first and ignores the rest, so dmar-hpet-duplicate only fires across units.
 */
const HPET_PER_COMPARATOR = ['PRIMERGY/41B1E7A57925.bin', 'dynabook R731-E/5949EA99A04B.bin', 'X79-UP4/E9921195B1EB.bin'];

describe.skipIf(!corpusPresent)('corpus DMARs pass every check', () => {
  it('the corpus has DMARs', () => expect(files.length).toBeGreaterThanOrEqual(70));

  for (const file of files) {
    it(corpusName(file), async () => {
      const result = checkInputs([await loadInput(file, readFileSync(file))]);
      const dmars = result.summary.tables.filter((t) => t.format === 'DMAR');
      expect(dmars.length).toBe(1);
      expect(dmars[0]!.roundTrip).toMatch(/^identical/);
      const findings = result.findings.filter((d) => checkIds.has(d.code) && d.severity !== 'info');
      expect(findings.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
      expect(result.findings.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }

  it('per-comparator HPET scopes under one unit are not reported', async () => {
    const machines = files.filter((f) => HPET_PER_COMPARATOR.some((m) => f.endsWith(m)));
    expect(machines).toHaveLength(HPET_PER_COMPARATOR.length);
    for (const file of machines) {
      const text = readFileSync(file);
      const table = (await loadInput(file, text)).tables.find((t) => t.format === 'DMAR')!;
      expect(table.printText().match(/Message-capable HPET Device/g)?.length).toBe(8);
    }
  });
});
