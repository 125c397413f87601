/** Byte-array helpers the codec and its tools share. */

/** Whether two byte arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The parts one after the other, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i]!, at);
    at += parts[i]!.length;
  }
  return out;
}

/** Characters per String.fromCharCode call: a whole large array as arguments would overflow the stack. */
const LATIN1_CHUNK = 0x2000;

/**
 * Bytes [start, end) as text of one character per byte (latin1 by code, so any
 * content round-trips; TextDecoder's "latin1" is windows-1252 and Buffer is Node's).
 */
export function latin1Text(bytes: Uint8Array, start = 0, end = bytes.length): string {
  // apply takes the typed array as it is; a spread would copy it through an iterator first.
  if (end - start <= LATIN1_CHUNK) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  const parts: string[] = [];
  for (let i = start; i < end; i += LATIN1_CHUNK) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + LATIN1_CHUNK)) as unknown as number[]));
  }
  return parts.join('');
}
