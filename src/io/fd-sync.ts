/**
 * Blocking reads and writes on a descriptor that may be non-blocking: a
 * pipe's other end (a shell, a test runner) can set O_NONBLOCK on it, and
 * then a read with nothing there yet, or a write to a full pipe, fails with
 * EAGAIN instead of waiting. Node has no synchronous poll, so it is retried
 * after a short sleep.
 */
import { readSync, writeSync } from 'node:fs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function whileAgain<T>(op: () => T): T {
  for (;;) {
    try {
      return op();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

/** One read into `into` (0 at the end), waiting while there is nothing to read yet. */
export function readSomeSync(fd: number, into: Uint8Array): number {
  return whileAgain(() => readSync(fd, into, 0, into.length, null));
}

/**
 * All of `bytes` written before returning (so the caller may write into them
 * again), waiting while the descriptor is full. Errors (EPIPE when the reader
 * has gone, ENOSPC) are thrown.
 */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += whileAgain(() => writeSync(fd, bytes, off, bytes.length - off));
}
