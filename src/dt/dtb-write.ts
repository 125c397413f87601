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
import { fullName, openClose } from './tree.js';
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

  // One pass over the tree writes the structure block into a buffer that doubles when full
  // (a pass to size it first cost as much again); names enter the strings block in the order
  // the structure block first uses them, as in dtc. Values are written straight from the
  // tree into the blob, not each into a buffer first.
  const resolve = resolverOf(layout);
  const strings = new FdtStringTable();
  const reservations = layout.tree.memoryReservations;
  const offMemRsvmap = alignUp(FDT_V17_HEADER_SIZE, FDT_RESERVE_ALIGN);
  const offDtStruct = offMemRsvmap + (reservations.length + 1) * FDT_RESERVE_ENTRY_SIZE;
  let out = new Uint8Array(offDtStruct + 65536);
  let view = new DataView(out.buffer);
  let at = offDtStruct;
  /** Room for n more bytes at `at` (the padding after them included: it is the buffer's zeros). */
  const room = (n: number) => {
    if (at + n <= out.length) return;
    const bigger = new Uint8Array(Math.max(2 * out.length, at + n));
    bigger.set(out.subarray(0, at));
    out = bigger;
    view = new DataView(out.buffer);
  };
  /** A property's tag, length and name offset; returns where its value goes. */
  const property = (name: string, length: number): number => {
    room(12 + length + FDT_TAG_ALIGN);
    view.setUint32(at, FDT_PROP);
    view.setUint32(at + 4, length);
    view.setUint32(at + 8, strings.offsetOf(name));
    const start = at + 12;
    at = start + alignUp(length, FDT_TAG_ALIGN);
    return start;
  };
  // Indexed: a cold for-of allocates a result per step.
  const events = openClose(layout.tree.root);
  for (let e = 0; e < events.length; e++) {
    const { kind, node } = events[e]!;
    if (kind === 'close') {
      room(4);
      view.setUint32(at, FDT_END_NODE);
      at += 4;
      continue;
    }
    const name = fullName(node);
    room(4 + name.length + FDT_TAG_ALIGN);
    view.setUint32(at, FDT_BEGIN_NODE);
    writeByteString(out, at + 4, name);
    at += 4 + alignUp(name.length + 1, FDT_TAG_ALIGN);
    // property() may move the blob to a bigger buffer: `out` and `view` are read after it.
    for (let i = 0; i < node.properties.length; i++) {
      const p = node.properties[i]!;
      const start = property(p.name, valueLength(p.value, resolve));
      writeValue(out, start, p.value, resolve);
    }
    if (layout.assigned.has(node)) {
      const start = property('phandle', 4);
      view.setUint32(start, layout.phandleOf.get(node)!);
    }
  }
  room(4);
  view.setUint32(at, FDT_END);
  at += 4;

  // The blob at its exact size: header, reservations, the structure block as written, the strings.
  const stringBytes = strings.bytes();
  const offDtStrings = at;
  const blob = new Uint8Array(offDtStrings + stringBytes.length);
  blob.set(out.subarray(0, at));
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
    bootCpuidPhys: layout.tree.bootCpuidPhys,
    sizeDtStrings: stringBytes.length,
    sizeDtStruct: offDtStrings - offDtStruct,
  };
  FDT_HEADER_FIELDS.forEach((field, i) => blobView.setUint32(i * 4, header[field]!));
  return blob;
}
