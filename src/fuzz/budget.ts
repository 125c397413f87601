/**
 * What the fuzzer calls a crash besides an exception, and how big it lets
 * inputs get. The product's own input limits are in src/limits.ts; these
 * are the fuzzer's thresholds for "this input costs too much".
 */

/** Mutated inputs are cut to this: small inputs run fast, and every hazard a decoder has shows up well below it. */
export const MAX_FUZZ_INPUT_BYTES = 128 * 1024;

/** Seeds per input kind (spread evenly over the sources), so that a run starts quickly. */
export const MAX_SEEDS_PER_KIND = 256;

/**
 * One execution taking longer than EXEC_TIME_LIMIT_MS plus
 * EXEC_TIME_PER_KIB_MS per KiB of input, three times running, is a crash
 * ("slow"). Every reader should be linear: a 128 KiB input takes about
 * 200 ms cold without coverage, three to four times that under precise
 * coverage, more on a loaded machine; a superlinear one takes seconds to
 * hours. The re-runs tell a load spike from a slow input.
 */
export const EXEC_TIME_LIMIT_MS = 1000;
export const EXEC_TIME_PER_KIB_MS = 10;

export function execTimeLimit(inputBytes: number): number {
  return EXEC_TIME_LIMIT_MS + (EXEC_TIME_PER_KIB_MS * inputBytes) / 1024;
}

/**
 * The CLI's watchdog stops an execution that has not returned after this
 * long ("timeout": a hang or a catastrophic slowdown) and saves its input.
 */
export const HANG_TIMEOUT_MS = 10_000;

/**
 * Heap growth across one execution beyond this is a crash ("memory"): an
 * input of at most 128 KiB has no business keeping 256 MiB alive.
 */
export const HEAP_GROWTH_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * The CLI runs each target in a worker with this much old-generation heap;
 * running out of it is a crash ("out-of-memory") with the input saved.
 */
export const WORKER_HEAP_LIMIT_MB = 1024;
