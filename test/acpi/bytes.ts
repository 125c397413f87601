/**
 * Every suite that takes bytes runs with both flavours a caller may pass: a
 * plain Uint8Array (here a view at a non-zero offset into a larger buffer, to
 * catch code that ignores byteOffset) and a Node Buffer.
 */
export type Flavour = readonly [name: string, make: (b: Uint8Array) => Uint8Array];

export const flavours: readonly Flavour[] = [
  ['Uint8Array', (b) => {
    const backing = new Uint8Array(b.length + 16);
    backing.set(b, 7);
    return backing.subarray(7, 7 + b.length);
  }],
  ['Buffer', (b) => Buffer.from(b)],
];

/** Plain bytes for comparing (toEqual treats Buffer and Uint8Array as different). */
export function plain(b: Uint8Array): Uint8Array {
  return Uint8Array.from(b);
}

/**
 * Byte equality that stays fast for multi-megabyte tables (a deep `toEqual`
 * on a DSDT takes seconds) and names the first differing offset.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  throw new Error(`${what} differ at offset 0x${i.toString(16)} (lengths ${a.length} and ${b.length}): ` +
    `got ${a.subarray(i, i + 8).toString('hex')}, want ${b.subarray(i, i + 8).toString('hex')}`);
}
