/**
 * IORT tables whose size the input decides, through the CLI: a chain of
 * 5,000 SMMU nodes (each maps its IDs on to the next) and a named component
 * with 200 mappings of 4,096 IDs. `check` and `map` answer with findings
 * (exit 0 or 1), never a stack overflow (exit 3), and in linear time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IortNode, IortTable } from '../../src/acpi/iort/model.js';
import { encode, header, map, rootComplex, smmuV3 } from '../fixtures/iort/iort-tables.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-large-'));

function write(name: string, t: IortTable): string {
  const file = join(tmp, name);
  writeFileSync(file, encode(t));
  return file;
}

const CHAIN = 5000;

/** ITS group, root complex → SMMU 2 → SMMU 3 → … → the last SMMU → the ITS group, or (`ring`) back to SMMU 2. */
function smmuChain(ring: boolean): IortTable {
  const nodes: IortNode[] = [
    { type: 'ItsGroup', revision: 1, identifier: 0, itsIdentifiers: [0], idMappings: [] },
    rootComplex(0, [map(0, 0xffff, 0, 2)]),
  ];
  for (let k = 0; k < CHAIN; k++) {
    const next = k < CHAIN - 1 ? nodes.length + 1 : ring ? 2 : 0;
    nodes.push(smmuV3(0x10000000n + BigInt(k) * 0x20000n, [map(0, 0xffff, 0, next)]));
  }
  nodes.forEach((n, i) => (n.identifier = i));
  return { ...header(5, 'CHAIN'), nodes };
}

describe('an IORT chain of 5,000 SMMU nodes (the cycle search used to recurse once per node: exit 3)', () => {
  const chain = write('chain.dat', smmuChain(false));
  const ring = write('ring.dat', smmuChain(true));

  it('check of the chain: no findings, exit 0', async () => {
    const run = await runCli('check', chain);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  it('map of the chain: every RID reaches the first SMMU', async () => {
    const run = await runCli('map', chain);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('0000:00:00.0-0000:ff:1f.7 -> smmuv3@0x10000000 +0x0 (IORT)');
    expect(run.code).toBe(0);
  });
  it('map of the ring (the last SMMU maps back to the first): one iort-reference-cycle, exit 1', async () => {
    const run = await runCli('map', ring);
    expect(run.stderr.match(/error \[iort-reference-cycle\]: output references go round in a cycle through node 2 \(SMMUv3\), node 3/g)).toHaveLength(1);
    expect(run.code).toBe(1);
  });
  it('check of the ring: one iort-reference-cycle (a check id), exit 1, without a stack overflow', async () => {
    const run = await runCli('check', ring);
    expect(run.stderr).not.toMatch(/internal error|call stack/i);
    expect(run.stderr.match(/error \[iort-reference-cycle\]: output references go round/g)).toHaveLength(1);
    expect(run.code).toBe(1);
  });
  it('decode of the ring: the table reads, the cycle is printed, exit 0', async () => {
    const run = await runCli('decode', ring);
    expect(run.stderr.match(/error \[iort-reference-cycle\]/g)).toHaveLength(1);
    expect(run.code).toBe(0);
  });
});

/** SMMU and a named component whose 200 mappings take 4,096 input IDs each to stream IDs 0x100000 + k·0x1000 (a 4 KB node). */
function wideNamedComponent(): IortTable {
  const nodes: IortNode[] = [
    smmuV3(0x9050000n, []),
    {
      type: 'NamedComponent', revision: 4, identifier: 1, nodeFlags: 0, memoryProperties: { cacheCoherency: 1, allocationHints: 0, memoryAccessFlags: 3 },
      memoryAddressLimit: 48, deviceName: '\\_SB_.WIDE', idMappings: Array.from({ length: 200 }, (_, k) => map(k * 0x1000, 0xfff, 0x100000 + k * 0x1000, 0)),
    },
  ];
  return { ...header(5, 'WIDE'), nodes };
}

describe('an IORT named component with 200 mappings of 4,096 IDs (the stream IDs were gathered with a search of the list per ID: > 60 s)', () => {
  it('map lists its 819,200 stream IDs, each once, in order', async () => {
    const run = await runCli('map', write('wide.dat', wideNamedComponent()), '--format', 'json');
    expect(run.code).toBe(0);
    const { mmio } = JSON.parse(run.stdout) as { mmio: { id: string; iommu: string; outputIds: number[] }[] };
    expect(mmio.map((m) => [m.id, m.iommu, m.outputIds.length])).toEqual([['\\_SB_.WIDE', 'smmuv3@0x9050000', 200 * 0x1000]]);
    const ids = mmio[0]!.outputIds;
    expect(ids.every((x, i) => x === 0x100000 + i)).toBe(true);
  });
});
