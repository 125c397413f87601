/**
 * `ridmap map` prints a topology's text map a piece at a time (map-text.ts
 * writeMapText): the same text as formatMapText, handed to stdout in pieces
 * of whole lines, so that a million devices' lines are never all alive at
 * once (issue 21). `build` stages its map.txt the same way (build-outputs.ts
 * mapFiles, io/atomic-write.ts TextPieces).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mapFiles } from '../../src/build-outputs.js';
import { main } from '../../src/cli/main.js';
import { stageFile } from '../../src/io/atomic-write.js';
import { formatMapText } from '../../src/map/map-text.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { conventionalTopology } from '../support/big-topology.js';

const dir = mkdtempSync(join(tmpdir(), 'ridmap-map-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('map text through the CLI', () => {
  it('is formatMapText\'s text, written in pieces of whole lines, none much over 64 KiB', async () => {
    const text = conventionalTopology();
    const file = join(dir, 'big.json');
    writeFileSync(file, text);
    const pieces: string[] = [];
    const io = { stdout: (s: string | Uint8Array) => void pieces.push(typeof s === 'string' ? s : new TextDecoder().decode(s)), stderr: () => {} };
    const code = await main(['map', file], io);
    expect(code).not.toBe(2);
    const whole = formatMapText(resolveTopology(parseTopology(text, file)).map);
    expect(whole.length).toBeGreaterThan(4 * 65536);
    expect(pieces.join('')).toBe(whole);
    // Streamed: several writes, each of whole lines and about one piece long (one line past 64 KiB at most).
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) {
      expect(p.endsWith('\n')).toBe(true);
      expect(p.length).toBeLessThan(65536 + 200);
    }
  });
});

describe('map.txt of a build', () => {
  it('is staged a piece at a time, the same text as formatMapText', async () => {
    const text = conventionalTopology();
    const resolved = resolveTopology(parseTopology(text, 'big.json'));
    const file = mapFiles(resolved).find((f) => f.name === 'map.txt')!;
    const data = file.data();
    expect(typeof data).toBe('object');
    const pieces: string[] = [];
    (data as { pieces: (put: (t: string) => void) => void }).pieces((t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(3);
    const whole = formatMapText(resolved.map);
    expect(pieces.join('')).toBe(whole);
    // Through the stager: the file holds the whole text once committed.
    const target = join(dir, 'out', 'map.txt');
    stageFile(target, data as { pieces: (put: (t: string) => void) => void }).commit();
    expect(readFileSync(target, 'utf8')).toBe(whole);
  });

  it('`ridmap build` writes it as `ridmap map` prints it', async () => {
    const text = conventionalTopology();
    const file = join(dir, 'big-build.json');
    writeFileSync(file, text);
    const out = join(dir, 'build');
    const io = { stdout: () => {}, stderr: () => {} };
    expect(await main(['build', file, '--out', out], io)).not.toBe(2);
    let printed = '';
    await main(['map', file], { stdout: (s: string | Uint8Array) => void (printed += String(s)), stderr: () => {} });
    expect(readFileSync(join(out, 'map.txt'), 'utf8')).toBe(printed);
  });
});
