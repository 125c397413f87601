/**
 * The IORT diff is structural as the DMAR's is: nodes matched by identity
 * (identity.ts) whatever their order, ID mappings as the facts they state
 * (input IDs → node [output base]) added and removed, references named by
 * the node they point at rather than by the index the bytes give.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOutputs } from '../../src/build-outputs.js';
import type { Model } from '../../src/codec/index.js';
import { loadInput } from '../../src/io/load-input.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { encodeModel } from '../acpi/dmar-fixtures.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-diff-'));

/** The IORT the Arm example builds (ITS group, SMMUv3, root complex, named component), decoded. */
async function exampleIort(): Promise<{ bytes: Uint8Array; model: Model }> {
  const topology = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
  const { data } = buildOutputs(resolveTopology(parseTopology(readFileSync(topology, 'utf8'), topology))).outputs.find((o) => o.name === 'IORT.dat')!;
  const t = (await loadInput('IORT.dat', data as Uint8Array)).tables.find((x) => x.format === 'IORT')!;
  return { bytes: t.bytes, model: t.model };
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

type Node = Model & { type: string; idMappings: Model[] };
/** A deep copy of the model's nodes to edit (bigints and the reference objects included). */
const nodesOf = (model: Model): Node[] => structuredClone(model['nodes']) as Node[];

describe('diff of IORTs', () => {
  it('an added ID mapping and a changed node: named, not "Node Data: 68 byte(s) → 88 byte(s)"', async () => {
    const { bytes, model } = await exampleIort();
    const nodes = nodesOf(model);
    const rc = nodes.find((n) => n.type === 'RootComplex')!;
    const smmu = nodes.findIndex((n) => n.type === 'SmmuV3');
    rc.idMappings.push({ inputBase: 0x10000, numberOfIds: 0xff, outputBase: 0x10000, outputReference: { node: smmu }, flags: 0 });
    rc['atsAttribute'] = 1;
    nodes.find((n) => n.type === 'NamedComponent')!['memoryAddressLimit'] = 48;
    const run = await runCli('diff', write('a.dat', bytes), write('b.dat', encodeModel({ ...model, nodes })));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout.replaceAll(`${tmp}/`, '')).toBe([
      '--- A: a.dat',
      '+++ B: b.dat',
      'IORT: 3 differences',
      '  ~ root complex segment 0',
      '      ATS Attribute: 00000000 → 00000001 (ATS_SUPPORTED set)',
      '      + IDs 0x10000-0x100ff → SMMUv3 smmuv3@0x9050000 [0x10000]',
      '  ~ named component 3',
      '      Memory Size Limit: 40 → 30',
      '',
    ].join('\n'));
  });

  it('nodes in another order (so every Output Reference another offset): no semantic difference', async () => {
    const { bytes, model } = await exampleIort();
    const nodes = nodesOf(model);
    // Swap the first two nodes and make every reference follow them.
    [nodes[0], nodes[1]] = [nodes[1]!, nodes[0]!];
    const swap = (i: number) => (i === 0 ? 1 : i === 1 ? 0 : i);
    for (const n of nodes) for (const m of n.idMappings) m['outputReference'] = { node: swap((m['outputReference'] as { node: number }).node) };
    const run = await runCli('diff', write('c.dat', bytes), write('d.dat', encodeModel({ ...model, nodes })));
    expect(run.stdout).toContain('IORT: no semantic difference (the bytes differ');
    expect(run.code).toBe(0);
  });

  it('a mapping that goes elsewhere is the old one removed and the new one added; an added node lists its mappings', async () => {
    const { bytes, model } = await exampleIort();
    const nodes = nodesOf(model);
    const nc = nodes.find((n) => n.type === 'NamedComponent')!;
    const its = nodes.findIndex((n) => n.type === 'ItsGroup');
    nc.idMappings[0]!['outputBase'] = 0x20000;
    nodes.push({ ...structuredClone(nc), identifier: 4, deviceName: '\\_SB_.ETH1', idMappings: [{ inputBase: 0, numberOfIds: 0, outputBase: 7, outputReference: { node: its }, flags: 1 }] });
    const run = await runCli('diff', write('e.dat', bytes), write('f.dat', encodeModel({ ...model, nodes })));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain([
      '  ~ named component 3',
      '      - IDs 0x0-0x0 → SMMUv3 smmuv3@0x9050000 [0x10000]',
      '      + IDs 0x0-0x0 → SMMUv3 smmuv3@0x9050000 [0x20000]',
      '  + named component 4: IDs 0x0-0x0 → ITS group 0 [0x7]',
    ].join('\n'));
    expect(run.stdout).toContain('MMIO \\_SB_.ETH0 moved from smmuv3@0x9050000 [0x10000] to smmuv3@0x9050000 [0x20000]');
  });
});
