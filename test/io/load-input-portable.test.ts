/**
 * The input reader runs in the browser page too (web/), which has no Node
 * built-ins: nothing the reader imports, however indirectly, may import one
 * statically. (A dynamic `await import('node:…')` on a Node-only path, as the
 * DTS parser's default grammar lookup does, is the embedder's business.)
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]/gm;
const builtins = new Set(builtinModules);

/** Every module `entry` reaches through static imports, with the bare modules each imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const bare: string[] = [];
    graph.set(file, bare);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      else bare.push(spec!);
    }
  };
  visit(entry);
  return graph;
}

describe('the input reader (src/io/load-input.ts)', () => {
  it('imports no Node built-in, directly or through anything it imports', () => {
    const graph = importGraph(join(REPO_ROOT, 'src/io/load-input.ts'));
    expect(graph.size).toBeGreaterThan(20);
    const nodeOnly = [...graph].flatMap(([file, bare]) =>
      bare.filter((m) => m.startsWith('node:') || builtins.has(m)).map((m) => `${relative(REPO_ROOT, file)} imports ${m}`),
    );
    expect(nodeOnly).toEqual([]);
  });
});
