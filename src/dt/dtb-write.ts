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

  // Sizes first, so that the blob is written once into a buffer of its exact size; names
  // enter the strings block in the order the structure block first uses them, as in dtc.
  // Values are written straight from the tree into the blob, not each into a buffer first.
  const resolve = resolverOf(layout);
  const strings = new FdtStringTable();
  const phandleName = 'phandle';
  const nameOffsets: number[] = [];
  const lengths: number[] = [];
  /** Each open's node name, made once for both passes. */
  const names: string[] = [];
  let structSize = 4; // FDT_END
  // One list of opens and closes for both passes; indexed loops, since a cold for-of allocates a result per step.
  const events = openClose(layout.tree.root);
  for (let e = 0; e < events.length; e++) {
    const { kind, node } = events[e]!;
    if (kind === 'close') {
      structSize += 4;
      continue;
    }
    const name = fullName(node);
    names.push(name);
    structSize += 4 + alignUp(name.length + 1, FDT_TAG_ALIGN);
    for (let i = 0; i < node.properties.length; i++) {
      const p = node.properties[i]!;
      const length = valueLength(p.value, resolve);
      lengths.push(length);
      structSize += 12 + alignUp(length, FDT_TAG_ALIGN);
      nameOffsets.push(strings.offsetOf(p.name));
    }
    if (layout.assigned.has(node)) {
      structSize += 12 + 4;
      nameOffsets.push(strings.offsetOf(phandleName));
    }
  }
  const stringBytes = strings.bytes();
  const reservations = layout.tree.memoryReservations;
  const offMemRsvmap = alignUp(FDT_V17_HEADER_SIZE, FDT_RESERVE_ALIGN);
  const offDtStruct = offMemRsvmap + (reservations.length + 1) * FDT_RESERVE_ENTRY_SIZE;
  const offDtStrings = offDtStruct + structSize;
  const out = new Uint8Array(offDtStrings + stringBytes.length);
  const view = new DataView(out.buffer);

  reservations.forEach((r, i) => {
    view.setBigUint64(offMemRsvmap + i * FDT_RESERVE_ENTRY_SIZE, BigInt.asUintN(64, r.address));
    view.setBigUint64(offMemRsvmap + i * FDT_RESERVE_ENTRY_SIZE + 8, BigInt.asUintN(64, r.size));
  });
  // The all-zero terminator entry, the NULs after strings and the padding are the buffer's zeros.
  let at = offDtStruct;
  let nameIndex = 0;
  let lengthIndex = 0;
  let nodeIndex = 0;
  const property = (length: number): number => {
    view.setUint32(at, FDT_PROP);
    view.setUint32(at + 4, length);
    view.setUint32(at + 8, nameOffsets[nameIndex++]!);
    const start = at + 12;
    at = start + alignUp(length, FDT_TAG_ALIGN);
    return start;
  };
  for (let e = 0; e < events.length; e++) {
    const { kind, node } = events[e]!;
    if (kind === 'close') {
      view.setUint32(at, FDT_END_NODE);
      at += 4;
      continue;
    }
    const name = names[nodeIndex++]!;
    view.setUint32(at, FDT_BEGIN_NODE);
    writeByteString(out, at + 4, name);
    at += 4 + alignUp(name.length + 1, FDT_TAG_ALIGN);
    for (let i = 0; i < node.properties.length; i++) writeValue(out, property(lengths[lengthIndex++]!), node.properties[i]!.value, resolve);
    if (layout.assigned.has(node)) view.setUint32(property(4), layout.phandleOf.get(node)!);
  }
  view.setUint32(at, FDT_END);
  out.set(stringBytes, offDtStrings);

  const header: FdtHeader = {
    magic: FDT_MAGIC,
    totalsize: out.length,
    offDtStruct,
    offDtStrings,
    offMemRsvmap,
    version: FDT_VERSION,
    lastCompVersion: FDT_LAST_COMP_VERSION,
    bootCpuidPhys: layout.tree.bootCpuidPhys,
    sizeDtStrings: stringBytes.length,
    sizeDtStruct: structSize,
  };
  FDT_HEADER_FIELDS.forEach((field, i) => view.setUint32(i * 4, header[field]!));
  return out;
}
