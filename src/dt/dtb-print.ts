/**
 * A DTB printed as DTS straight from its bytes: the text
 * formatDts(decodeDtb(bytes).tree) is, byte for byte, without building the
 * tree. Printing a large blob is most of what `ridmap decode board.dtb`
 * does, and a tree of tens of thousands of node, property and chunk objects
 * (a third of the time collecting them) is built only to be walked once.
 *
 * Only for a blob decodeDtb reads without a diagnostic and formatDts prints
 * whole: anything else (a header or block problem, a bad token, a property
 * after a subnode or twice in a node, trailing bytes, a name DTS cannot
 * spell, nesting past FDT_MAX_DEPTH) gives undefined, and the caller
 * decodes the tree, which says what is wrong, and prints that. So this
 * walk only has to recognise the clean case, never to describe the others.
 * Values print through the same rawText as the tree's, names are checked by
 * the same writableInDts.
 */
import { TextSink } from '../codec/text-sink.js';
import { cleanDtbBlocks, cString, type DtbBlocks } from './dtb-read.js';
import { reservationLine } from './dts-write.js';
import { writeRawValue } from './dts-value-text.js';
import { alignUp, FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_MAX_DEPTH, FDT_NOP, FDT_PROP, FDT_TAG_ALIGN } from './fdt.js';
import { writableInDts, writableInDtsBytes } from './names.js';

/** A property name of the blob, and the serial number of the last node that had it (0: none yet; nodes count from 1). */
interface PropertyName {
  readonly name: string;
  owner: number;
  /**
   * By depth, the line's start as bytes: the indentation, the name and ` = `, copied in one native
   * call (a loop per character is what the print costs most before it is optimised).
   */
  readonly leads: Uint8Array[];
}

/** A property line's start at a depth: tabs, the name, ` = `. */
function leadBytes(depth: number, name: string): Uint8Array {
  const lead = new Uint8Array(depth + name.length + 3);
  lead.fill(0x09, 0, depth);
  for (let i = 0; i < name.length; i++) lead[depth + i] = name.charCodeAt(i);
  lead.set([0x20, 0x3d, 0x20], depth + name.length);
  return lead;
}

/** Whether the blob is clean (see above): what decodeDtb reads without a diagnostic and formatDts prints whole. */
export function cleanDtb(bytes: Uint8Array): boolean {
  const blocks = cleanDtbBlocks(bytes);
  return blocks !== undefined && walk(bytes, blocks);
}

/** The text, or undefined when the blob is not clean (see above). */
export function printDtb(bytes: Uint8Array): string | undefined {
  const sink = new TextSink();
  return writeDtb(bytes, sink) ? sink.toString() : undefined;
}

/**
 * The text written into `sink` (which may stream it), or false, with
 * nothing written, when the blob is not clean: the structure is walked once
 * to see that it is, and again to print, since streamed text cannot be taken back.
 */
export function writeDtb(bytes: Uint8Array, sink: TextSink): boolean {
  if (!cleanDtb(bytes)) return false;
  writeCleanDtb(bytes, sink);
  return true;
}

/** writeDtb of a blob cleanDtb has said is clean (a caller that asked already saves a walk). */
export function writeCleanDtb(bytes: Uint8Array, sink: TextSink): void {
  const blocks = cleanDtbBlocks(bytes)!;
  sink.str('/dts-v1/;\n\n');
  for (const r of blocks.reservations) sink.line(reservationLine(r));
  walk(bytes, blocks, sink);
}

/** One walk of the structure block: true when it is clean; with a sink, printing it. */
function walk(blob: Uint8Array, { struct, strings }: DtbBlocks, sink?: TextSink): boolean {
  // A plain view of the bytes: a Node Buffer's subarray (a name, a string value) costs a Buffer each.
  const bytes = new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stringsSize = strings.end - strings.start;

  /**
   * Property names by strings-block offset; null for one that is unterminated or that DTS cannot spell.
   * Each name is one entry, however many offsets spell it, holding the serial number of the last node
   * that had it: a second one in a node is decodeDtb's warning. One lookup by offset per property.
   */
  const byOffset = new Map<number, PropertyName | null>();
  const byName = new Map<string, PropertyName>();
  const propertyName = (nameoff: number): PropertyName | null => {
    let entry = byOffset.get(nameoff);
    if (entry === undefined) {
      const read = nameoff < stringsSize ? cString(bytes, strings.start + nameoff, strings.end) : undefined;
      entry = read !== undefined && writableInDts(read) ? (byName.get(read) ?? { name: read, owner: 0, leads: [] }) : null;
      if (entry) byName.set(entry.name, entry);
      byOffset.set(nameoff, entry);
    }
    return entry;
  };

  /** Open nodes; the root is depth 0. */
  let open = 0;
  let seenRoot = false;
  let serial = 0;
  /** Properties may still come: no child of the innermost open node has been opened yet. */
  let propertiesAllowed = false;
  // The block's bounds as integers: clamp() leaves them in fields that hold doubles, and an offset derived from one
  // is a double too, which optimised code boxes (a heap number) each time it passes one to a call: megabytes of
  // garbage for a large blob, a scavenge every few thousand properties.
  const structStart = struct.start | 0;
  const structEnd = struct.end | 0;
  let at = structStart;
  const align = (to: number) => structStart + alignUp(to - structStart, FDT_TAG_ALIGN);

  for (;;) {
    if (at + 4 > structEnd) return false;
    const token = view.getUint32(at);
    at += 4;
    if (token === FDT_NOP) continue;

    if (token === FDT_BEGIN_NODE) {
      let end = at;
      while (end < structEnd && bytes[end] !== 0) end++;
      if (end === structEnd) return false;
      const nameStart = at;
      at = align(end + 1);
      if (open === 0) {
        if (seenRoot || end > nameStart) return false;
        seenRoot = true;
      } else if (!sink && (open >= FDT_MAX_DEPTH || !writableInDtsBytes(bytes, nameStart, end))) {
        return false;
      }
      if (sink) {
        // `\n<tabs>name {\n` (the root: `/ {\n`), written into the sink's buffer (TextSink.room).
        const out = sink.room(open + end - nameStart + 5);
        let p = sink.pos;
        if (open === 0) out[p++] = 0x2f; // /
        else {
          out[p++] = 0x0a;
          for (let i = 0; i < open; i++) out[p++] = 0x09;
          for (let i = nameStart; i < end; i++) out[p++] = bytes[i]!;
        }
        out[p++] = 0x20;
        out[p++] = 0x7b; // {
        out[p++] = 0x0a;
        sink.pos = p;
      }
      open++;
      serial++;
      propertiesAllowed = true;
      continue;
    }

    if (token === FDT_END_NODE) {
      if (open === 0) return false;
      open--;
      if (sink) {
        const out = sink.room(open + 3);
        let p = sink.pos;
        for (let i = 0; i < open; i++) out[p++] = 0x09;
        out[p++] = 0x7d; // }
        out[p++] = 0x3b; // ;
        out[p++] = 0x0a;
        sink.pos = p;
      }
      // Back in the parent, which has had a child: a property now is one after a subnode.
      propertiesAllowed = false;
      continue;
    }

    if (token === FDT_PROP) {
      if (at + 8 > structEnd) return false;
      const len = view.getUint32(at);
      const nameoff = view.getUint32(at + 4);
      at += 8;
      if (len > structEnd - at || open === 0 || !propertiesAllowed) return false;
      const entry = propertyName(nameoff);
      if (entry === null || entry.owner === serial) return false;
      entry.owner = serial;
      if (sink) {
        // `<tabs>name = value;\n`, or `<tabs>name;\n` for an empty value (the lead without its ` = `).
        const lead = (entry.leads[open] ??= leadBytes(open, entry.name));
        let out = sink.room(lead.length + 2);
        let p = sink.pos;
        out.set(lead, p);
        p += len > 0 ? lead.length : lead.length - 3;
        if (len > 0) {
          sink.pos = p;
          writeRawValue(sink, bytes, at, at + len);
          out = sink.room(2);
          p = sink.pos;
        }
        out[p++] = 0x3b; // ;
        out[p++] = 0x0a;
        sink.pos = p;
      }
      at = align(at + len);
      continue;
    }

    // FDT_END: clean only with every node closed, a root, and nothing after it in the block.
    return token === FDT_END && open === 0 && seenRoot && at === structEnd;
  }
}
