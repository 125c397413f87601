#!/usr/bin/env node
// `node build-in-process.mjs TOPOLOGY.json OUTDIR`: what `ridmap build` does,
// through ridmap's library instead of its CLI, for topologies over the CLI's
// 1 Mi-character topology limit (MAX_TOPOLOGY_CHARS in src/limits.ts; 100k
// endpoints are ~5.8 M characters of JSON). The steps are the CLI's: validate,
// apply defaults, resolve under the firmware numbering, build every output,
// write each file atomically. Only the text parse differs: JSON.parse instead
// of the YAML reader (which keeps source positions for error messages).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importDist } from './paths.mjs';

const [file, outDir] = process.argv.slice(2);
if (!file || !outDir) {
  console.error('usage: build-in-process.mjs TOPOLOGY.json OUTDIR');
  process.exit(2);
}
const { validateTopology, resolveTopology, buildOutputs, writeFileAtomic, hasErrors, formatDiagnostic } = await importDist('index.js');
const { topologyWithDefaults } = await importDist('model/validate-topology.js');

const doc = JSON.parse(readFileSync(file, 'utf8'));
const problems = validateTopology(doc);
if (problems.length > 0) fail(problems);
const resolved = resolveTopology(topologyWithDefaults(doc), { numbering: 'firmware' });
const { outputs, diagnostics } = buildOutputs(resolved);
if (hasErrors(resolved.findings) || hasErrors(diagnostics)) fail([...resolved.findings, ...diagnostics]);
for (const o of outputs) writeFileAtomic(join(outDir, o.name), o.data);
console.log(outputs.map((o) => o.name).join(' '));

function fail(ds) {
  for (const d of ds.slice(0, 10)) console.error(formatDiagnostic({ ...d, file }));
  process.exit(2);
}
