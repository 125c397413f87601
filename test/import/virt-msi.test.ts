/**
 * virt's msi= machine option (QEMU 11.0 on): gicv2m and off leave a GICv3
 * without an ITS, so the imported topology has no ITS and the IORT built from
 * it routes no MSI to one (QEMU's own IORT.msi_gicv2m has none either).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IortTable } from '../../src/acpi/iort/model.js';
import { decodeTable } from '../../src/acpi/table.js';
import { runCli } from '../support/run-cli.js';
import { importAndBuildCli } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-virt-msi-'));

async function builtIortNodes(name: string, ...argv: string[]): Promise<string[]> {
  const { out } = await importAndBuildCli(tmp, name, argv);
  const iort = decodeTable(new Uint8Array(readFileSync(join(out, 'IORT.dat')))).model as IortTable;
  return iort.nodes.map((n) => String(n.type));
}

describe('import qemu: virt msi=', () => {
  const virt = (machine: string) => ['-M', `virt,gic-version=3,iommu=smmuv3,${machine}`, '-nodefaults'];

  it('msi=gicv2m and msi=off: no ITS, so the IORT has the SMMU and the root complex only', async () => {
    expect(await builtIortNodes('gicv2m', ...virt('msi=gicv2m'))).toEqual(['SmmuV3', 'RootComplex']);
    expect(await builtIortNodes('off', ...virt('msi=off'))).toEqual(['SmmuV3', 'RootComplex']);
  });

  it('msi=its and msi=auto keep the GICv3\'s ITS; msi=auto follows its=off', async () => {
    expect(await builtIortNodes('its', ...virt('msi=its'))).toContain('ItsGroup');
    expect(await builtIortNodes('auto', ...virt('msi=auto'))).toContain('ItsGroup');
    expect(await builtIortNodes('auto-its-off', ...virt('msi=auto,its=off'))).not.toContain('ItsGroup');
  });

  it('is refused before QEMU 11.0, and a value QEMU does not take is refused', async () => {
    const old = await runCli('import', 'qemu', '--qemu-version', '10.2', '--', ...virt('msi=gicv2m'));
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/msi=gicv2m: virt has msi= from QEMU 11\.0 on/);
    const bad = await runCli('import', 'qemu', '--', ...virt('msi=v2m'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/msi=v2m: valid values are auto, its, gicv2m and off/);
  });
});
