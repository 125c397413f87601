import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseTopology } from '../src/model/parse-topology.js';
import { resolveTopology } from '../src/model/resolve.js';
import { buildOutputs } from '../src/build-outputs.js';
it('phases', async () => {
  const t0 = Date.now();
  const text = readFileSync('/tmp/d/t100k.json', 'utf8');
  const topo = parseTopology(text, 't.json'); const t1 = Date.now();
  const r = resolveTopology(topo, {}); const t2 = Date.now();
  const b = buildOutputs(r); const t3 = Date.now();
  console.log('parse', t1 - t0, 'resolve', t2 - t1, 'build', t3 - t2, b.outputs.map(o => o.name));
}, 300000);
