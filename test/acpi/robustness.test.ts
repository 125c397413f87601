/**
 * Decode never throws, whatever the bytes: mutated and truncated DMARs,
 * random data behind a DMAR signature. Whatever decodes without an error
 * must still round-trip, and text and JSON output must not throw either.
 */
import { describe, expect, it } from 'vitest';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable, encodeTable, formatJsonDocument } from '../../src/acpi/table.js';
import { decodeInput } from '../../src/acpi/decode-input.js';
import { InputError } from '../../src/diagnostic.js';
import { plain } from './bytes.js';
import { encodeModel, everyStructureDmar, smallDmar } from './dmar-fixtures.js';
import { expectedBytes } from './roundtrip.js';

/** A small seeded generator so that failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function exercise(bytes: Uint8Array): { errors: number } {
  const t = decodeTable(bytes);
  printTableText(t);
  formatJsonDocument([t]);
  const errors = t.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors === 0) {
    const e = encodeTable(t.model);
    expect(e.diagnostics).toEqual([]);
    expect(plain(e.bytes!)).toEqual(expectedBytes(bytes, t));
  }
  return { errors };
}

describe('decode never throws', () => {
  const bases = [encodeModel(everyStructureDmar()), encodeModel(smallDmar())];

  it('on 4000 mutated tables (byte changes, lengths, truncation)', () => {
    const rnd = prng(20250101);
    let withErrors = 0;
    for (let i = 0; i < 4000; i++) {
      const base = bases[i % bases.length]!;
      let b = Uint8Array.from(base);
      const edits = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * b.length);
        // Aim at length bytes often: they drive the walk.
        b[at] = rnd() < 0.3 ? [0, 1, 2, 4, 6, 8, 0xff][Math.floor(rnd() * 7)]! : Math.floor(rnd() * 256);
      }
      if (rnd() < 0.2) b = b.slice(0, Math.floor(rnd() * b.length));
      withErrors += exercise(b).errors ? 1 : 0;
    }
    expect(withErrors).toBeGreaterThan(100);
  });

  it('on random bytes behind a DMAR signature', () => {
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const b = Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
      b.set([0x44, 0x4d, 0x41, 0x52].slice(0, b.length));
      exercise(b);
    }
  });

  it('on any input: decodeInput throws nothing but InputError', () => {
    const rnd = prng(99);
    for (let i = 0; i < 500; i++) {
      const b = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
      try {
        decodeInput(b, 'random.bin');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
      }
    }
  });
});
