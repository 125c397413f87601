/** The package entry point: what `import ... from 'ridmap'` gives, used the way an embedding tool would. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ridmap from '../src/index.js';
import { TABLES_DIR } from './support/paths.js';

describe('library API', () => {
  it('topology → tables → map, without the CLI', () => {
    const topology = ridmap.loadTopologyFile(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml'));
    const resolved = ridmap.resolveTopology(topology, { numbering: 'compact' });
    const { outputs, diagnostics } = ridmap.buildOutputs(resolved);
    expect(diagnostics).toEqual([]);
    const dmar = outputs.find((o) => o.name === 'DMAR.dat')!.data as Uint8Array;
    const input = ridmap.decodeInput(dmar, 'DMAR.dat');
    const map = ridmap.mapAcpiTables(input.tables.map((table) => ({ table, file: 'DMAR.dat' })), resolved);
    expect(map.devices).toEqual(resolved.map.devices);
    expect(ridmap.mapToJson(map)).toHaveProperty('translations');
  });
});
