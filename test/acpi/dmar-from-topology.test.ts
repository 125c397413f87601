/**
 * DMAR built from the example topologies: it encodes, decodes back to the same
 * model, and — resolved the way Linux binds devices to units — gives every
 * device the unit and source-ids the topology's own map gives it, under every
 * bus-numbering policy (DMAR paths hold no intermediate bus numbers).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmarFromTopology } from '../../src/acpi/dmar/from-topology.js';
import type { DmarTable } from '../../src/acpi/dmar/model.js';
import { resolveDmar } from '../../src/acpi/dmar/resolve.js';
import { decodeTable, encodeTable } from '../../src/acpi/table.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { NUMBERING_POLICIES } from '../../src/model/numbering.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { TABLES_DIR } from '../support/paths.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { compareWithIasl, iaslAvailable, iaslDisassemble, parseFieldLines } from './iasl-oracle.js';

const examples = readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).sort();

function build(t: Topology): DmarTable {
  const built = dmarFromTopology(resolveTopology(t));
  expect(built.diagnostics).toEqual([]);
  return built.table!;
}

describe('DMAR from the example topologies', () => {
  for (const example of examples) {
    const topology = loadTopologyFile(join(TABLES_DIR, example));
    const hasVtd = (topology.iommus ?? []).some((u) => u.type === 'vtd');
    if (!hasVtd) {
      it(`${example}: no VT-d unit, no DMAR`, () => {
        expect(dmarFromTopology(resolveTopology(topology)).table).toBeUndefined();
      });
      continue;
    }
    it(`${example}: encodes, decodes to the same model, and maps every device as the topology does`, () => {
      const table = build(topology);
      const encoded = encodeTable(table as never);
      expect(encoded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const decoded = decodeTable(encoded.bytes!);
      expect(decoded.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(decoded.model).toMatchObject(table as never);

      for (const { name } of NUMBERING_POLICIES) {
        const resolved = resolveTopology(topology, { numbering: name });
        const map = resolveDmar(decoded.model as unknown as DmarTable, resolved);
        expect(map.findings).toEqual([]);
        const pick = (d: { id: string; iommu: string | null; outputIds: number[] }) => [d.id, d.iommu, d.outputIds];
        expect(map.devices!.map(pick), `numbering ${name}`).toEqual(resolved.map.devices!.map(pick));
      }
    });
  }

  describe.skipIf(!iaslAvailable())('iasl -d agrees with our text on every DMAR we build', () => {
    for (const example of examples) {
      const topology = loadTopologyFile(join(TABLES_DIR, example));
      if (!(topology.iommus ?? []).some((u) => u.type === 'vtd')) continue;
      it(example, () => {
        const bytes = encodeTable(build(topology) as never).bytes!;
        const iasl = parseFieldLines(iaslDisassemble(bytes, example.replace(/\.yaml$/, '')));
        expect(iasl.length).toBeGreaterThan(20);
        const r = compareWithIasl(iasl, parseFieldLines(printTableText(decodeTable(bytes))));
        expect(r.problems).toEqual([]);
        expect(r.matched).toBe(iasl.length);
      });
    }
  });
});
