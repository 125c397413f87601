/**
 * Decode never throws, whatever the bytes: mutated and truncated VIOTs go
 * through the model (decode, resolve, encode) and the registry's wire form
 * (decode, text, JSON). The model keeps every byte of whatever it decodes:
 * when the table's Length is the data's, encode gives the bytes back with
 * at most the checksum corrected.
 */
import { describe, expect, it } from 'vitest';
import { computeChecksum } from '../../src/acpi/header.js';
import { printTableText } from '../../src/acpi/print-table.js';
import { decodeTable, encodeTable, formatJsonDocument } from '../../src/acpi/table.js';
import { decodeViot } from '../../src/acpi/viot/codec.js';
import { encodeViot } from '../../src/acpi/viot/codec.js';
import { resolveViot } from '../../src/acpi/viot/resolve.js';
import { encodeViotModel, pciRange, smallViot, viotHeader } from '../fixtures/viot/tables.js';
import { expectSameBytes, plain } from './bytes.js';
import { expectedBytes } from './roundtrip.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

const bases = [
  encodeViotModel(smallViot()),
  encodeViotModel({
    ...viotHeader('MIXED'),
    nodes: [
      { type: 'VirtioIommuMmio', baseAddress: 0x0a003e00n },
      { type: 'VirtioIommuPci', segment: 1, bdf: 0x10 },
      pciRange(0x0100, 0x01ff, 0, 1, [1, 3]),
      pciRange(0x0180, 0x02ff, 0xfffffff0, 0),
      { type: 'MmioEndpoint', endpoint: 3, baseAddress: 0x0a000000n, outputNode: { node: 0 } },
    ],
  }),
];


describe('VIOT decode never throws', () => {
  it('on 1500 mutated tables: encode takes every model decode makes; without an error, the same bytes back', () => {
    const rnd = prng(20251121);
    let withErrors = 0;
    for (let i = 0; i < 1500; i++) {
      let b = Uint8Array.from(bases[i % bases.length]!);
      for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
        // Aim at the header's count and offset and at node lengths often: they drive the walk.
        const at = rnd() < 0.4 ? [0x24, 0x26, 0x32, 0x42, 0x50, 0x5a][Math.floor(rnd() * 6)]! : Math.floor(rnd() * b.length);
        b[at] = rnd() < 0.3 ? [0, 1, 2, 3, 4, 0x10, 0x18, 0x30, 0xff][Math.floor(rnd() * 9)]! : Math.floor(rnd() * 256);
      }
      if (rnd() < 0.15) b = b.slice(0, Math.floor(rnd() * b.length));
      const { table, diagnostics } = decodeViot(b);
      const clean = !diagnostics.some((d) => d.severity === 'error');
      if (!clean) withErrors++;
      resolveViot(table);
      if (b.length >= 48) expect(encodeViot(table).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      if (clean) {
        const e = encodeViot(table);
        const want = plain(b);
        want[9] = computeChecksum(want);
        expectSameBytes(e.bytes!, want, `mutation ${i}`);
      }
      const wire = decodeTable(b);
      printTableText(wire);
      formatJsonDocument([wire]);
      if (!wire.diagnostics.some((d) => d.severity === 'error')) {
        expectSameBytes(encodeTable(wire.model).bytes!, expectedBytes(b, wire), `wire ${i}`);
      }
    }
    expect(withErrors).toBeGreaterThan(50);
  });

  it('on random bytes behind a VIOT signature', () => {
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const b = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
      b.set([0x56, 0x49, 0x4f, 0x54].slice(0, b.length));
      resolveViot(decodeViot(b).table);
      printTableText(decodeTable(b));
    }
  });
});
