#!/usr/bin/env node
// The only place that touches the process's exit code and streams. Bundled
// (scripts/bundle-cli.mjs) as CommonJS, which has no top-level await.
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { main } from './main.js';
import { writeAllSync } from '../io/fd-sync.js';
import { tuneV8, worthTuning } from './v8-flags.js';

/**
 * stdout is written synchronously to fd 1, never through process.stdout:
 * `decode` streams its text through one reused buffer (CliIo.stdout), which
 * process.stdout could still be reading from a queued write on a pipe.
 */
function writeStdout(data: string | Uint8Array): void {
  try {
    writeAllSync(1, typeof data === 'string' ? Buffer.from(data) : data);
  } catch (e) {
    // `ridmap decode big.dat | head` closes the pipe early; that is not an error.
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
    throw e;
  }
}

/**
 * Whether stderr is a terminal, without process.stderr: touching that makes
 * Node build the stream, loading some twenty stream modules, a good part of
 * a small decode's start-up that writes nothing to stderr. A terminal is a
 * character device; only for one (a terminal or /dev/null) is tty asked.
 */
function stderrIsTerminal(): boolean {
  try {
    return fstatSync(2).isCharacterDevice() && isatty(2);
  } catch {
    return false;
  }
}

const argv = process.argv.slice(2);
if (worthTuning(argv)) tuneV8();

void main(argv, {
  stdout: writeStdout,
  stderr: (s) => process.stderr.write(s),
  stdinFd: 0,
  // Progress only for a person at a terminal: not when stderr is piped or logged, not in CI (which may give a TTY).
  // RIDMAP_PROGRESS_AFTER_MS moves the one-second threshold (tests drive a pseudo-terminal with 0).
  // Asked only by a command that shows progress (decode never does).
  get progressAfterMs() {
    return stderrIsTerminal() && !process.env['CI'] ? Number(process.env['RIDMAP_PROGRESS_AFTER_MS'] ?? 1000) : undefined;
  },
}).then((code) => {
  process.exitCode = code;
});
