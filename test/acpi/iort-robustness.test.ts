/**
 * The IORT decoder never throws, whatever the bytes: mutated and truncated
 * tables (counts, offsets and lengths hit often), random bytes behind an
 * IORT signature. Text, JSON and resolving never throw either, and whatever
 * decodes without an error comes back byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { decodeIort, encodeIort, iortFromJson, iortToJson, printIortText } from '../../src/acpi/iort/index.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { prng } from '../../src/fuzz/prng.js';
import { decodeTable } from '../../src/acpi/table.js';
import { encode, everyNodeIort, smallIort } from '../fixtures/iort/iort-tables.js';
import { expectSameBytes } from './bytes.js';
import { expectedBytes } from './roundtrip.js';

/** `deep`: also print the model and resolve it (slower: resolving walks every RID of each root complex). */
function exercise(bytes: Uint8Array, deep: boolean): boolean {
  const d = decodeIort(bytes);
  printIortText(bytes);
  if (deep) printIortText(d.table);
  const json = iortFromJson(JSON.parse(JSON.stringify(iortToJson(d.table))));
  if (deep) resolveIort(d.table);
  const failed = d.diagnostics.some((x) => x.severity === 'error');
  if (!failed) {
    const e = encodeIort(d.table);
    expect(e.diagnostics).toEqual([]);
    expectSameBytes(e.bytes!, expectedBytes(bytes, decodeTable(bytes)));
    expect(json.diagnostics).toEqual([]);
    expectSameBytes(encodeIort(json.table).bytes!, e.bytes!);
  }
  return failed;
}

describe('IORT decode never throws', () => {
  const bases = [encode(everyNodeIort()), encode(smallIort())];

  it('on 2000 mutated tables', () => {
    const rnd = prng(20260101);
    let withErrors = 0;
    for (let i = 0; i < 2000; i++) {
      let b = Uint8Array.from(bases[i % bases.length]!);
      const edits = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * b.length);
        b[at] = rnd() < 0.4 ? [0, 1, 2, 3, 4, 0x10, 0x14, 0x30, 0xff][Math.floor(rnd() * 9)]! : Math.floor(rnd() * 256);
      }
      if (rnd() < 0.15) b = b.slice(0, Math.floor(rnd() * b.length));
      if (exercise(b, i % 40 === 0)) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(100);
  });

  it('on random bytes behind an IORT signature', () => {
    const rnd = prng(11);
    for (let i = 0; i < 1000; i++) {
      const b = Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
      b.set([0x49, 0x4f, 0x52, 0x54].slice(0, b.length));
      exercise(b, i % 50 === 0);
    }
  });
});
