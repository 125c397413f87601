#!/usr/bin/env node
// `npm run fuzz -- [--seconds N] [--target NAME]... [--seed N] [--list]`: the coverage-guided
// fuzzer of src/fuzz, run on the compiled build (dist/), which is rebuilt first when a source
// file is newer than it. See src/fuzz/cli.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/fuzz/cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestSource(p) : name.endsWith('.ts') ? st.mtimeMs : 0);
  }
  return newest;
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(root, 'src'))) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  // Type errors elsewhere in the tree still leave a runnable build; a missing entry does not.
  if (built.status !== 0) console.error('fuzz: the build reported errors (above); fuzzing what was emitted');
  if (!existsSync(entry)) process.exit(2);
}

const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
