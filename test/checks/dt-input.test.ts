/** `ridmap check` reads DTBs: their named DT checks, round trip, and agreement with a topology and with an IORT. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-check-dt-'));
const haveDtc = (() => {
  try {
    execFileSync('dtc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('check on Device Tree blobs', () => {
  it('a built board DTB and IORT agree with each other and with their topology', async () => {
    const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
    const out = join(tmp, 'arm');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const run = await runCli('check', join(out, 'board.dtb'), join(out, 'IORT.dat'), '--topology', topology);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DT from');
    expect(run.stdout).toMatch(/DT from[^\n]*\n(?:.*\n)*?\s+topology\s+all \d+ devices agree/);
  });

  it.skipIf(!haveDtc)('a DTB whose iommu-map row has base bits the mask clears fails with the check id', async () => {
    const dtb = join(tmp, 'mask.dtb');
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, join(REPO_ROOT, 'test/fixtures/dt/dt-iommu-map-mask-ignores-base.dts')]);
    const run = await runCli('check', dtb);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('dt-iommu-map-mask-ignores-base');
  });
});
