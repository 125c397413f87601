/**
 * The tree to a DTB, laid out exactly as dtc lays it out by default, so that
 * `dtc -I dts -O dtb` of our DTS equals our bytes:
 *   - header version 17, last_comp_version 16, boot_cpuid_phys from the tree;
 *   - memory reservation block at 40 (the v17 header size, already 8-byte
 *     aligned), its entries and the all-zero terminator;
 *   - structure block right after it, strings block right after that, no
 *     padding anywhere and totalsize = the end of the strings;
 *   - the strings block in first-use order with tail sharing (string-table.ts);
 *   - phandles as dtc assigns them (layout.ts).
 * No difference from dtc 1.6 is known: the tests compile every example board
 * and a DTS using every construct we parse with dtc and compare bytes.
 * Encoding is strict: a tree whose references do not resolve, or whose cells
 * name undefined macros, is refused with every problem listed.
 */
import { ByteWriter } from '../codec/writer.js';
import { InputError, type Diagnostic } from '../diagnostic.js';
import { writeByteString } from './byte-string.js';
import {
  alignUp,
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_FIELDS,
  FDT_LAST_COMP_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_RESERVE_ALIGN,
  FDT_RESERVE_ENTRY_SIZE,
  FDT_TAG_ALIGN,
  FDT_V17_HEADER_SIZE,
  FDT_VERSION,
  type FdtHeader,
} from './fdt.js';
import { refText, resolverOf, type DtLayout } from './layout.js';
import { FdtStringTable } from './string-table.js';
import { fullName, openClose, type DtReservation } from './tree.js';
import { valueLength, writeValue } from './value-bytes.js';

/** Refuses what dtc would refuse: dangling references, undefined macros, duplicate labels or phandles. */
export function layoutProblems(layout: DtLayout): Diagnostic[] {
  return [
    ...layout.diagnostics.filter((d) => d.severity === 'error'),
    ...layout.dangling.map(
      (d): Diagnostic => ({
        severity: 'error',
        code: 'dt-dangling-phandle',
        path: d.path,
        message: `reference ${refText(d.ref)} names no node`,
      }),
    ),
    ...[...layout.unresolved].map(
      ([p, path]): Diagnostic => ({
        severity: 'error',
        code: 'dts-needs-preprocessing',
        path,
        message: `property ${p.name} has cells that name undefined macros; its bytes are unknown`,
      }),
    ),
  ];
}

export function encodeDtb(layout: DtLayout): Uint8Array {
  const problems = layoutProblems(layout);
  if (problems.length > 0) throw new InputError(problems);

  // One pass over the tree writes the structure block; names enter the strings block in the order
  // the structure block first uses them, as in dtc. Values are written straight from the
  // tree into the blob, not each into a buffer first.
  const resolve = resolverOf(layout);
  const strings = new FdtStringTable();
  const reservations = layout.tree.memoryReservations;
  const w = new FdtStructWriter(structOffset(reservations.length));
  // Indexed: a cold for-of allocates a result per step.
  const events = openClose(layout.tree.root);
  for (let e = 0; e < events.length; e++) {
    const { kind, node } = events[e]!;
    if (kind === 'close') {
      w.endNode();
      continue;
    }
    w.beginNode(fullName(node));
    for (let i = 0; i < node.properties.length; i++) {
      const p = node.properties[i]!;
      const start = w.property(strings.offsetOf(p.name), valueLength(p.value, resolve));
      writeValue(w.bytes, start, p.value, resolve);
    }
    if (layout.assigned.has(node)) w.phandle(strings.offsetOf('phandle'), layout.phandleOf.get(node)!);
  }
  w.end();
  return fdtBlob(w.bytes, w.position, strings, reservations, layout.tree.bootCpuidPhys);
}

/**
 * A structure block written token by token into encode's growable buffer,
 * from the offset given (the room before it is the header's and the
 * reservations'). The padding after names and values is the buffer's zeros.
 */
export class FdtStructWriter extends ByteWriter {
  constructor(start: number) {
    // A large tree's block is MBs: start at 64 KiB rather than double up from encode's 256 bytes.
    super(65536);
    this.skip(start);
  }

  beginNode(fullName: string): void {
    const at = this.skip(4 + alignUp(fullName.length + 1, FDT_TAG_ALIGN));
    this.putU32be(at, FDT_BEGIN_NODE);
    writeByteString(this.bytes, at + 4, fullName);
  }

  /** A property's tag, length and name offset, with room for its value: returns where the value goes in `bytes` (read after this call). */
  property(nameoff: number, length: number): number {
    const at = this.skip(12 + alignUp(length, FDT_TAG_ALIGN));
    this.putU32be(at, FDT_PROP);
    this.putU32be(at + 4, length);
    this.putU32be(at + 8, nameoff);
    return at + 12;
  }

  /** A node's `phandle` property. */
  phandle(nameoff: number, phandle: number): void {
    this.putU32be(this.property(nameoff, 4), phandle);
  }

  endNode(): void {
    this.putU32be(this.skip(4), FDT_END_NODE);
  }

  end(): void {
    this.putU32be(this.skip(4), FDT_END);
  }
}

/** Where the structure block starts, after the header and `count` reservations and their terminator. */
export function structOffset(count: number): number {
  return alignUp(FDT_V17_HEADER_SIZE, FDT_RESERVE_ALIGN) + (count + 1) * FDT_RESERVE_ENTRY_SIZE;
}

/**
 * The blob around a structure block written into `out` from
 * structOffset(reservations.length) to `end`, FDT_END included (the bytes
 * before it are left for the header and reservations): at its exact size,
 * with the strings block right after the structure block.
 */
export function fdtBlob(out: Uint8Array, end: number, strings: FdtStringTable, reservations: readonly DtReservation[], bootCpuidPhys: number): Uint8Array {
  const offMemRsvmap = alignUp(FDT_V17_HEADER_SIZE, FDT_RESERVE_ALIGN);
  const offDtStruct = structOffset(reservations.length);
  const stringBytes = strings.bytes();
  const offDtStrings = end;
  const blob = new Uint8Array(offDtStrings + stringBytes.length);
  blob.set(out.subarray(0, end));
  blob.set(stringBytes, offDtStrings);
  const blobView = new DataView(blob.buffer);
  reservations.forEach((r, i) => {
    blobView.setBigUint64(offMemRsvmap + i * FDT_RESERVE_ENTRY_SIZE, BigInt.asUintN(64, r.address));
    blobView.setBigUint64(offMemRsvmap + i * FDT_RESERVE_ENTRY_SIZE + 8, BigInt.asUintN(64, r.size));
  });
  // The all-zero terminator entry, the NULs after strings and the padding are the buffers' zeros.
  const header: FdtHeader = {
    magic: FDT_MAGIC,
    totalsize: blob.length,
    offDtStruct,
    offDtStrings,
    offMemRsvmap,
    version: FDT_VERSION,
    lastCompVersion: FDT_LAST_COMP_VERSION,
    bootCpuidPhys,
    sizeDtStrings: stringBytes.length,
    sizeDtStruct: offDtStrings - offDtStruct,
  };
  FDT_HEADER_FIELDS.forEach((field, i) => blobView.setUint32(i * 4, header[field]!));
  return blob;
}
