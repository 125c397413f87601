// Figures of the topology side at scale (issue 21):
//   check-x86, check-arm: `ridmap check topology.json` at 10k endpoints,
//     with absolute goals on the Arm one (CPU time and peak RSS);
//   million-x86, million-arm: `ridmap build`, `ridmap map` and `ridmap check`
//     of one topology at 100k and at 1M endpoints (160 segments: the 100k
//     one's shape ten times over), each step's time and peak RSS, and its
//     growth from 100k to 1M (linear is 10x; the goal is <= 11x).
// These are the CI bench job's proof that a million endpoints neither crash
// nor blow up: every run must exit 0 and leave its outputs.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSpec, LABEL } from './bench-build.mjs';
import { series } from './measure.mjs';
import { RIDMAP_BIN } from './paths.mjs';

const k = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** One ridmap command, whose run counts when it exits 0 and `verify` finds nothing wrong. */
function ridmapRun(args, { prepare, verify, stdout } = {}) {
  return { cmd: process.execPath, args: [RIDMAP_BIN, ...args], isNode: true, prepare, verify, stdout };
}

/** The three steps on one topology: build into a fresh folder, map to a file, check. */
function steps(ctx, arch, topo, n) {
  const out = join(ctx.scratch, `scale-${arch}-${n}`);
  const mapOut = join(ctx.scratch, `scale-${arch}-${n}.map.txt`);
  return {
    build: buildSpec([RIDMAP_BIN, 'build', topo, '--out', out], out, arch),
    map: ridmapRun(['map', topo], {
      stdout: mapOut,
      prepare: () => rmSync(mapOut, { force: true }),
      verify: () => (existsSync(mapOut) && statSync(mapOut).size > 0 ? undefined : 'map printed nothing'),
    }),
    check: ridmapRun(['check', topo]),
  };
}

function checkRows(ctx, arch) {
  const n = ctx.size.checkEndpoints;
  const ridmap = series(steps(ctx, arch, ctx.inputs.topologies[arch][n], n).check, { runs: Math.min(ctx.runs, 3), warmup: 0 });
  const goal = arch === 'arm' ? { text: '<= 1.5 s CPU, <= 250 MB', maxCpuMs: 1500, maxRssMb: 250 } : undefined;
  return { title: `check ${LABEL[arch]} topology, ${k(n)} endpoints`, ridmap, goal };
}

function millionRows(ctx, arch) {
  const [small, big] = ctx.size.million;
  const rows = [];
  const figures = { [small]: {}, [big]: {} };
  for (const n of [small, big]) {
    const s = steps(ctx, arch, ctx.inputs.topologies[arch][n], n);
    for (const step of ['build', 'map', 'check']) {
      figures[n][step] = series(s[step], { runs: n === big ? 1 : Math.min(ctx.runs, 2), warmup: 0 });
      rows.push({ title: `${step} ${LABEL[arch]}, ${k(n)} endpoints`, ridmap: figures[n][step] });
    }
  }
  // The growth of each step, on the big size's rows.
  for (const [i, step] of ['build', 'map', 'check'].entries()) {
    const [a, b] = [figures[small][step], figures[big][step]];
    const row = rows[3 + i];
    row.goal = { text: `<= 11 (${k(big)}/${k(small)}; linear: 10x)`, max: 11 };
    if (a.cpuMs && b.cpuMs) row.cpuRatio = b.cpuMs / a.cpuMs;
    if (a.wallMs && b.wallMs) {
      row.ratio = b.wallMs / a.wallMs;
      row.ratioOf = `${k(big)}/${k(small)} time`;
    }
    if (a.rssKb && b.rssKb) row.rssRatio = b.rssKb / a.rssKb;
  }
  return rows;
}

export const scaleFigures = {
  'check-x86': { needs: ['check'], run: (ctx) => checkRows(ctx, 'x86') },
  'check-arm': { needs: ['check'], run: (ctx) => checkRows(ctx, 'arm') },
  'million-x86': { needs: ['million-x86'], run: (ctx) => millionRows(ctx, 'x86') },
  'million-arm': { needs: ['million-arm'], run: (ctx) => millionRows(ctx, 'arm') },
};
