/** Runs the CLI in-process and captures what it writes. */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  return runCliWith({}, ...argv);
}

export interface CliRunOptions {
  /** What standard input (`-`) holds; without it `-` reads the test runner's fd 0. */
  stdin?: Uint8Array | string;
  /** As bin.ts sets it when stderr is a terminal: progress lines from this many milliseconds on. */
  progressAfterMs?: number;
}

export async function runCliWith(options: CliRunOptions, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  // Byte chunks are decoded as they come (the CLI reuses their buffer after the call), as one stream: a chunk may end inside a UTF-8 character.
  const decoder = new TextDecoder();
  const io = {
    stdout: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? decoder.decode() + s : decoder.decode(s, { stream: true })),
    stderr: (s: string) => (stderr += s),
    ...(options.progressAfterMs === undefined ? {} : { progressAfterMs: options.progressAfterMs }),
  };
  if (options.stdin === undefined) return { code: await main(argv, io), stdout: stdout + decoder.decode(), stderr };
  // Standard input as a descriptor, as the bin hands fd 0 over: a file written for the run.
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-stdin-'));
  const file = join(dir, 'stdin');
  writeFileSync(file, options.stdin);
  const fd = openSync(file, 'r');
  try {
    const code = await main(argv, { ...io, stdinFd: fd });
    return { code, stdout: stdout + decoder.decode(), stderr };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
