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

/**
 * commander requires node:child_process when it loads, for executable
 * subcommands, which ridmap does not have; loading it (with net and stream)
 * is a few ms of every start. Inside the bundle commander gets it on first
 * use instead: a stand-in that requires the real module when touched.
 */
const LAZY_CHILD_PROCESS = '\0ridmap:lazy-child-process';
const lazyChildProcess = {
  name: 'ridmap:lazy-child-process',
  resolveId(source, importer) {
    if ((source === 'node:child_process' || source === 'child_process') && importer?.includes('/node_modules/commander/')) return LAZY_CHILD_PROCESS;
    return null;
  },
  load(id) {
    if (id !== LAZY_CHILD_PROCESS) return null;
    return "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });";
  },
};

// Chunk names carry content hashes: clear out the last build's.
rmSync(new URL('../dist/bin', import.meta.url), { recursive: true, force: true });
const bundle = await rolldown({
  input: { ridmap: 'dist/cli/bin.js' },
  platform: 'node',
  // Node's own modules and web-tree-sitter stay imports; commander's child_process goes to the stand-in.
  external: (id, importer) => id === 'web-tree-sitter' || (/^node:/.test(id) && !(id === 'node:child_process' && importer?.includes('/node_modules/commander/'))),
  plugins: [lazyChildProcess],
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
