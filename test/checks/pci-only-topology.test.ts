/**
 * `check --topology` with a topology that describes only the PCI tree (no
 * IOMMUs, as `import lspci` of a machine gives): the tables' paths are
 * followed through it, and the IOMMUs are the tables' own, so no device is a
 * mismatch for "the topology says untranslated" (issue 14, item 9).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const dir = join(REPO_ROOT, 'test/fixtures/checks');
const PCI_ONLY = join(dir, '_pci-only.topology.yaml');

describe('check --topology with a topology without IOMMUs', () => {
  it('a DMAR that fits the PCI tree: no finding, and the summary says where the IOMMUs came from', async () => {
    const run = await runCli('check', join(dir, 'map-device-mismatch.dsl'), '--topology', PCI_ONLY);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain("topology     names no IOMMU: the table's scopes were followed through its PCI tree (6 devices), the IOMMUs are the table's");
    expect(run.stdout).toMatch(/renumbering {2}compact: 6 devices keep their IOMMU/);
    expect(run.code).toBe(0);
  });

  it('says once per table, as an info finding (topology-pci-only), that the IOMMUs were taken from the table unchecked', async () => {
    const run = await runCli('check', join(dir, 'map-device-mismatch.dsl'), '--topology', PCI_ONLY, '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    const notes = findings.filter((d) => d.code === 'topology-pci-only');
    expect(notes.map((d) => [d.severity, d.path])).toEqual([['info', 'DMAR']]);
    expect(notes[0]!.message).toMatch(/the topology names no IOMMU: 6 device\(s\) were placed through its PCI tree and their IOMMUs are the DMAR's/);
    expect(findings.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a topology that names its IOMMUs gets no such note', async () => {
    const run = await runCli('check', join(dir, 'map-device-mismatch.dsl'), '--topology', join(dir, '_platform.topology.yaml'), '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    expect(findings.map((d) => d.code)).not.toContain('topology-pci-only');
  });

  it('a scope that names no device in the PCI tree is still an error', async () => {
    const run = await runCli('check', join(dir, 'dmar-scope-no-device.dsl'), '--topology', PCI_ONLY, '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    expect(findings.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['dmar-scope-no-device']);
    expect(findings.map((d) => d.code)).not.toContain('map-device-mismatch');
    expect(run.code).toBe(1);
  });
});
