// `--profile DIR`: each profiled figure's ridmap process run once more under
// `node --cpu-prof`, its .cpuprofile kept in DIR/<figure>/ and summarised by
// profile-summary.mjs (top self-time frames, located in src/).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measuredEnv } from './measure.mjs';
import { summarize } from './profile-summary.mjs';
import { RIDMAP_BIN } from './paths.mjs';
import { ridmapDecode } from './ridmap-cmd.mjs';

const IN_PROCESS = fileURLToPath(new URL('./build-in-process.mjs', import.meta.url));

/** What each figure runs, to profile; `us` is the sampling interval (short runs need finer sampling). */
function profiled(figure, ctx) {
  const { inputs, scratch } = ctx;
  // The largest build, through the CLI, or through the library where the CLI refuses the topology (see bench-build.mjs).
  const largest = (arch) => {
    const sizes = ctx.size.endpoints;
    const n = sizes[sizes.length - 1];
    const [topo, out] = [inputs.topologies[arch][n], join(scratch, `profile-build-${arch}`)];
    const cli = { spec: { args: [RIDMAP_BIN, 'build', topo, '--out', out] }, us: 1000, what: `CLI build, ${n / 1000}k endpoints` };
    const lib = { spec: { args: [IN_PROCESS, topo, out] }, us: 1000, what: `library build, ${n / 1000}k endpoints` };
    return { ...cli, fallback: lib };
  };
  switch (figure) {
    case 'dmar-text': return { spec: ridmapDecode([inputs.dmar], { out: join(scratch, 'profile.txt') }), us: 250 };
    case 'dmar-json': return { spec: ridmapDecode([inputs.dmar], { format: 'json', out: join(scratch, 'profile.json') }), us: 250 };
    case 'iort': return { spec: ridmapDecode([inputs.iort], { out: join(scratch, 'profile.txt') }), us: 100 };
    case 'dtb': return { spec: ridmapDecode([inputs.dtb]), us: 250 };
    case 'batch': return { spec: ridmapDecode(inputs.batch.map((f) => basename(f)), { out: join(scratch, 'profile.txt'), cwd: dirname(inputs.batch[0]) }), us: 250 };
    case 'startup': return { spec: ridmapDecode([inputs.small]), us: 50 };
    case 'dts': return { spec: { args: [RIDMAP_BIN, 'encode', inputs.dts, '-o', join(scratch, 'profile.dtb')] }, us: 250 };
    case 'check-x86':
    case 'check-arm': {
      const arch = figure.slice('check-'.length);
      return { spec: { args: [RIDMAP_BIN, 'check', inputs.topologies[arch][ctx.size.checkEndpoints]] }, us: 500, what: `${ctx.size.checkEndpoints / 1000}k endpoints` };
    }
    case 'build-x86': return largest('x86');
    case 'build-arm': return largest('arm');
    default: return undefined;
  }
}

/** One run of the profiled process; its .cpuprofile lands in profDir. */
function profileOnce(p, profDir) {
  const fd = openSync(p.spec.stdout ?? '/dev/null', 'w');
  const args = ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', String(p.us), ...p.spec.args];
  try {
    return spawnSync(process.execPath, args, { cwd: p.spec.cwd, env: measuredEnv(), stdio: ['ignore', fd, 'pipe'] });
  } finally {
    closeSync(fd);
  }
}

/** Profiles each figure in `figures`; returns the summaries as text. */
export function profileFigures(figures, ctx, dir) {
  const out = [];
  for (const figure of figures) {
    const p = profiled(figure, ctx);
    if (!p) continue;
    const profDir = join(dir, figure);
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
    let r = profileOnce(p, profDir);
    if (r.status !== 0 && p.fallback && String(r.stderr).includes('topology-too-large')) {
      rmSync(profDir, { recursive: true, force: true });
      mkdirSync(profDir, { recursive: true });
      Object.assign(p, p.fallback);
      r = profileOnce(p, profDir);
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (r.status !== 0 || !file) {
      out.push(`== ${figure}: profiling run failed (exit ${r.status}): ${String(r.stderr).trim().slice(0, 300)}`);
      continue;
    }
    out.push(`== ${figure}${p.what ? ` (${p.what})` : ''}, sampled every ${p.us} us`, summarize(join(profDir, file)), '');
  }
  return out.join('\n');
}
