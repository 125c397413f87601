/**
 * Hex dumps of opaque bytes (unknown tables, raw list items) for text output,
 * through hexy. Addresses are absolute offsets in the table so that a raw
 * dump lines up with the field lines around it.
 */
import { hexy } from 'hexy';

/**
 * What hexy reads the bytes from. Where Node's Buffer exists hexy takes a
 * bare Uint8Array for UTF-8 text, so the bytes go in as a Buffer view (no
 * copy); elsewhere (a browser) hexy indexes the Uint8Array as it is. A number
 * array works in both but costs a third more time on a 1 MB table.
 */
function hexySource(bytes: Uint8Array): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

export function hexDumpLines(bytes: Uint8Array, offset: number, indent = '    '): string[] {
  if (bytes.length === 0) return [];
  const text = hexy(hexySource(bytes) as Buffer, { bytesPerLine: 16, bytesPerGroup: 1, caps: 'upper', displayOffset: offset });
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // hexy upper-cases the bytes but not the address column.
  return lines.map((l) => indent + l.replace(/^[0-9a-f]+:/, (a) => a.toUpperCase()).trimEnd());
}
