/**
 * Several PCI host nodes of one segment (pxb expanders) each get their own
 * linux,pci-domain: Linux refuses a domain already taken, so with one domain
 * per segment the expanders' devices vanished (issue 14, item 1). Read back
 * with the topology, the domains go back to the topology's segment.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-pci-domain-'));
const topology = join(TABLES_DIR, 'arm-two-smmuv3.yaml');

describe('linux,pci-domain of the PCI host nodes ridmap writes', () => {
  it('arm-two-smmuv3: three hosts on segment 0 get domains 0, 1, 2, and check of the DTB passes', async () => {
    const out = join(tmp, 'two');
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const dts = readFileSync(join(out, 'board.dts'), 'utf8');
    expect([...dts.matchAll(/linux,pci-domain = <(0x[0-9a-f]+)>/g)].map((m) => Number(m[1]))).toEqual([0, 1, 2]);

    const run = await runCli('check', join(out, 'board.dtb'), '--topology', topology, '--format', 'json');
    const { findings } = JSON.parse(run.stdout) as { findings: Diagnostic[] };
    expect(findings.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('map of the DTB with its topology puts every device on the topology segment; alone, on its domain', async () => {
    const out = join(tmp, 'map');
    await runCli('build', topology, '--out', out);
    const own = JSON.parse((await runCli('map', topology, '--format', 'json')).stdout) as { translations: unknown[]; devices: unknown[] };
    const withTopology = JSON.parse((await runCli('map', join(out, 'board.dtb'), '--topology', topology, '--format', 'json')).stdout) as typeof own;
    expect(withTopology.translations).toEqual(own.translations.map((t) => ({ ...(t as object), source: 'DT' })));

    const alone = await runCli('map', join(out, 'board.dtb'), '--format', 'json');
    const segments = (JSON.parse(alone.stdout) as { translations: { segment: number; first: string }[] }).translations.map((t) => [t.segment, t.first]);
    // Linux names the expanders' devices by their host's domain (0001:10:00.0, 0002:20:00.0).
    expect(segments).toEqual([[1, '10:00.0'], [2, '20:00.0']]);
  });
});
