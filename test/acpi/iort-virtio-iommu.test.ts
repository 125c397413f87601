/**
 * Arm virt with a virtio-iommu and a GICv3 ITS, as `import qemu` makes it:
 * QEMU writes a VIOT for the translation and beside it an IORT whose root
 * complex sends every RID straight to the ITS (MSIs only, no SMMU node);
 * `build` writes the same pair instead of refusing the IORT.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIort } from '../../src/acpi/iort/index.js';
import type { IortRootComplex } from '../../src/acpi/iort/model.js';
import { mapId, MSI_NODES } from '../../src/acpi/iort/walk.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-viommu-'));

describe('IORT beside VIOT: arm virt + virtio-iommu-pci + ITS (import qemu, then build, through the CLI)', () => {
  it('build writes VIOT and an IORT whose root complex maps every RID to the ITS group, and check agrees', async () => {
    const imported = await runCli('import', 'qemu', '--', '-M', 'virt,gic-version=3', '-nodefaults', '-device', 'virtio-iommu-pci', '-device', 'virtio-net-pci');
    expect(imported.code, imported.stderr).toBe(0);
    const topology = join(tmp, 'virt.yaml');
    writeFileSync(topology, imported.stdout);
    const out = join(tmp, 'out');

    const build = await runCli('build', topology, '--out', out);
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['VIOT.dat', 'IORT.dat', 'board.dtb']));

    const iort = decodeIort(new Uint8Array(readFileSync(join(out, 'IORT.dat'))));
    expect(iort.diagnostics).toEqual([]);
    expect(iort.table.nodes.map((n) => n.type)).toEqual(['ItsGroup', 'RootComplex']);
    expect((iort.table.nodes[1] as IortRootComplex).idMappings).toEqual([{ inputBase: 0, numberOfIds: 0xffff, outputBase: 0, outputReference: { node: 0 }, flags: 0 }]);
    // The virtio-net function at 00:02.0: its MSIs reach the ITS with its RID as DeviceID.
    expect(mapId(iort.table, 1, 0x10, MSI_NODES)).toEqual({ node: 0, id: 0x10 });

    const check = await runCli('check', join(out, 'IORT.dat'), join(out, 'VIOT.dat'), '--topology', topology);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/0 errors, 0 warnings/);
  });
});
