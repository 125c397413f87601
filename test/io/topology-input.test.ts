/**
 * A topology given where tables are expected is built into its tables; the map
 * forms a build also writes are made only when asked for (check never reads
 * them: a seventh of a 10k-endpoint check went to rendering them, issue 21).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopologyInput } from '../../src/io/topology-input.js';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const ARM = join(TABLES_DIR, 'arm-smmuv3-its.yaml');
const MAP_FORMS = ['map.json', 'map.txt', 'tree.txt', 'topology.dot'];

describe('a topology where tables are expected', () => {
  it('builds the map forms by default and leaves them out with maps: false, the tables the same', () => {
    const text = readFileSync(ARM, 'utf8');
    const full = buildTopologyInput(ARM, text);
    const lean = buildTopologyInput(ARM, text, undefined, undefined, { maps: false });
    const names = (b: typeof full) => b.build.outputs.map((o) => o.name);
    expect(names(full)).toEqual(expect.arrayContaining(MAP_FORMS));
    expect(names(lean).filter((n) => MAP_FORMS.includes(n))).toEqual([]);
    expect(names(lean)).toEqual(names(full).filter((n) => !MAP_FORMS.includes(n)));
    expect(lean.tables.map((t) => t.name)).toEqual(full.tables.map((t) => t.name));
    expect(lean.build.diagnostics).toEqual(full.build.diagnostics);
  });

  it('check of a topology still finds what it found (the tables built from it are checked)', async () => {
    const r = await runCli('check', ARM);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/round trip\s+identical/);
  });
});
