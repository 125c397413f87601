/**
 * The IORT as it sits → bytes and → text. Both walk the same placed parts
 * (wireItems), each written or printed by the codec from its declaration;
 * the table's Length and checksum cover the whole table, so they are set
 * last.
 */
import {
  bytesToHexPairs,
  encode,
  fieldLine,
  printStruct,
  STORED,
  type TextSink,
} from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { CHECKSUM_OFFSET, computeChecksum } from '../header.js';
import { wireItems, type WireTable } from './wire.js';

export interface Written {
  bytes?: Uint8Array;
  diagnostics: Diagnostic[];
}

export function writeWire(w: WireTable, paths: readonly string[]): Written {
  const out = new Uint8Array(w.length);
  const diagnostics: Diagnostic[] = [];
  for (const item of wireItems(w, paths)) {
    if (!('spec' in item)) {
      out.set(item.bytes, item.at);
      continue;
    }
    const e = encode(item.spec, item.model, { path: item.path });
    diagnostics.push(...e.diagnostics);
    if (e.bytes) out.set(e.bytes, item.at);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  new DataView(out.buffer).setUint32(4, w.length, true);
  out[CHECKSUM_OFFSET] = computeChecksum(out);
  return { bytes: out, diagnostics };
}

/**
 * Text of the table. The header shows Length and checksum as the bytes have
 * them: a decoded table keeps what it read; a laid-out one is written first.
 */
export function printWire(w: WireTable, paths: readonly string[], out: TextSink): void {
  if (w.header[STORED]?.['checksum'] === undefined) {
    const bytes = writeWire(w, paths).bytes;
    w.header[STORED] = { ...w.header[STORED], length: w.length, ...(bytes ? { checksum: bytes[CHECKSUM_OFFSET]! } : {}) };
  }
  for (const item of wireItems(w, paths)) {
    if (item.blank) out.nl();
    if ('spec' in item) {
      if (item.heading) out.line(fieldLine(item.at, item.spec.fixedSize, item.heading.label, item.heading.value));
      printStruct(item.spec, item.model, item.at, out);
    } else {
      bytesLines(out, item.at, item.label, item.bytes);
    }
  }
}

/**
 * Bytes no field describes, the way iasl prints a raw buffer: up to 16 on
 * the field line; more as a backslash there and the bytes 16 to a line,
 * each line but the last continued with a backslash.
 */
function bytesLines(out: TextSink, at: number, label: string, b: Uint8Array): void {
  if (b.length <= 16) {
    out.line(fieldLine(at, b.length, label, bytesToHexPairs(b)));
    return;
  }
  out.line(fieldLine(at, b.length, label, '\\'));
  for (let i = 0; i < b.length; i += 16) {
    const last = i + 16 >= b.length;
    out.line('    ' + bytesToHexPairs(b.subarray(i, i + 16)) + (last ? '' : ' \\'));
  }
}
