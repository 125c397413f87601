/**
 * The browser page: `npm run web:build` writes web/dist, a folder any static
 * host serves (relative URLs, so a subfolder works too); `npm run web`
 * builds and serves it locally. The library runs in Web Workers, from src/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { noNodeBuiltins } from './build-plugins.js';

const plugins = () => [noNodeBuiltins()];

/** Emscripten's direct eval in web-tree-sitter is its business; every other warning is shown. */
const rolldownOptions = {
  onwarn(warning: { code?: string; id?: string; message: string }, warn: (w: { code?: string; id?: string; message: string }) => void) {
    if (warning.code === 'EVAL' && warning.id?.includes('/web-tree-sitter/')) return;
    warn(warning);
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: plugins(),
  worker: { format: 'es', plugins },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions,
    // Graphviz's wasm comes inlined in its module (~0.8 MB), loaded by the worker only.
    chunkSizeWarningLimit: 1200,
  },
  server: { fs: { allow: ['..'] } },
});
