/**
 * Damaged lspci text (lines dropped, repeated, cut, characters changed): the
 * reader gives a snapshot or an InputError, never another exception. A
 * seeded generator, so a failure repeats.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostic.js';
import { readLspci } from '../../src/import/lspci/read-lspci.js';
import { lspciFixture, sections } from './lspci-support.js';
import { prng as random } from '../../src/fuzz/prng.js';

const CHARS = ' \t|+\\-[]:.0123456789abcdefx\n';

function damage(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(rnd() * lines.length);
    const line = lines[i] ?? '';
    switch (Math.floor(rnd() * 5)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, line); break;
      case 2: lines[i] = line.slice(0, Math.floor(rnd() * line.length)); break;
      case 3: {
        const at = Math.floor(rnd() * (line.length + 1));
        lines[i] = line.slice(0, at) + CHARS[Math.floor(rnd() * CHARS.length)] + line.slice(at + 1);
        break;
      }
      default: {
        const j = Math.floor(rnd() * lines.length);
        [lines[i], lines[j]] = [lines[j] ?? '', line];
      }
    }
  }
  return lines.join('\n');
}

function outcome(text: string): 'read' | 'refused' {
  try {
    readLspci(text, 'damaged.txt');
    return 'read';
  } catch (e) {
    if (e instanceof InputError) {
      expect(e.diagnostics).toHaveLength(1);
      expect(e.diagnostics[0]!.file).toBe('damaged.txt');
      return 'refused';
    }
    throw new Error(`not an InputError for:\n${text.slice(0, 2000)}\n${String((e as Error)?.stack ?? e)}`);
  }
}

describe('damaged lspci text', () => {
  const guest = lspciFixture('virt-smmuv3-two.txt');
  const tree = sections(lspciFixture('synthetic.txt')).get('lspci -tvnn')!;

  it.each([
    ['a whole paste', guest, 300],
    ['a two-domain tree', tree, 600],
  ] as const)('%s: a snapshot or an InputError, never a crash', (_what, text, rounds) => {
    const rnd = random(19);
    const seen = { read: 0, refused: 0 };
    for (let r = 0; r < rounds; r++) seen[outcome(damage(text, rnd))]++;
    // Both kinds happen: the damage is neither always fatal nor always harmless.
    expect(seen.read).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
