/**
 * One writer per output directory: `build` holds `DIR/.ridmap-lock` while it
 * replaces its outputs, so that two builds into one directory cannot leave
 * DMAR.dat from one topology beside map.json from the other.
 *
 * The lock file holds the owner's pid. It is created whole and atomically:
 * written under a temporary name, then hard-linked to the lock name (link(2)
 * fails with EEXIST when the lock is held), so a reader never sees an empty
 * lock. A lock whose pid is no running process was left by a run that was
 * killed; it is broken (renamed away, then removed) and taken. A live lock
 * is waited for, a little at a time, up to LOCK_WAIT_MS; then the run fails
 * with `output-locked` (exit 2), naming the owner and the lock file.
 *
 * Breaking a stale lock has one narrow race (two runs that both find the
 * same dead pid while a third takes the lock): it needs a killed run and
 * three concurrent ones, and is accepted.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../diagnostic.js';
import { siblingName } from './atomic-write.js';

export const LOCK_FILE = '.ridmap-lock';

/** How long a run waits for another run's lock on the same directory (a build takes well under a second). */
export const LOCK_WAIT_MS = 10_000;

const POLL_MS = 20;

/** Runs `fn` holding `dir`'s lock (creating `dir` when missing); the lock is released however `fn` ends. */
export async function withDirLock<T>(dir: string, fn: () => T | Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  await acquire(lock, waitMs);
  try {
    return await fn();
  } finally {
    if (ownerOf(lock) === process.pid) rmSync(lock, { force: true });
  }
}

async function acquire(lock: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(lock)) return;
    const owner = ownerOf(lock);
    if (owner !== undefined && !isRunning(owner)) {
      breakStale(lock);
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(lock, owner, waitMs);
    await sleep(POLL_MS);
  }
}

/** True when the lock was created, holding this process's pid. */
function tryCreate(lock: string): boolean {
  const tmp = siblingName(lock, 'tmp');
  writeFileSync(tmp, `${process.pid}\n`, { flag: 'wx' });
  try {
    linkSync(tmp, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The pid in the lock file; undefined when it is gone (released meanwhile) or holds no pid. */
function ownerOf(lock: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  return /^\d+\n?$/.test(text) ? Number(text.trim()) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

/** Moves the stale lock aside first, so that of two runs breaking it only one removes it. */
function breakStale(lock: string): void {
  const aside = siblingName(lock, 'bak');
  try {
    renameSync(lock, aside);
  } catch {
    return; // another run broke or released it first
  }
  rmSync(aside, { force: true });
}

function lockedError(lock: string, owner: number | undefined, waitMs: number): InputError {
  const who = owner === undefined ? 'another run' : `another ridmap (pid ${owner})`;
  return new InputError([{
    severity: 'error',
    code: 'output-locked',
    file: lock,
    message: `${who} is writing into this directory; waited ${waitMs / 1000} s for it. If no ridmap is running, remove ${lock}`,
  }]);
}
