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
import { ByteWriter } from '../codec/writer.js';
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
import { refText, type DtLayout } from './layout.js';
import { FdtStringTable } from './string-table.js';
import { openClose } from './tree.js';

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

  const out = new ByteWriter(4096);
  const u32 = (v: number) => out.putUint(out.skip(4), 4, false, v);
  const u64 = (v: bigint) => out.append({ kind: 'u64', size: 8, endian: 'be' }, BigInt.asUintN(64, v));
  const pad = () => out.skip(alignUp(out.position, FDT_TAG_ALIGN) - out.position);

  out.skip(alignUp(FDT_V17_HEADER_SIZE, FDT_RESERVE_ALIGN));
  const offMemRsvmap = out.position;
  for (const r of layout.tree.memoryReservations) {
    u64(r.address);
    u64(r.size);
  }
  out.skip(FDT_RESERVE_ENTRY_SIZE); // the all-zero terminator

  const offDtStruct = out.position;
  const strings = new FdtStringTable();
  for (const { kind, node } of openClose(layout.root)) {
    if (kind === 'close') {
      u32(FDT_END_NODE);
      continue;
    }
    u32(FDT_BEGIN_NODE);
    out.appendLatin1(`${node.name}\0`);
    pad();
    for (const p of node.properties) {
      u32(FDT_PROP);
      u32(p.bytes.length);
      u32(strings.offsetOf(p.name));
      out.appendBytes(p.bytes);
      pad();
    }
  }
  u32(FDT_END);

  const offDtStrings = out.position;
  out.appendBytes(strings.bytes());
  const header: FdtHeader = {
    magic: FDT_MAGIC,
    totalsize: out.position,
    offDtStruct,
    offDtStrings,
    offMemRsvmap,
    version: FDT_VERSION,
    lastCompVersion: FDT_LAST_COMP_VERSION,
    bootCpuidPhys: layout.tree.bootCpuidPhys,
    sizeDtStrings: out.position - offDtStrings,
    sizeDtStruct: offDtStrings - offDtStruct,
  };
  FDT_HEADER_FIELDS.forEach((field, i) => out.putUint(i * 4, 4, false, header[field]!));
  return out.finish();
}
