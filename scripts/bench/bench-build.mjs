// Build figures: `ridmap build` of the generated topologies, 10k and 100k
// endpoints over 16 segments, x86 (VT-d: DMAR.dat) and Arm (SMMUv3 + ITS:
// IORT.dat, board.dts, board.dtb), each with the maps (map.json, map.txt,
// tree.txt, topology.dot). Time and peak RSS per size, and the ratio
// between the sizes: linear growth is 10x; the goal is <= 12x.
//
// The CLI may refuse a topology text over its size limit (src/limits.ts:
// MAX_TOPOLOGY_CHARS was 1 Mi characters; 100k endpoints are ~5.8 M of
// JSON). When it refuses any size, every size is also built in-process
// through the library (build-in-process.mjs: the CLI's steps, JSON.parse
// for the text reader), and the ratio compares those, so that both ends of
// the ratio took the same path.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { series } from './measure.mjs';
import { RIDMAP_BIN } from './paths.mjs';

const IN_PROCESS = fileURLToPath(new URL('./build-in-process.mjs', import.meta.url));
export const OUTPUTS = {
  x86: ['DMAR.dat', 'map.json', 'map.txt', 'tree.txt', 'topology.dot'],
  arm: ['IORT.dat', 'board.dts', 'board.dtb', 'map.json', 'map.txt', 'tree.txt', 'topology.dot'],
};
export const LABEL = { x86: 'x86 VT-d', arm: 'Arm SMMUv3+ITS' };
const GOAL = { text: '<= 12 (linear: 10x)', max: 12, strict: false };
const TOO_LARGE = 'topology-too-large';

/** A build into a fresh directory that must end with every output the flavour calls for. */
export function buildSpec(args, out, arch) {
  return {
    cmd: process.execPath,
    args,
    isNode: true,
    prepare: () => rmSync(out, { recursive: true, force: true }),
    verify: () => {
      const missing = OUTPUTS[arch].filter((f) => !existsSync(join(out, f)));
      return missing.length ? `no ${missing.join(', ')} in ${out}` : undefined;
    },
  };
}

async function buildRows(ctx, arch) {
  const sizes = ctx.size.endpoints;
  const biggest = sizes[sizes.length - 1];
  // 10k builds take seconds, 100k ones about a minute: fewer runs of those.
  const opts = (n) => ({ runs: n === biggest && sizes.length > 1 ? ctx.bigRuns : Math.min(ctx.runs, 3), warmup: 0 });
  const k = (n) => `${n / 1000}k`;
  const title = (n, how) => `build ${LABEL[arch]} ${k(n)} endpoints, ${how}`;
  const topo = (n) => ctx.inputs.topologies[arch][n];

  const rows = [];
  const cli = {};
  for (const n of sizes) {
    const out = join(ctx.scratch, `build-cli-${arch}-${n}`);
    cli[n] = series(buildSpec([RIDMAP_BIN, 'build', topo(n), '--out', out], out, arch), opts(n));
    rows.push(cli[n].error?.includes(TOO_LARGE)
      ? { title: title(n, 'CLI'), note: `not run: the CLI refuses the topology (${TOO_LARGE}); see the library rows` }
      : { title: title(n, 'CLI'), ridmap: cli[n] });
  }
  let figures = cli;
  if (sizes.some((n) => cli[n].error?.includes(TOO_LARGE))) {
    figures = {};
    for (const n of sizes) {
      const out = join(ctx.scratch, `build-lib-${arch}-${n}`);
      figures[n] = series(buildSpec([IN_PROCESS, topo(n), out], out, arch), opts(n));
      rows.push({ title: title(n, 'library'), ridmap: figures[n] });
    }
  }
  if (sizes.length > 1) {
    const [a, b] = [sizes[0], biggest];
    const last = rows[rows.length - 1];
    if (figures[a].wallMs && figures[b].wallMs) {
      last.ratio = figures[b].wallMs / figures[a].wallMs;
      last.ratioOf = `${k(b)}/${k(a)} time`;
      last.rssRatio = figures[b].rssKb && figures[a].rssKb ? figures[b].rssKb / figures[a].rssKb : null;
      if (figures[b].cpuMs && figures[a].cpuMs) last.cpuRatio = figures[b].cpuMs / figures[a].cpuMs;
    }
    last.goal = GOAL;
  }
  return rows;
}

export const buildFigures = {
  'build-x86': { needs: ['topology'], run: (ctx) => buildRows(ctx, 'x86') },
  'build-arm': { needs: ['topology'], run: (ctx) => buildRows(ctx, 'arm') },
};
