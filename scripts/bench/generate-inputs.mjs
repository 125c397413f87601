#!/usr/bin/env node
// Writes every input the bench needs into a scratch directory, at one of
// three scales: `full` (the sizes), `quick` (a smoke run of the
// bench) and `smoke` (tiny, for test/bench/bench-smoke.test.ts, which runs
// this file as `node generate-inputs.mjs --out DIR --scale smoke` and gets
// the paths back as JSON on stdout).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateBatch } from './generate-batch.mjs';
import { dmarDocument, encodeOne, generateDmar } from './generate-dmar.mjs';
import { generateDtb } from './generate-dtb.mjs';
import { generateIort } from './generate-iort.mjs';
import { topology } from './generate-topology.mjs';
import { importDist } from './paths.mjs';

// endpoints: the build figures' sizes; checkEndpoints: the check figures' size; million: the scale
// figures' sizes (issue 21: 100k -> 1M).
export const SCALES = {
  full: { dmarScopes: 100_000, iortMappings: 10_000, dtbNodes: 10_000, batchTables: 1_000, endpoints: [10_000, 100_000], checkEndpoints: 10_000, million: [100_000, 1_000_000], segments: 16 },
  quick: { dmarScopes: 10_000, iortMappings: 1_000, dtbNodes: 1_000, batchTables: 100, endpoints: [1_000, 10_000], checkEndpoints: 1_000, million: [10_000, 100_000], segments: 16 },
  smoke: { dmarScopes: 300, iortMappings: 100, dtbNodes: 200, batchTables: 20, endpoints: [600], checkEndpoints: 600, million: [600, 6_000], segments: 2 },
};

/**
 * Segments for `endpoints`: the scale's count, more when the endpoints would not fit
 * (a segment holds 256 buses; the generator's shape puts at most 6,250 endpoints
 * on one), so 100k and 1M endpoints have the same shape per segment (16 and 160).
 */
export const segmentsFor = (size, endpoints) => Math.max(size.segments, Math.ceil(endpoints / 6_250));

/** Input groups, so that `--only` generates only what it measures. */
export const INPUT_KINDS = ['dmar', 'iort', 'dtb', 'batch', 'small', 'topology', 'check', 'million-x86', 'million-arm'];

/**
 * Generates the inputs of `kinds` into `dir`; returns their paths:
 * { dmar, iort, dtb, dts, batch: [files], small, topologies: { x86: {N: file}, arm: {...} } }.
 */
export async function generateInputs(dir, scale, kinds = INPUT_KINDS) {
  const size = SCALES[scale];
  if (!size) throw new Error(`unknown scale ${scale} (${Object.keys(SCALES).join(', ')})`);
  mkdirSync(dir, { recursive: true });
  const paths = {};
  const put = (name, data) => {
    const file = join(dir, name);
    writeFileSync(file, data);
    return file;
  };
  if (kinds.includes('dmar')) paths.dmar = put('DMAR.dat', await generateDmar({ scopes: size.dmarScopes, segments: 16 }));
  if (kinds.includes('iort')) paths.iort = put('IORT.dat', await generateIort({ mappings: size.iortMappings, segments: 16 }));
  if (kinds.includes('dtb')) {
    const { dts, dtb } = await generateDtb({ nodes: size.dtbNodes, segments: 16 });
    paths.dts = put('board.dts', dts);
    paths.dtb = put('board.dtb', dtb);
  }
  if (kinds.includes('batch')) {
    mkdirSync(join(dir, 'batch'), { recursive: true });
    paths.batch = (await generateBatch({ count: size.batchTables })).map((t) => put(join('batch', t.name), t.bytes));
  }
  if (kinds.includes('small')) {
    // The start-up figure's table: a q35-sized DMAR (one unit, a handful of scopes).
    const { encodeJsonDocument } = await importDist('index.js');
    paths.small = put('small-DMAR.dat', encodeOne(encodeJsonDocument, dmarDocument({ scopes: 8, segments: 1 }), 'small DMAR'));
  }
  // One file per flavour and size, shared by the build, check and scale figures; the million
  // figures' big topologies (58 MB of JSON each) only for the flavours measured.
  const wanted = { x86: new Set(), arm: new Set() };
  for (const arch of ['x86', 'arm']) {
    if (kinds.includes('topology')) size.endpoints.forEach((n) => wanted[arch].add(n));
    if (kinds.includes('check')) wanted[arch].add(size.checkEndpoints);
    if (kinds.includes(`million-${arch}`)) size.million.forEach((n) => wanted[arch].add(n));
  }
  if (wanted.x86.size + wanted.arm.size > 0) paths.topologies = { x86: {}, arm: {} };
  for (const arch of ['x86', 'arm']) {
    for (const endpoints of wanted[arch]) {
      const t = topology({ endpoints, segments: segmentsFor(size, endpoints), arch });
      paths.topologies[arch][endpoints] = put(`topology-${arch}-${endpoints}.json`, JSON.stringify(t));
    }
  }
  return paths;
}

// As a script: node generate-inputs.mjs --out DIR [--scale full|quick|smoke] [--only kind,...]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? dflt : process.argv[i + 1];
  };
  const out = arg('--out');
  if (!out) {
    console.error(`usage: generate-inputs.mjs --out DIR [--scale full|quick|smoke] [--only ${INPUT_KINDS.join(',')}]`);
    process.exit(2);
  }
  const kinds = arg('--only', INPUT_KINDS.join(',')).split(',');
  console.log(JSON.stringify(await generateInputs(out, arg('--scale', 'full'), kinds)));
}
