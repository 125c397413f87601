/**
 * renumberTopology: the baseline itself when a policy numbers every bus the
 * same (nothing derived from the RIDs can differ), else exactly what
 * resolveTopology gives under that policy.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/model/parse-topology.js';
import { NUMBERING_POLICIES } from '../../src/model/numbering-policies.js';
import { renumberTopology } from '../../src/model/renumber.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT } from '../support/paths.js';

const TABLES = join(REPO_ROOT, 'tables');
const examples = readdirSync(TABLES).filter((f) => f.endsWith('.yaml'));

/** What the renumbering check reads of a resolved topology: every device's RID, IOMMU, output IDs and group, and the map. */
const facts = (r: ReturnType<typeof resolveTopology>) => ({
  devices: r.map.devices,
  translations: r.map.translations,
  functions: r.functions.map((f) => [f.id, f.segment, f.rid, f.secondary, f.subordinate, f.group]),
});

describe('renumberTopology', () => {
  for (const file of examples) {
    it(`gives what resolveTopology gives under every policy: ${file}`, () => {
      const topology = parseTopology(readFileSync(join(TABLES, file), 'utf8'), file);
      const base = resolveTopology(topology);
      for (const { name } of NUMBERING_POLICIES) {
        const fresh = resolveTopology(topology, { numbering: name });
        const got = renumberTopology(base, name);
        expect(facts(got)).toEqual(facts(fresh));
        // Reused exactly when nothing moved.
        expect(got === base).toBe(JSON.stringify(facts(fresh).functions) === JSON.stringify(facts(base).functions));
      }
    });
  }

  it('resolves again when a policy moves buses (hot-plug reservations ignored by compact)', () => {
    const topology = parseTopology(
      JSON.stringify({
        name: 'reserve',
        hostBridges: [{ id: 'hb', children: [
          { id: 'rp0', type: 'pcie-root-port', addr: '01.0', reserveBuses: 4, children: [{ id: 'ep0', type: 'pcie-endpoint', addr: '00.0' }] },
          { id: 'rp1', type: 'pcie-root-port', addr: '02.0', children: [{ id: 'ep1', type: 'pcie-endpoint', addr: '00.0' }] },
        ] }],
      }),
      'reserve.json',
    );
    const base = resolveTopology(topology);
    const compact = renumberTopology(base, 'compact');
    expect(compact).not.toBe(base);
    expect(compact.numbering).toBe('compact');
    expect(compact.byId.get('ep1')!.bus).toBe(2);
    expect(base.byId.get('ep1')!.bus).toBe(6);
  });
});
