/**
 * Expander host bridges (pxb-pcie) in the Device Tree form: ridmap writes
 * each as a pci-host-ecam-generic node of its own over its ECAM slice, which
 * Linux's pci-host-generic scans; `build` says so, naming the host bridge,
 * and that QEMU's own virt tree has no such node (its expanders need ACPI).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const topology = join(TABLES_DIR, 'arm-two-smmuv3.yaml');

describe('DT of expander host bridges', () => {
  it('build --verbose names each expander, its domain, buses and ECAM slice, and why QEMU needs ACPI for it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-expander-dt-'));
    const run = await runCli('build', topology, '--out', out, '--verbose');
    expect(run.code).toBe(0);
    const infos = run.stderr.split('\n').filter((l) => l.includes('[dt-expander-host]'));
    expect(infos.map((l) => l.slice(0, l.indexOf(': info')))).toEqual([`${topology}:hostBridges[1]`, `${topology}:hostBridges[2]`]);
    expect(infos[0]).toContain(
      'host bridge pcie.1 is an expander (pxb-pcie): this tree gives it a pci-host-ecam-generic node of its own ' +
        '(linux,pci-domain 1, buses 0x10-0x1f, configuration space at 0x4011000000), which Linux scans as a separate host. ' +
        'QEMU\'s virt Device Tree describes pcie.0 only, and a scan from bus 0 never enters an expander: with QEMU\'s own tree, pcie.1\'s devices are seen only with ACPI',
    );
    // The node says what the info says: Linux maps reg as the config space of the first bus in bus-range.
    const dts = readFileSync(join(out, 'board.dts'), 'utf8');
    expect(dts).toMatch(/pcie@4011000000 \{[^}]*linux,pci-domain = <0x01>;\s*bus-range = <0x10 0x1f>;\s*reg = <0x40 0x11000000 0x00 0x1000000>;/);
  });

  it('without --verbose the build stays quiet (an info, not a problem)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ridmap-expander-dt-'));
    const run = await runCli('build', topology, '--out', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
