/**
 * The diff names IVRS blocks as identity.ts says: an IVHD by its IOMMU's
 * base address and PCI segment (so another IOMMU is removed + added, not a
 * changed field), an IVMD by its memory range.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IvrsIvmd, IvrsTable } from '../../src/acpi/ivrs/model.js';
import { encodeIvrs, entry, smallIvrs } from '../fixtures/ivrs/tables.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-ivrs-diff-'));
const write = (name: string, t: IvrsTable) => {
  const file = join(tmp, name);
  writeFileSync(file, encodeIvrs(t));
  return file;
};
const ivmd = (startAddress: bigint): IvrsIvmd => ({
  type: 'IVMD21', flags: 0x08, deviceId: 0x0100, auxData: 0, startAddress, memoryLength: 0x26000n,
});

describe('diff of IVRS tables', () => {
  const base = smallIvrs([entry('RangeStart', 0x0008), entry('RangeEnd', 0xfffe)]);

  it('an IVHD at another base is removed + added; an IVMD is named by its range', async () => {
    const a = write('a.dat', { ...base, blocks: [...base.blocks, ivmd(0xc9f42000n)] });
    const moved = { ...base.blocks[0]!, baseAddress: 0xfd200000n } as IvrsTable['blocks'][number];
    const b = write('b.dat', { ...base, blocks: [moved, ivmd(0xc9f40000n)] });
    const run = await runCli('diff', a, b);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  - IVHD 0xfeb80000 segment 0');
    expect(run.stdout).toContain('  + IVHD 0xfd200000 segment 0');
    expect(run.stdout).toContain('  - IVMD 0xc9f42000-0xc9f67fff');
    expect(run.stdout).toContain('  + IVMD 0xc9f40000-0xc9f65fff');
  });

  it('a changed device entry inside the same IVHD is a change of that IVHD', async () => {
    const b = smallIvrs([entry('RangeStart', 0x0010), entry('RangeEnd', 0xfffe)]);
    const run = await runCli('diff', write('c.dat', base), write('d.dat', b));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  ~ IVHD 0xfeb80000 segment 0');
  });
});
