/**
 * The page's build plugins: what keeps Node out of the browser bundle. Kept
 * apart from vite.config.ts so that a test can drive them directly.
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Node-only branches that test at run time where they are and so never load
 * these in a browser: web-tree-sitter's (Emscripten's ENVIRONMENT_IS_NODE) and
 * ts-parser.ts's default grammar location (the page configures its own).
 */
const NODE_ONLY_BRANCHES: readonly { importer: RegExp; ids: readonly string[] }[] = [
  { importer: /\/node_modules\/web-tree-sitter\//, ids: ['fs/promises', 'module'] },
  { importer: /\/src\/dt\/ts-parser\.ts$/, ids: ['node:fs', 'node:module', 'node:url'] },
];
const NODE_ONLY = '\0node-only:';

/**
 * Fails the build when anything imports a Node built-in, rather than letting
 * Vite shim it with an empty module that breaks at run time. The known
 * Node-only branches get a module that throws if it is ever loaded.
 */
export function noNodeBuiltins(): Plugin {
  return {
    name: 'ridmap:no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (!NODE_BUILTINS.has(id)) return null;
      if (importer && NODE_ONLY_BRANCHES.some((b) => b.importer.test(importer) && b.ids.includes(id))) return NODE_ONLY + id;
      this.error(`${importer ?? 'the page'} imports the Node built-in "${id}": code the page runs must be fs-free (pass what it needs in instead)`);
    },
    load(id) {
      if (!id.startsWith(NODE_ONLY)) return null;
      return `throw new Error(${JSON.stringify(`${id.slice(NODE_ONLY.length)} is Node-only and not in the browser`)});`;
    },
  };
}
