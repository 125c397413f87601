/**
 * The recorded captures of test/fixtures/qemu (QEMU 7.2), checked as the
 * live suite checks a fresh capture: the import places every function where
 * QEMU did, and every IOMMU table says for every device what the topology
 * says. Runs everywhere, QEMU or not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureManifest } from '../../scripts/qemu-capture/capture.mjs';
import { REPO_ROOT } from '../support/paths.js';
import { compareIommuTables, expectPlacement, importScenario } from './interop-checks.js';
import { SCENARIOS } from './scenarios.js';

const RECORDED = join(REPO_ROOT, 'test/fixtures/qemu');
const names = readdirSync(RECORDED, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

describe('recorded QEMU captures', () => {
  it('are of scenarios the live suite runs', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(SCENARIOS.map((s) => s.name)).toContain(name);
  });

  for (const name of names) {
    const s = SCENARIOS.find((x) => x.name === name);
    const dir = join(RECORDED, name);
    it.skipIf(!s)(`${name}: the import places every function where QEMU did and agrees with its IOMMU table`, async (ctx) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'capture.json'), 'utf8')) as CaptureManifest;
      expect(manifest.args).toEqual(s!.argv);
      const resolved = await importScenario(s!, manifest);
      expectPlacement(dir, resolved);
      if (compareIommuTables(s!, dir, manifest, resolved, () => {}) === 0) ctx.skip();
    });
  }
});
