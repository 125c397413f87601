/**
 * One target's fuzzing loop in a worker thread. Before each execution the
 * input is copied into memory shared with the main thread, whose watchdog
 * (cli.ts) can then save it when the execution hangs or exhausts the
 * worker's heap: the two crashes a worker cannot report itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz } from './engine.js';
import { targetNamed } from './targets.js';
import { SharedInput, type WorkerJob, type WorkerMessage } from './shared-input.js';

const job = workerData as WorkerJob;
const target = targetNamed(job.target);
if (!target) throw new Error(`no fuzz target ${job.target}`);
const shared = new SharedInput(job.shared);
const send = (m: WorkerMessage): void => parentPort!.postMessage(m);

const stats = await fuzz(target, {
  seconds: job.seconds,
  seed: job.seed,
  seeds: job.seeds,
  beforeExec: (input) => shared.begin(input),
  afterExec: () => shared.end(),
  onCrash: (crash) => send({ type: 'crash', crash }),
});
send({ type: 'done', stats: { ...stats, crashes: [] } });
