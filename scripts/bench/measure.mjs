// Runs one process and measures it as a user sees it: wall-clock time of the
// whole process (start-up included) and its peak resident set size, plus
// its CPU time (user + system), which a busy machine disturbs less than the
// wall clock. RSS and CPU come from GNU time (`/usr/bin/time -f '%M %U %S'`),
// which reads the child's rusage; without it, a Node process reports its own
// through a preloaded module (rss-preload.mjs) and a peer's are unknown.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
// RIDMAP_BENCH_NO_GNU_TIME=1 tries the fallback on a machine that has GNU time.
const HAVE_GNU_TIME = !process.env.RIDMAP_BENCH_NO_GNU_TIME && existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M %U %S', 'true']).status === 0;
const RSS_PRELOAD = fileURLToPath(new URL('./rss-preload.mjs', import.meta.url));
/** Where the measured process's peak RSS is written; one file, rewritten per run. */
const RSS_FILE = join(mkdtempSync(join(tmpdir(), 'ridmap-bench-')), 'rss');
process.on('exit', () => rmSync(join(RSS_FILE, '..'), { recursive: true, force: true }));

/**
 * One run of `cmd args`. `stdout` is a file path to write the output to (so
 * that it costs what writing it costs, not what a pipe into this process
 * would) or undefined for /dev/null. `isNode` says the command is node, so
 * that its RSS can be had without GNU time. Returns the wall time in ms, the
 * peak RSS in KiB and CPU ms (or null), the exit status and the tail of stderr.
 */
export function runOnce({ cmd, args, cwd, stdout, isNode = false, timeoutMs = 600_000 }) {
  rmSync(RSS_FILE, { force: true });
  let argv = [cmd, ...args];
  const env = measuredEnv();
  if (HAVE_GNU_TIME) {
    argv = [GNU_TIME, '-f', '%M %U %S', '-o', RSS_FILE, ...argv];
  } else if (isNode) {
    argv = [cmd, '--import', RSS_PRELOAD, ...args];
    env.RIDMAP_BENCH_RSS_FILE = RSS_FILE;
  }
  const out = openSync(stdout ?? '/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', out, 'pipe'], timeout: timeoutMs, maxBuffer: 64 << 20 });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error) return { wallMs, rssKb: null, cpuMs: null, status: null, stderr: String(r.error.message) };
    return { wallMs, ...readUsage(RSS_FILE), status: r.status, stderr: tail(r.stderr) };
  } finally {
    closeSync(out);
  }
}

/**
 * The environment of every measured process: this one's, without what makes
 * each Node start do work a user's machine does not. NODE_EXTRA_CA_CERTS (set
 * on some build machines) has every Node process parse a CA bundle at start,
 * about five times `node -e 0`'s own work, which would hide ridmap's start-up
 * in the start-up figure's ratio; NODE_OPTIONS could change what is measured.
 */
export const DROPPED_ENV = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];
export function measuredEnv() {
  const env = { ...process.env };
  for (const name of DROPPED_ENV) delete env[name];
  return env;
}

/** "RSS_KiB USER_S SYS_S", as GNU time and rss-preload.mjs write it. */
function readUsage(file) {
  if (!existsSync(file)) return { rssKb: null, cpuMs: null };
  // GNU time writes "Command exited with non-zero status N" before it on failures.
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const [kb, user, sys] = lines[lines.length - 1].split(' ').map(Number);
  return {
    rssKb: Number.isFinite(kb) ? kb : null,
    cpuMs: Number.isFinite(user) && Number.isFinite(sys) ? (user + sys) * 1000 : null,
  };
}

/** What a failed run said: its first error line (a stack trace ends with Node's version, not the error) and its last line. */
const tail = (buf) => {
  const lines = String(buf ?? '').trim().split('\n').filter((l) => l.trim() !== '');
  // A thrown error's own line (`TypeError: ...`) or a ridmap diagnostic (`error [code]: ...`).
  const error = lines.find((l) => /^\w*Error\b|\berror \[/.test(l)) ?? lines.find((l) => /error/i.test(l));
  return [...new Set([error, lines[lines.length - 1]].filter(Boolean))].join(' | ').slice(0, 400);
};

export const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * `runs` timed runs of each spec after `warmup` untimed ones (the first run
 * pays for cold file caches), taken in turns (A B A B ...) so that ridmap
 * and its peer see the same machine: on a shared machine the load drifts,
 * and measuring all of A and then all of B would put the drift in the ratio.
 * Before each run `prepare` resets the scene (deletes the previous output,
 * so that `verify` sees this run's); `verify` returns an error text for a run
 * that did not do the work (an error path is not a figure). Returns per spec
 * the medians and every sample, or { error } once that spec has failed.
 */
export function interleaved(specs, { runs, warmup = 1 }) {
  const samples = specs.map(() => []);
  const errors = specs.map(() => undefined);
  for (let i = 0; i < warmup + runs; i++) {
    specs.forEach((spec, k) => {
      if (errors[k]) return;
      spec.prepare?.();
      const r = runOnce(spec);
      const problem = r.status !== 0 ? `exit ${r.status}: ${r.stderr}` : spec.verify?.();
      if (problem) errors[k] = `${[spec.cmd, ...spec.args].join(' ').slice(0, 120)}: ${problem}`;
      else if (i >= warmup) samples[k].push(r);
    });
  }
  return specs.map((_, k) => (errors[k] ? { error: errors[k] } : {
    wallMs: median(samples[k].map((s) => s.wallMs)),
    rssKb: median(samples[k].map((s) => s.rssKb)),
    cpuMs: median(samples[k].map((s) => s.cpuMs)),
    runs,
    samplesMs: samples[k].map((s) => Math.round(s.wallMs * 10) / 10),
  }));
}

/** One spec's figure (see interleaved). */
export const series = (spec, opts) => interleaved([spec], opts)[0];

/** ridmap's figure and its peer's, measured in turns; a missing peer (no spec) is { missing: true }. */
export function versus(ridmapSpec, peerSpec, opts) {
  if (!peerSpec) return [series(ridmapSpec, opts), { missing: true }];
  return interleaved([ridmapSpec, peerSpec], opts);
}

/** ridmap's figure and each peer's (any number, none included), all measured in turns. */
export const againstPeers = (ridmapSpec, peerSpecs, opts) => interleaved([ridmapSpec, ...peerSpecs], opts);

export const rssSource = HAVE_GNU_TIME ? 'GNU time %M %U %S' : 'process.resourceUsage() (node only)';
