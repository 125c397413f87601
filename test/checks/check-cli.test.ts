/** The `ridmap check` contract: message form, text and JSON output, exit codes, options. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/checks', name);

describe('ridmap check', () => {
  it('prints findings on stderr as file:path@offset: severity [id]: text, a summary on stdout, exit 1 on an error', async () => {
    const run = await runCli('check', fixture('dmar-haw-too-small.dsl'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${fixture('dmar-haw-too-small.dsl')}:DMAR@0x24: error [dmar-haw-too-small]: Host Address Width 9 means 10-bit DMA addresses; ` +
        'Linux rejects a DMAR whose width is below 11 (12 bits, one 4 KiB page) and leaves VT-d off. The field holds the width minus one (47 for 48 bits)\n',
    );
    expect(run.stdout).toContain(`DMAR from ${fixture('dmar-haw-too-small.dsl')}\n  findings     1 error, 0 warnings\n  round trip   identical (88 bytes)\n`);
    expect(run.stdout).toMatch(/\d+ checks: 1 error, 0 warnings\n$/);
  });

  it('a wrong stored checksum: the round trip is identical except the checksum byte, which encode corrects', async () => {
    const run = await runCli('check', fixture('table-checksum.dsl'));
    const [stored, computed] = [0x88, 0x87]; // the fixture's checksum byte is one more than the right one
    expect(run.stdout).toContain(
      `  round trip   identical except the checksum, which encode corrects (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}; 88 bytes)\n`,
    );
  });

  it('exits 0 when only warnings remain', async () => {
    const run = await runCli('check', fixture('dmar-drhd-no-scope.dsl'));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning [dmar-drhd-no-scope]');
  });

  it('--format json prints {findings, summary} on stdout and nothing on stderr', async () => {
    const run = await runCli('check', fixture('dmar-rmrr-unaligned.dsl'), '--format', 'json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout) as { findings: { code: string; offset: number }[]; summary: { counts: Record<string, number>; tables: unknown[] } };
    expect(Object.keys(doc)).toEqual(['findings', 'summary']);
    expect(doc.findings).toMatchObject([{ code: 'dmar-rmrr-unaligned', severity: 'error', path: 'DMAR/RMRR[0]', offset: 0x58 }]);
    expect(doc.summary.counts).toEqual({ error: 1, warning: 0, info: 0 });
    expect(doc.summary.tables).toHaveLength(1);
  });

  it('--topology alone checks the topology without building it', async () => {
    const run = await runCli('check', '--topology', fixture('group-split-iommu.topology.yaml'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/group-split-iommu\.topology\.yaml:hostBridges\[0\]\.children\[0\]: error \[group-split-iommu\]: alias group g0 is split/);
    expect(run.stdout).not.toContain('built');
  });

  it('takes numbering policies as several arguments or comma-separated, and refuses unknown ones', async () => {
    const q35 = join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml');
    const policies = async (...args: string[]) => {
      const run = await runCli('check', q35, ...args, '--format', 'json');
      const s = JSON.parse(run.stdout) as { summary: { tables: { renumbering: { policy: string }[] }[] } };
      return s.summary.tables[0]!.renumbering.map((r) => r.policy);
    };
    expect(await policies('--numbering', 'hotplug-shift')).toEqual(['firmware', 'hotplug-shift']);
    expect(await policies('--numbering', 'compact,hotplug-shift')).toEqual(['firmware', 'compact', 'hotplug-shift']);
    expect(await policies('--numbering', 'compact', 'hotplug-shift', '--format', 'json')).toEqual(['firmware', 'compact', 'hotplug-shift']);
    const bad = await runCli('check', q35, '--numbering', 'sideways');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown numbering policy sideways');
  });

  it('exits 2 for unreadable input, two topologies, or nothing to check', async () => {
    expect((await runCli('check', fixture('no-such-file.dsl'))).code).toBe(2);
    const two = await runCli('check', join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'), '--topology', join(TABLES_DIR, 'x86-server-dmar.yaml'));
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('error [usage]: check takes one topology');
    const none = await runCli('check');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('check needs an input');
  });

  it('lists every check with its severity and what it needs in --help', async () => {
    const run = await runCli('check', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ {2}dmar-scope-start-bus-not-root +warning a DMAR, a topology \(--topology, or a topology input\)\n/);
    expect(run.stdout).toMatch(/ {2}table-checksum +warning any table\n/);
    expect(run.stdout).toMatch(/ {2}iort-msi-unreachable +error +an IORT, its translation map\n/);
  });

  describe('--enable and --disable choose the checks listed, as dtc\'s -W does', () => {
    const json = async (...args: string[]) => {
      const run = await runCli('check', ...args, '--format', 'json');
      const doc = JSON.parse(run.stdout) as { findings: { code: string; severity: string }[]; summary: { checks: number; notRun?: { id: string; needs: string }[] } };
      // Notes (info) are what no check covers: listed whatever the selection.
      return { run, codes: doc.findings.filter((d) => d.severity !== 'info').map((d) => d.code), summary: doc.summary };
    };
    const twoFindings = fixture('dmar-rmrr-overlap.dsl'); // dmar-rmrr-overlap only; with --topology also more

    it('--disable leaves a check out, and what it covers is not listed again under its original code', async () => {
      const plain = await json(fixture('table-checksum.dsl'));
      expect(plain.codes).toEqual(['table-checksum']);
      const off = await json(fixture('table-checksum.dsl'), '--disable', 'table-checksum');
      expect(off.codes).toEqual([]);
      expect(off.run.code).toBe(0);
      expect(off.summary.checks).toBe(plain.summary.checks - 1);
    });

    it('--disable of an error check turns the exit status to 0', async () => {
      expect((await runCli('check', fixture('dmar-haw-too-small.dsl'))).code).toBe(1);
      const run = await runCli('check', fixture('dmar-haw-too-small.dsl'), '--disable', 'dmar-haw-too-small');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
    });

    it('--enable lists only the enabled checks; ids repeat or come as a comma list', async () => {
      const only = await json(twoFindings, '--enable', 'dmar-haw-too-small');
      expect(only.codes).toEqual([]);
      expect(only.summary.checks).toBe(1);
      const listed = await json(twoFindings, '--enable', 'dmar-haw-too-small,dmar-rmrr-overlap', '--enable', 'table-checksum');
      expect(listed.codes).toEqual(['dmar-rmrr-overlap']);
      expect(listed.summary.checks).toBe(3);
      const both = await json(twoFindings, '--enable', 'dmar-rmrr-overlap', '--disable', 'dmar-rmrr-overlap');
      expect(both.codes).toEqual([]);
    });

    it('an enabled check that no input lets run is said, with what it needs', async () => {
      const run = await runCli('check', twoFindings, '--enable', 'map-device-untranslated,iort-reference-cycle');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('not run: map-device-untranslated (it needs any table, its translation map, a topology (--topology, or a topology input); no input gives that)');
      expect(run.stdout).toContain('not run: iort-reference-cycle (it needs an IORT; no input gives that)');
      const doc = await json(twoFindings, '--enable', 'iort-reference-cycle');
      expect(doc.summary.notRun).toEqual([{ id: 'iort-reference-cycle', needs: 'an IORT' }]);
    });

    it('an unknown id is a usage error (exit 2) naming the ids near it, before any input is read', async () => {
      const run = await runCli('check', fixture('no-such-file.dsl'), '--disable', 'iort-node-ofset');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('error [usage]: no check has the id "iort-node-ofset" (did you mean "iort-node-offset"?); the iort-... checks are iort-msi-unreachable,');
      expect(run.stderr).not.toContain('no-such-file');
      const far = await runCli('check', twoFindings, '--enable', 'zzz');
      expect(far.code).toBe(2);
      expect(far.stderr).toContain('no check has the id "zzz"; the checks are group-split-iommu,');
    });

    it('the 12 IORT and VIOT findings are each selectable by id through the CLI', async () => {
      const ids = [
        'iort-node-offset', 'iort-node-count', 'iort-array-outside-node', 'iort-array-overlap', 'iort-name-unterminated',
        'iort-dangling-reference', 'iort-self-reference', 'iort-reference-cycle',
        'viot-node-offset', 'viot-node-count', 'viot-output-node', 'viot-output-not-iommu',
      ];
      for (const id of ids) {
        const on = await json(fixture(`${id}.dsl`), '--enable', id);
        expect(on.codes).toEqual([id]);
        expect(on.run.code).toBe(1);
        const off = await json(fixture(`${id}.dsl`), '--disable', id);
        expect(off.codes).toEqual([]);
        expect(off.run.code).toBe(0);
      }
    });
  });
});
