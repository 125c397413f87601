/**
 * Hex dumps of opaque bytes (unknown tables, raw list items) for text output,
 * through hexy. Addresses are absolute offsets in the table so that a raw
 * dump lines up with the field lines around it.
 */
import { hexy } from 'hexy';

export function hexDumpLines(bytes: Uint8Array, offset: number, indent = '    '): string[] {
  if (bytes.length === 0) return [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = hexy(view, { bytesPerLine: 16, bytesPerGroup: 1, caps: 'upper', displayOffset: offset });
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // hexy upper-cases the bytes but not the address column.
  return lines.map((l) => indent + l.replace(/^[0-9a-f]+:/, (a) => a.toUpperCase()).trimEnd());
}
