/**
 * The coverage-guided loop: run the seeds, keep those that reach new code,
 * then mutate corpus entries and keep every mutant that reaches new code,
 * until the time is up. Each execution is judged: an exception other than
 * InputError, a broken invariant, too much time or heap, or a polluted
 * Object.prototype is a crash, recorded once per distinct cause.
 *
 * In-process (the vitest pass) a hang stops the test at its timeout; the CLI
 * runs this loop in a worker whose watchdog also catches hangs and heap
 * exhaustion (see worker.ts and cli.ts).
 */
import { getHeapStatistics } from 'node:v8';
import { InputError } from '../diagnostic.js';
import { execTimeLimit, HEAP_GROWTH_LIMIT_BYTES, MAX_FUZZ_INPUT_BYTES } from './budget.js';
import { CoverageTracker } from './coverage.js';
import { crashInputs } from './crash.js';
import { mutate, type MutationContext } from './mutate.js';
import { pick, prng } from './prng.js';
import { REPO_ROOT, spread } from './seeds.js';
import { targetSeeds, type Execute, type FuzzTarget } from './targets.js';

export type CrashKind = 'exception' | 'invariant' | 'slow' | 'memory' | 'timeout' | 'out-of-memory';

export interface Problem {
  kind: CrashKind;
  message: string;
  stack?: string;
}

export interface Crash extends Problem {
  target: string;
  input: Uint8Array;
}

export interface FuzzOptions {
  seconds: number;
  /** Mutation seed: the same seed and code give the same inputs in the same order. */
  seed?: number;
  /** The inputs to start from; by default the target's saved crashes (a fixed crash stays fixed), then its seeds. */
  seeds?: readonly Uint8Array[];
  /** With the default inputs: at most this many seeds (the saved crashes always run), so that short runs get to mutate. */
  maxSeeds?: number;
  /** Called with each input just before it runs (the worker hands it to its watchdog). */
  beforeExec?: (input: Uint8Array) => void;
  afterExec?: () => void;
  onCrash?: (crash: Crash) => void;
}

export interface FuzzStats {
  target: string;
  execs: number;
  seconds: number;
  execsPerSecond: number;
  corpus: number;
  features: number;
  crashes: Crash[];
}

/** The code under test: the project's sources or build, not the fuzzer itself. */
export function isCodeUnderTest(url: string): boolean {
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  if (path.includes('/node_modules/yaml/')) return true;
  if (!path.startsWith(REPO_ROOT + '/')) return false;
  const inside = path.slice(REPO_ROOT.length + 1);
  return (inside.startsWith('src/') || inside.startsWith('dist/')) && !/^(src|dist)\/fuzz\//.test(inside);
}

const heapUsed = (): number => getHeapStatistics().used_heap_size;

/** Own keys of the prototypes every object inherits from: a decoder that adds one pollutes every object. */
const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype] as const;
const cleanKeys = PROTOTYPES.map((p) => new Set(Reflect.ownKeys(p)));

function pollution(): string | undefined {
  const added: string[] = [];
  PROTOTYPES.forEach((p, i) => {
    for (const key of Reflect.ownKeys(p)) {
      if (cleanKeys[i]!.has(key)) continue;
      added.push(String(key));
      delete (p as Record<PropertyKey, unknown>)[key]; // so that the next execution starts clean
    }
  });
  return added.length ? added.join(', ') : undefined;
}

/** Runs one input and judges it; undefined means it behaved. A slow run is tried again before it counts. */
export async function executeOnce(execute: Execute, input: Uint8Array): Promise<Problem | undefined> {
  let problem = await judge(execute, input);
  for (let retry = 0; retry < 2 && problem?.kind === 'slow'; retry++) problem = await judge(execute, input);
  return problem;
}

async function judge(execute: Execute, input: Uint8Array): Promise<Problem | undefined> {
  const heapBefore = heapUsed();
  const started = performance.now();
  let problem: Problem | undefined;
  try {
    const result = execute(input);
    if (result instanceof Promise) await result;
  } catch (e) {
    if (!(e instanceof InputError)) {
      const err = e instanceof Error ? e : new Error(String(e));
      problem = { kind: err.name === 'InvariantError' ? 'invariant' : 'exception', message: `${err.name}: ${err.message}`, stack: err.stack ?? '' };
    }
  }
  const ms = performance.now() - started;
  const grown = heapUsed() - heapBefore;
  const polluted = pollution();
  if (problem) return problem;
  if (polluted) return { kind: 'invariant', message: `a prototype gained ${polluted}` };
  // Heap growth first: it does not depend on how busy the machine is, and a run that allocates too much is often slow as well.
  if (grown > HEAP_GROWTH_LIMIT_BYTES) {
    return { kind: 'memory', message: `the heap grew by ${Math.round(grown / 2 ** 20)} MiB, over the ${HEAP_GROWTH_LIMIT_BYTES / 2 ** 20} MiB limit, for ${input.length} bytes` };
  }
  const limit = execTimeLimit(input.length);
  if (ms > limit) return { kind: 'slow', message: `took ${Math.round(ms)} ms, over the ${Math.round(limit)} ms limit, for ${input.length} bytes` };
  return undefined;
}

/** Crashes of one cause count once: kind, message without its numbers, and the first frame in our code. */
export function crashSignature(p: Problem): string {
  const frame = (p.stack ?? '').split('\n').find((l) => /\/(src|dist)\//.test(l) && !/\/fuzz\//.test(l)) ?? '';
  return `${p.kind}|${p.message.replace(/\d+/g, 'N').slice(0, 200)}|${frame.trim()}`;
}

export async function startingInputs(target: FuzzTarget, maxSeeds = Infinity): Promise<Uint8Array[]> {
  return [...crashInputs(target.name), ...spread(await targetSeeds(target), maxSeeds)];
}

/**
 * Mutants run in batches of this many with one coverage take; only a batch
 * that reached something new is run again input by input. Batches can hide
 * a hit-count bucket that one input reaches alone; new blocks never.
 */
const BATCH = 8;

/** One inspector session per process: starting and stopping precise coverage repeatedly would lose block counters. */
let tracker: CoverageTracker | undefined;

export async function fuzz(target: FuzzTarget, opts: FuzzOptions): Promise<FuzzStats> {
  if (!tracker) {
    tracker = new CoverageTracker(isCodeUnderTest);
    tracker.start();
  }
  const coverage = tracker.fresh();
  const execute = await target.load();
  const seeds = opts.seeds ?? (await startingInputs(target, opts.maxSeeds));
  const rnd = prng(opts.seed ?? 1);
  const crashes = new Map<string, Crash>();
  const corpus: Uint8Array[] = [];
  const ctx: MutationContext = { rnd, corpus, dictionary: target.dictionary ?? [], maxBytes: MAX_FUZZ_INPUT_BYTES };
  coverage.collect(); // what loading ran is not the inputs' doing
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  let execs = 0;

  const run = async (input: Uint8Array): Promise<void> => {
    opts.beforeExec?.(input);
    const problem = await executeOnce(execute, input);
    opts.afterExec?.();
    execs++;
    if (problem) {
      const signature = crashSignature(problem);
      if (!crashes.has(signature)) {
        const crash: Crash = { ...problem, target: target.name, input };
        crashes.set(signature, crash);
        opts.onCrash?.(crash);
      }
    }
  };
  /** Runs a batch, then finds the inputs that reach new code (one by one only if the batch as a whole did). */
  const runBatch = async (inputs: readonly Uint8Array[]): Promise<void> => {
    for (const input of inputs) await run(input);
    if (inputs.length > 1 && coverage.collect(false) === 0) return;
    for (const input of inputs) {
      if (inputs.length > 1) await run(input);
      if (coverage.collect() > 0 || corpus.length === 0) corpus.push(input);
    }
  };

  for (const seed of seeds) {
    await runBatch([seed]);
    if (performance.now() > deadline) break;
  }
  while (performance.now() < deadline) {
    const batch = Array.from({ length: BATCH }, () => {
      const parent = pick(rnd, corpus);
      const child = mutate(parent, target.input, ctx);
      return target.fixup ? target.fixup(child, parent, rnd) : child;
    });
    await runBatch(batch);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    target: target.name,
    execs,
    seconds,
    execsPerSecond: Math.round(execs / seconds),
    corpus: corpus.length,
    features: coverage.features,
    crashes: [...crashes.values()],
  };
}
