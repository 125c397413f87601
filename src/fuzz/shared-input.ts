/**
 * The input a worker is executing, in a SharedArrayBuffer: the main thread
 * reads it without the worker's help, which a hung or dying worker cannot give.
 */
import { MAX_FUZZ_INPUT_BYTES } from './budget.js';
import type { Crash, FuzzStats } from './engine.js';

export interface WorkerJob {
  target: string;
  seconds: number;
  seed: number;
  /** Collected once by the main thread: reading the corpus again in every worker would cost seconds each. */
  seeds: Uint8Array[];
  shared: SharedArrayBuffer;
}

export type WorkerMessage = { type: 'crash'; crash: Crash } | { type: 'done'; stats: FuzzStats };

/** Layout: [length, running] as int32, the start time as float64, then the bytes. */
const HEADER = 16;

export class SharedInput {
  private readonly state: Int32Array;
  private readonly startedAt: Float64Array;
  private readonly bytes: Uint8Array;

  constructor(readonly buffer = new SharedArrayBuffer(HEADER + MAX_FUZZ_INPUT_BYTES)) {
    this.state = new Int32Array(buffer, 0, 2);
    this.startedAt = new Float64Array(buffer, 8, 1);
    this.bytes = new Uint8Array(buffer, HEADER);
  }

  begin(input: Uint8Array): void {
    const n = Math.min(input.length, this.bytes.length);
    this.bytes.set(input.subarray(0, n));
    this.state[0] = n;
    this.startedAt[0] = Date.now();
    Atomics.store(this.state, 1, 1);
  }

  end(): void {
    Atomics.store(this.state, 1, 0);
  }

  /** How long the current execution has run, or undefined between executions. */
  runningFor(): number | undefined {
    return Atomics.load(this.state, 1) === 1 ? Date.now() - this.startedAt[0]! : undefined;
  }

  current(): Uint8Array {
    return this.bytes.slice(0, this.state[0]);
  }
}
