/** Runs the CLI in-process and captures what it writes. */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  // Byte chunks are decoded as they come (the CLI reuses their buffer after the call), as one stream: a chunk may end inside a UTF-8 character.
  const decoder = new TextDecoder();
  const code = await main(argv, {
    stdout: (s) => (stdout += typeof s === 'string' ? decoder.decode() + s : decoder.decode(s, { stream: true })),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout: stdout + decoder.decode(), stderr };
}
