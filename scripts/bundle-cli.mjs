// The CLI as installed: tsc's output for the command line, bundled by rolldown
// into dist/bin/ (one chunk per command plus shared chunks), executable.
//
// Why: a process that decodes one small table spends most of its life
// resolving, opening and compiling ~100 small modules; one file per command
// starts in a fraction of that (figures in the README's Performance section).
// The library (dist/index.js) stays unbundled for tools that embed it.
// web-tree-sitter stays external: it finds its .wasm next to its own module.
import { chmodSync, rmSync } from 'node:fs';
import { rolldown } from 'rolldown';

// Chunk names carry content hashes: clear out the last build's.
rmSync(new URL('../dist/bin', import.meta.url), { recursive: true, force: true });
const bundle = await rolldown({
  input: { ridmap: 'dist/cli/bin.js' },
  platform: 'node',
  external: [/^node:/, 'web-tree-sitter'],
  logLevel: 'warn',
});
await bundle.write({
  dir: 'dist/bin',
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  sourcemap: true,
});
await bundle.close();
chmodSync(new URL('../dist/bin/ridmap.js', import.meta.url), 0o755);
