/**
 * A set of files whose contents are made as they are staged (io/atomic-write.ts
 * FileData; `build`'s map forms, build-outputs.ts mapOutputs): each is made
 * only after the one before it is on disk under its temporary name, so one
 * text at a time is in memory; the set is still replaced as one, and a maker
 * that fails leaves the old files and no temporary file.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapOutputs } from '../../src/build-outputs.js';
import { replaceFileSet } from '../../src/io/file-set.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { renderMap } from '../../src/map/render-map.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { TABLES_DIR } from '../support/paths.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'ridmap-file-set-'));
const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.ridmap-'));

describe('a file set with contents made when staged', () => {
  it('makes each content after the file before it is staged, then replaces the set', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.txt'), 'old a');
    const seen: number[] = [];
    replaceFileSet(['a.txt', 'b.txt', 'c.txt'].map((name, i) => ({
      path: join(dir, name),
      data: () => {
        // The files made before this one are staged (temporaries), none committed yet.
        seen.push(temporaries(dir).length);
        expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a');
        return `new ${name} ${i}`;
      },
    })));
    expect(seen).toEqual([0, 1, 2]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('new c.txt 2');
  });

  it('a maker that throws leaves the old files and no temporary file', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.txt'), 'old a');
    const writes = [
      { path: join(dir, 'a.txt'), data: 'new a' },
      { path: join(dir, 'b.txt'), data: () => { throw new Error('out of memory, say'); } },
    ];
    expect(() => replaceFileSet(writes)).toThrow('out of memory, say');
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a');
  });

  it('build\'s map outputs render only when called, and render what renderMap renders', () => {
    const resolved = resolveTopology(loadTopologyFile(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml')));
    const outputs = mapOutputs(resolved);
    expect(outputs.map((o) => o.name)).toEqual(['map.json', 'map.txt', 'tree.txt', 'topology.dot']);
    expect(outputs.map((o) => typeof o.data)).toEqual(['function', 'function', 'function', 'function']);
    expect(outputs[1]!.data()).toBe(renderMap(resolved, 'text'));
  });
});
