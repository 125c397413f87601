#!/usr/bin/env node
// The only place that touches the process's exit code and streams. Bundled
// (scripts/bundle-cli.mjs) as CommonJS, which has no top-level await.
import { main } from './main.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `ridmap decode big.dat | head` closes the pipe early; that is not an error.
  if (e.code === 'EPIPE') process.exit(0);
});

void main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).then((code) => {
  process.exitCode = code;
});
