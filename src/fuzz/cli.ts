/**
 * `npm run fuzz -- [--seconds N] [--target NAME]... [--seed N] [--list]`:
 * fuzzes each target for N seconds in a worker thread, saves every crash
 * to test/fixtures/hostile/crashes/ and prints it; exit 1 when there was
 * one, 2 on a usage error, 3 when a target could not run at all.
 *
 * The main thread is the watchdog: an execution still running after
 * HANG_TIMEOUT_MS, or a worker that runs out of its WORKER_HEAP_LIMIT_MB
 * heap, is a crash whose input is read from the memory the two share; the
 * target then goes on in a new worker for the rest of its time.
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { HANG_TIMEOUT_MS, WORKER_HEAP_LIMIT_MB } from './budget.js';
import { formatCrash, saveCrash } from './crash.js';
import { crashSignature, startingInputs, type Crash, type FuzzStats } from './engine.js';
import { SharedInput, type WorkerJob, type WorkerMessage } from './shared-input.js';
import { corpusPresent, CORPUS_ROOT } from './seeds.js';
import { TARGETS, targetNamed } from './targets.js';

const USAGE = `usage: npm run fuzz -- [--seconds N] [--target NAME]... [--seed N] [--list]
  --seconds N    time per target (default 10)
  --target NAME  only this target (repeatable); --list shows them
  --seed N       mutation seed (default 1)`;

/** What one worker did before it ended. */
interface WorkerRun {
  stats?: FuzzStats;
  seconds: number;
  /** The crash that ended it (a hang, heap exhaustion). */
  fatal?: Crash;
  /** It failed while no input was running: the harness broke, not the code under test. */
  failure?: string;
}

/** What the workers of one target did together. */
interface TargetRun {
  stats?: FuzzStats;
  crashes: number;
  failure?: string;
}

export async function main(argv: readonly string[], print: (s: string) => void = (s) => console.log(s)): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        seconds: { type: 'string', default: '10' },
        target: { type: 'string', multiple: true },
        seed: { type: 'string', default: '1' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    print(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    print(USAGE);
    return 0;
  }
  if (args.list) {
    for (const t of TARGETS) print(`${t.name.padEnd(10)} ${t.description}`);
    return 0;
  }
  const seconds = Number(args.seconds);
  const seed = Number(args.seed);
  const unknown = (args.target ?? []).filter((n) => !targetNamed(n));
  if (!(seconds > 0) || !Number.isInteger(seed) || unknown.length) {
    print(`${unknown.length ? `unknown target ${unknown.join(', ')}` : 'bad --seconds or --seed'}\n${USAGE}`);
    return 2;
  }
  if (!corpusPresent()) print(`corpus not found at ${CORPUS_ROOT}: seeds come from the repository only`);
  const names = args.target?.length ? args.target : TARGETS.map((t) => t.name);
  let crashes = 0;
  // Saved and printed as found: a run stopped early keeps what it found.
  const onCrash = (crash: Crash): void => {
    crashes++;
    print(formatCrash(crash, saveCrash(crash)) + '\n');
  };
  let failures = 0;
  for (const name of names) {
    const run = await fuzzTarget(name, seconds, seed, await startingInputs(targetNamed(name)!), onCrash);
    print(statsLine(name, run));
    if (run.failure) {
      failures++;
      print(`fuzz: ${name} could not run: ${run.failure}`);
    }
  }
  print(crashes ? `\n${crashes} crash(es); each input is saved and replayed by test/hostile/crashes.test.ts` : '\nno crashes');
  return failures ? 3 : crashes ? 1 : 0;
}

/** Runs workers for the target until its time is used up; a hang or heap exhaustion starts the next one. */
async function fuzzTarget(name: string, seconds: number, seed: number, seeds: Uint8Array[], onCrash: (c: Crash) => void): Promise<TargetRun> {
  const total: TargetRun = { crashes: 0 };
  // Each worker reports a cause once; across the workers of one target, so does this.
  const seen = new Set<string>();
  const once = (c: Crash): void => {
    if (seen.has(crashSignature(c))) return;
    seen.add(crashSignature(c));
    total.crashes++;
    onCrash(c);
  };
  let left = seconds;
  for (let attempt = 0; left > 0.5; attempt++) {
    const run = await runWorker({ target: name, seconds: left, seed: seed + attempt, seeds }, once);
    // The next worker does not start with the input that stopped this one (a seed that hangs would stop every one).
    if (run.fatal) seeds = seeds.filter((s) => !Buffer.from(s).equals(Buffer.from(run.fatal!.input)));
    if (run.stats) total.stats = mergeStats(total.stats, run.stats);
    left -= run.seconds;
    if (run.failure) return { ...total, failure: run.failure };
    if (run.stats) break; // it finished its time
  }
  return total;
}

function runWorker(job: Omit<WorkerJob, 'shared'>, onCrash: (c: Crash) => void): Promise<WorkerRun> {
  const shared = new SharedInput();
  const started = Date.now();
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { ...job, shared: shared.buffer },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_LIMIT_MB },
  });
  return new Promise((resolve) => {
    let stats: FuzzStats | undefined;
    let fatal: Crash | undefined;
    let failure: string | undefined;
    const watchdog = setInterval(() => {
      const ms = shared.runningFor();
      if (ms === undefined || ms < HANG_TIMEOUT_MS) return;
      fatal = { target: job.target, kind: 'timeout', message: `still running after ${ms} ms (limit ${HANG_TIMEOUT_MS} ms)`, input: shared.current() };
      void worker.terminate();
    }, 250);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'crash') onCrash(m.crash);
      else stats = m.stats;
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (fatal) return;
      if (shared.runningFor() === undefined) {
        failure = `${e.name}: ${e.message}`;
        return;
      }
      const outOfMemory = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      fatal = { target: job.target, kind: outOfMemory ? 'out-of-memory' : 'exception', message: `${e.name}: ${e.message}`,
        stack: e.stack ?? '', input: shared.current() };
    });
    worker.on('exit', () => {
      clearInterval(watchdog);
      if (fatal) onCrash(fatal);
      resolve({ ...(stats ? { stats } : {}), seconds: (Date.now() - started) / 1000, ...(failure ? { failure } : {}), ...(fatal ? { fatal } : {}) });
    });
  });
}

function mergeStats(a: FuzzStats | undefined, b: FuzzStats): FuzzStats {
  if (!a) return b;
  const execs = a.execs + b.execs;
  const seconds = a.seconds + b.seconds;
  return { ...b, execs, seconds, execsPerSecond: Math.round(execs / seconds) };
}

function statsLine(name: string, run: TargetRun): string {
  const s = run.stats;
  const counts = s ? `${String(s.execs).padStart(8)} execs ${String(s.execsPerSecond).padStart(6)}/s  corpus ${s.corpus}  features ${s.features}` : '(no complete run)';
  return `${name.padEnd(10)} ${counts}  crashes ${run.crashes}`;
}
