/**
 * What a command may touch: two output streams and an exit code. Commands
 * never call process.exit or write to process.stdout directly, so the whole
 * CLI runs in-process in tests.
 */
import type { Diagnostic } from '../diagnostic.js';
import { formatDiagnostic } from '../diagnostic.js';
import { EXIT_OK, type ExitCode } from './exit-codes.js';
import { capRepeats } from '../limits.js';
import { TextSink } from '../codec/text-sink.js';
import { Progress } from './progress.js';

export interface CliIo {
  /**
   * Bytes are ASCII/UTF-8 text chunks (large decodes skip building one
   * string). The caller writes into the same bytes again once this returns
   * (outStream): write them out or copy them before returning.
   */
  stdout: (data: string | Uint8Array) => void;
  stderr: (text: string) => void;
  /** The descriptor `-` reads (bin.ts: 0); absent, fd 0. */
  stdinFd?: number;
  /**
   * After how long a command shows its progress on stderr (progress.ts);
   * absent (the default) when stderr is no terminal a person watches.
   */
  progressAfterMs?: number;
}

export class CliContext {
  exitCode: ExitCode = EXIT_OK;
  private shownProgress: Progress | undefined;
  constructor(readonly io: CliIo) {}

  /**
   * The command's progress line (progress.ts); one that prints JSON has none:
   * a terminal that shows JSON is one that a program may read from.
   */
  progress(command: string, { json = false } = {}): Progress {
    this.shownProgress = new Progress((s) => this.io.stderr(s), command, json ? undefined : this.io.progressAfterMs);
    return this.shownProgress;
  }

  /** Erases the progress line, if one is shown (before other output, and when the command ends). */
  clearProgress(): void {
    this.shownProgress?.clear();
  }

  out(text: string): void {
    this.clearProgress();
    this.io.stdout(text.endsWith('\n') ? text : text + '\n');
  }

  /**
   * A sink whose text goes to stdout a buffer at a time, that one buffer
   * written again and again: large text is never held whole. Flush it before
   * any other stdout output and at the end.
   */
  outStream(): TextSink {
    return new TextSink((bytes) => {
      this.clearProgress();
      this.io.stdout(bytes);
    });
  }

  err(text: string): void {
    this.clearProgress();
    this.io.stderr(text.endsWith('\n') ? text : text + '\n');
  }

  /**
   * Diagnostics on stderr, at most MAX_REPEATED_DIAGNOSTICS per code and input
   * (the rest counted in one line), for every command and severity: one
   * broken table can raise thousands of one finding. JSON outputs keep all.
   */
  report(diagnostics: readonly Diagnostic[]): void {
    for (const d of capRepeats(diagnostics)) this.err(formatDiagnostic(d));
  }

  /** Raises the exit code, never lowers it (1 findings must not hide a 2). */
  fail(code: ExitCode): void {
    if (code > this.exitCode) this.exitCode = code;
  }
}
