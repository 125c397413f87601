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
  const decoder = new TextDecoder();
  const code = await main(argv, {
    stdout: (s) => (stdout += typeof s === 'string' ? s : decoder.decode(s)),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}
