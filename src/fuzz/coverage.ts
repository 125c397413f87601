/**
 * Coverage feedback from V8 itself: block-level precise coverage with call
 * counts, taken (and reset) after every execution through an in-process
 * inspector session. No instrumentation pass and no native fuzzer needed.
 *
 * V8 reports, for each function run since the last take, its range with a
 * count and nested block ranges whose count differs from their parent's; a
 * block with the same count as its parent is merged into it. So "new
 * coverage" is two things:
 *  - a (block, hit-count bucket) pair never seen, the AFL signal that also
 *    rewards running a loop more often (more subtables, deeper nesting);
 *  - a block that every earlier run reported as not executed (count 0) and
 *    that this run executed (no zero range of its function covers it).
 *
 * Functions compiled before `start()` have no block counters: start the
 * tracker first, then import the code under test.
 */
import { Session } from 'node:inspector';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}

interface ScriptCoverage {
  scriptId: string;
  url: string;
  functions: { ranges: Range[] }[];
}

/** Offsets of blocks a function never executed so far. */
type Blocks = [start: number, end: number][];

/** AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
function bucket(count: number): number {
  if (count <= 3) return count;
  if (count < 8) return 4;
  if (count < 16) return 5;
  if (count < 32) return 6;
  return count < 128 ? 7 : 8;
}

/** Keys are numbers: script index, offset (< 2^26) and bucket (< 16) packed below 2^53. */
const OFFSETS = 2 ** 26;

/** The inspector session: one per process, started before the code under test is loaded. */
export class CoverageTracker {
  private readonly session = new Session();
  /** Script id → index, or -1 for scripts outside the code under test. */
  private readonly scripts = new Map<string, number>();
  private running = false;

  /** `include(url)` picks the scripts whose coverage counts (the code under test, not the fuzzer). */
  constructor(private readonly include: (url: string) => boolean) {}

  start(): void {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    this.running = true;
  }

  stop(): void {
    if (!this.running) return;
    this.post('Profiler.stopPreciseCoverage');
    this.post('Profiler.disable');
    this.session.disconnect();
    this.running = false;
  }

  /** A feature set that starts empty: each fuzzing run judges "new" against its own history. */
  fresh(): CoverageFeatures {
    return new CoverageFeatures(() => this.take());
  }

  /** Counts since the last take (which resets them), of the code under test only, scripts as small indexes. */
  private take(): { index: number; functions: { ranges: Range[] }[] }[] {
    const { result } = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    const out: { index: number; functions: { ranges: Range[] }[] }[] = [];
    for (const script of result) {
      let index = this.scripts.get(script.scriptId);
      if (index === undefined) {
        index = this.include(script.url) ? this.scripts.size : -1;
        this.scripts.set(script.scriptId, index);
      }
      if (index >= 0) out.push({ index, functions: script.functions });
    }
    return out;
  }

  /** In-process inspector sessions answer synchronously, so the callback has run when post returns. */
  private post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    let answered = false;
    this.session.post(method, params, (err, res) => {
      failure = err;
      answer = res;
      answered = true;
    });
    if (!answered) throw new Error(`inspector did not answer ${method} synchronously`);
    if (failure) throw failure;
    return answer;
  }
}

export class CoverageFeatures {
  private readonly buckets = new Set<number>();
  private readonly unexecuted = new Map<number, Blocks>();
  private readonly executedBlocks = new Set<number>();

  constructor(private readonly take: () => { index: number; functions: { ranges: Range[] }[] }[]) {}

  /** How many coverage features the code under test has shown so far. */
  get features(): number {
    return this.buckets.size + this.executedBlocks.size;
  }

  /**
   * Coverage since the last call; returns how many features are new. With
   * `commit: false` nothing is remembered: the engine asks whether a batch
   * of inputs reached anything new before running them one by one to find
   * which did (a take costs about as much as an execution).
   */
  collect(commit = true): number {
    let fresh = 0;
    for (const script of this.take()) {
      for (const fn of script.functions) {
        const whole = fn.ranges[0];
        if (!whole || whole.count === 0) continue;
        fresh += this.function(script.index * OFFSETS, fn.ranges, commit);
        if (fresh && !commit) return fresh;
      }
    }
    return fresh;
  }

  private function(base: number, ranges: Range[], commit: boolean): number {
    let fresh = 0;
    const zero: Blocks = [];
    for (const r of ranges) {
      if (r.count === 0) {
        zero.push([r.startOffset, r.endOffset]);
        continue;
      }
      const key = (base + r.startOffset) * 16 + bucket(r.count);
      if (!this.buckets.has(key)) {
        if (commit) this.buckets.add(key);
        fresh++;
      }
    }
    const fnKey = base + ranges[0]!.startOffset;
    const known = this.unexecuted.get(fnKey);
    if (!known) {
      if (commit) this.unexecuted.set(fnKey, zero.filter(([s]) => !this.executedBlocks.has(base + s)));
      return fresh;
    }
    // A known unexecuted block that no zero range of this run contains was executed.
    const still: Blocks = [];
    for (const block of known) {
      if (zero.some(([s, e]) => s <= block[0] && block[1] <= e)) still.push(block);
      else {
        if (commit) this.executedBlocks.add(base + block[0]);
        fresh++;
      }
    }
    if (!commit) return fresh;
    // Zero ranges show up finer once their parent block runs: remember those too.
    for (const z of zero) {
      if (!this.executedBlocks.has(base + z[0]) && !still.some(([s, e]) => s === z[0] && e === z[1])) still.push(z);
    }
    this.unexecuted.set(fnKey, still);
    return fresh;
  }
}
