/**
 * The two readers of a real machine agree: for each guest snapshot of
 * test/fixtures/sysfs/ there is lspci text of the same configuration spaces
 * (test/fixtures/lspci/NAME.txt, made by `scripts/make-lspci-fixtures.mjs
 * sysfs`), and readLspci of it gives the same functions, parents, bus
 * numbers, PCIe types, ACS and ATS (and, from the tree, the same root buses)
 * as readSysfsSnapshot of the snapshot.
 * Groups, IOMMUs and drivers aside: `lspci -F` reads no sysfs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../src/import/host/host-snapshot.js';
import { readLspci } from '../../src/import/lspci/read-lspci.js';
import { readSysfsSnapshot } from '../../src/import/sysfs/read-sysfs-snapshot.js';
import { REPO_ROOT } from '../support/paths.js';
import { LSPCI_FIXTURES, lspciFixture, pick } from './lspci-support.js';

const SYSFS_FIXTURES = join(REPO_ROOT, 'test/fixtures/sysfs');
/**
 * Snapshots with lspci text made from them. One without (a snapshot newly
 * added) is left out here, not failed: its text is made by
 * `node scripts/make-lspci-fixtures.mjs sysfs test/fixtures/sysfs/NAME.tar.gz NAME`.
 */
const SNAPSHOTS = existsSync(SYSFS_FIXTURES)
  ? readdirSync(SYSFS_FIXTURES).filter((f) => f.endsWith('.tar.gz') && existsSync(join(LSPCI_FIXTURES, f.replace(/\.tar\.gz$/, '.txt')))).sort()
  : [];
const COMPARED = ['parent', 'secondaryBus', 'subordinateBus', 'vendorId', 'deviceId', 'classCode', 'pcieType', 'ats', 'phantomFunctions'] as const;

/** The facts both readers must agree on, ACS included. */
function placed(s: HostSnapshot) {
  const out = pick(s, COMPARED);
  for (const f of s.functions) {
    if (f.acs !== undefined) Object.assign(out[f.sbdf]!, { acs: f.acs && { sv: f.acs.sourceValidation, rr: f.acs.requestRedirect, cr: f.acs.completionRedirect, uf: f.acs.upstreamForwarding } });
  }
  return out;
}

describe.skipIf(!SNAPSHOTS.length)('lspci text and sysfs snapshot of the same guest', () => {
  it.each(SNAPSHOTS)('%s: readLspci and readSysfsSnapshot agree', async (tarball) => {
    const name = tarball.replace(/\.tar\.gz$/, '');
    const sysfs = await readSysfsSnapshot(join(SYSFS_FIXTURES, tarball));
    const lspci = readLspci(lspciFixture(`${name}.txt`), `${name}.txt`);
    const fromDump = readLspci(lspciFixture(`${name}.dump`), `${name}.dump`);
    // lspci's text cannot tell "none" from "256 bytes read" for a PCIe function listing no extended
    // capability: there it leaves ACS and ATS unknown (and warns), never "none"; everywhere else it matches.
    const text = placed(lspci);
    const truth = placed(sysfs);
    for (const [sbdf, facts] of Object.entries(text)) {
      for (const key of ['acs', 'ats'] as const) {
        if (key in facts || !truth[sbdf] || !(key in truth[sbdf]!)) continue;
        expect((truth[sbdf] as Record<string, unknown>)[key], `${sbdf} ${key}`).toBe(key === 'acs' ? null : false);
        expect(lspci.warnings.join('\n')).toContain(sbdf);
        delete (truth[sbdf] as Record<string, unknown>)[key];
      }
    }
    expect(text).toEqual(truth);
    // The tree's root buses are the host bridges Linux made root buses for.
    expect(lspci.rootBuses).toEqual(sysfs.rootBuses?.map(({ segment, bus }) => ({ segment, bus })));
    // The -xxxx dump alone (no tree, no text) places them the same way too.
    expect(placed(fromDump)).toEqual(placed(sysfs));
    expect(lspci.functions.length).toBeGreaterThan(0);
  });
});
