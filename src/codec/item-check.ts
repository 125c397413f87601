/**
 * The checks of a list item's length against its header, its parent and its
 * type, stated once for decode (decode.ts, which keeps the findings with
 * their structure paths) and for the clean walk (clean-walk.ts, which only
 * needs to know that there was one: then the table goes the model's way).
 */
import type { Severity } from '../diagnostic.js';
import { BinCode } from './codes.js';
import type { StructSpec, UnionSpec } from './struct.js';

/** Where findings go. */
export interface FindingSink {
  report(severity: Severity, code: string, offset: number, message: string): void;
}

/** A sink that notes that something was found and keeps nothing (the clean walk's). */
export class FoundAny implements FindingSink {
  found = false;

  report(): void {
    this.found = true;
  }
}

// Offsets and structure types in hexadecimal: the specs number types so (IVRS 10h, a 51h block), and "type 81" would read as another type.
export const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Checks one list item at `pos` of `len` bytes (its header is there) inside
 * a parent ending at `end`; returns where the item ends (clamped to `end`
 * when it runs past and the walk goes on), or undefined when the walk must
 * stop there. `variant` is the item's declaration by its type, if any.
 */
export function listItemEnd(f: FindingSink, u: UnionSpec, variant: StructSpec | undefined, name: string, tag: number, len: number,
  pos: number, end: number, stopOnOverrun: boolean): number | undefined {
  if (len === 0) {
    f.report('error', BinCode.zeroLength, pos,
      `${name} (type ${hex(tag)}) has length 0; the walk stops, the remaining ${end - pos} byte(s) are kept undecoded`);
    return undefined;
  }
  if (len < u.headerSize) {
    f.report('error', BinCode.lengthShort, pos,
      `${name} (type ${hex(tag)}) has length ${len}, shorter than its ${u.headerSize}-byte header; the walk stops, the remaining ${end - pos} byte(s) are kept undecoded`);
    return undefined;
  }
  let itemEnd = pos + len;
  if (itemEnd > end && stopOnOverrun) {
    f.report('error', BinCode.lengthOverrun, pos,
      `${name} length ${len} runs ${itemEnd - end} byte(s) past the end of its parent at ${hex(end)}; the walk stops, the remaining ${end - pos} byte(s) are kept undecoded`);
    return undefined;
  }
  if (itemEnd > end) {
    f.report('error', BinCode.lengthOverrun, pos,
      `${name} length ${len} runs ${itemEnd - end} byte(s) past the end of its parent at ${hex(end)}; decoding what is there`);
    itemEnd = end;
  }
  if (!variant) {
    f.report(u.unknownSeverity, BinCode.unknownType, pos, `${u.name} type ${hex(tag)} is not known; kept as ${itemEnd - pos} raw bytes`);
  } else if (itemEnd - pos < variant.fixedSize && itemEnd - pos === len) {
    f.report('error', BinCode.lengthShort, pos,
      `${name} length ${len} is shorter than its fixed part (${variant.fixedSize} bytes); kept as raw bytes`);
  }
  return itemEnd;
}
