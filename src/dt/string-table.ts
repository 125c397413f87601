/**
 * The FDT strings block as dtc (and libfdt) build it: names are appended in
 * first-use order, and a name that already occurs anywhere in the block as a
 * NUL-terminated tail is not added again but points into it (after
 * "dma-ranges", "ranges" is offset +4). Matching that rule is what makes our
 * DTB equal dtc's byte for byte.
 *
 * Every tail of every added name is indexed once, so lookups are a map hit
 * rather than dtc's scan of the whole block. Names are byte strings (one char
 * per byte), as the reader decodes them.
 */
import { writeByteString } from './byte-string.js';

export class FdtStringTable {
  private readonly parts: string[] = [];
  private size = 0;
  /** Each tail of each stored string → the lowest offset where it starts (what a front-to-back scan finds). */
  private readonly offsets = new Map<string, number>();

  offsetOf(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    const offset = this.size;
    this.parts.push(name);
    this.size += name.length + 1;
    for (let i = 0; i <= name.length; i++) {
      const tail = name.slice(i);
      if (!this.offsets.has(tail)) this.offsets.set(tail, offset + i);
    }
    return offset;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      at = writeByteString(out, at, part);
      out[at++] = 0;
    }
    return out;
  }
}
