/**
 * What keeps the page's bundle browser-only: the build refuses Node
 * built-ins except the Node-only branches it knows, which it replaces by a
 * module that throws. (The page's sources type-check against the DOM with
 * `tsc -p web/tsconfig.json`, part of `npm test`.)
 */
import { describe, expect, it } from 'vitest';
import { noNodeBuiltins } from '../../web/build-plugins.js';

type Hook = (this: { error(message: string): never }, id: string, importer?: string) => unknown;
const plugin = noNodeBuiltins();
const context = { error: (message: string): never => { throw new Error(message); } };
const resolve = (id: string, importer?: string) => (plugin.resolveId as Hook).call(context, id, importer);
const load = (id: string) => (plugin.load as Hook).call(context, id);

describe('the page build', () => {
  it('refuses a Node built-in imported by the library or the page', () => {
    expect(() => resolve('node:fs', '/r/src/io/read-input.ts')).toThrow('/r/src/io/read-input.ts imports the Node built-in "node:fs"');
    expect(() => resolve('path', '/r/web/src/main.ts')).toThrow(/imports the Node built-in "path"/);
    expect(() => resolve('node:module', '/r/src/dt/dts-parse.ts')).toThrow(/node:module/);
  });

  it('stubs the Node-only branches it knows with a module that throws', () => {
    expect(resolve('module', '/r/node_modules/web-tree-sitter/tree-sitter.js')).toBe('\0node-only:module');
    expect(resolve('node:module', '/r/src/dt/ts-parser.ts')).toBe('\0node-only:node:module');
    expect(load('\0node-only:module')).toBe('throw new Error("module is Node-only and not in the browser");');
    expect(resolve('@hpcc-js/wasm-graphviz', '/r/web/src/worker.ts')).toBeNull();
  });
});
