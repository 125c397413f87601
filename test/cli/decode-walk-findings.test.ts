/**
 * IORT and VIOT problems that only the full read or Linux's node walk finds
 * (the registry rows stop at node fields): `decode` prints each with its
 * structure path and byte offset and exits 2 when the table cannot be read as
 * it says, 0 when it reads but the walk breaks on it; `check` reports the
 * same line under the check id and exits 1. The fixtures are the checks'
 * negative fixtures (test/checks/fixtures.test.ts also checks them in JSON).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const fixture = (id: string) => join(REPO_ROOT, 'test/fixtures/checks', `${id}.dsl`);

/** id, decode's exit code, the path and offset its line names (`IORT@0x28`; no offset where the path names no decoded structure). */
const CASES: [string, number, string][] = [
  ['iort-node-offset', 2, 'IORT@0x28'],
  ['iort-node-count', 2, 'IORT@0xdc'],
  ['iort-array-outside-node', 2, 'IORT/RootComplex[0]@0xc8'],
  ['iort-array-overlap', 2, 'IORT/RootComplex[0]@0xbc'],
  ['iort-name-unterminated', 2, 'IORT/NamedComponent[0]@0xf9'],
  ['iort-dangling-reference', 0, 'IORT/RootComplex[0]/IdMapping[0]@0xc8'],
  ['iort-self-reference', 0, 'IORT/RootComplex[0]/IdMapping[0]@0xc8'],
  ['iort-reference-cycle', 0, 'IORT/SmmuV3[0]@0x48'],
  ['viot-node-offset', 2, 'VIOT@0x26'],
  ['viot-node-count', 2, 'VIOT@0x58'],
  ['viot-output-node', 2, 'VIOT/PciRange[0].outputNode@0x50'],
  ['viot-output-not-iommu', 0, 'VIOT/PciRange[0].outputNode@0x50'],
];

describe('decode reports what only the full IORT/VIOT read finds', () => {
  for (const [id, code, where] of CASES) {
    it(`${id}: exit ${code}, one line at ${where}`, async () => {
      const run = await runCli('decode', fixture(id));
      const lines = run.stderr.split('\n').filter((l) => l.includes(`[${id}]`));
      expect(lines).toEqual([expect.stringContaining(`${fixture(id)}:${where}: error [${id}]: `)]);
      expect(run.code).toBe(code);
      expect(run.stdout).toContain('ACPI Data Table');
    });
  }
});

describe('check reports them under their own check ids, at the same place', () => {
  for (const [id, , where] of CASES) {
    it(`${id}: exit 1, one line at ${where}`, async () => {
      const run = await runCli('check', fixture(id));
      expect(run.stderr.split('\n').filter((l) => l.includes(' error ['))).toEqual([expect.stringContaining(`${fixture(id)}:${where}: error [${id}]: `)]);
      expect(run.code).toBe(1);
    });
  }
});
