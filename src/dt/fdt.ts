/**
 * The flattened device tree (DTB) format, devicetree specification chapter 5
 * (formats.md §5.4): the header fields, the structure-block tokens and the
 * version numbers. All integers are big-endian.
 */

export const FDT_MAGIC = 0xd00dfeed;

/** Whether bytes start with the FDT magic (what tells a DTB from anything else). */
export function startsWithFdtMagic(b: Uint8Array): boolean {
  return b.length >= 4 && ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 === FDT_MAGIC;
}

/** Structure block tokens. */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** What we write; dtc's default too. */
export const FDT_VERSION = 17;
/** Oldest version a v17 blob stays compatible with. */
export const FDT_LAST_COMP_VERSION = 16;
/** Oldest version we read: v16 has the v3 header layout (no size_dt_struct). */
export const FDT_MIN_READ_VERSION = 16;

export const FDT_V17_HEADER_SIZE = 40;
export const FDT_V16_HEADER_SIZE = 36;

/** One memory reservation entry: address and size, both u64. */
export const FDT_RESERVE_ENTRY_SIZE = 16;
/** The memory reservation block is 8-byte aligned, the structure block 4-byte aligned. */
export const FDT_RESERVE_ALIGN = 8;
export const FDT_TAG_ALIGN = 4;

/**
 * Deepest node nesting the reader follows. Real trees nest fewer than 16
 * levels (libfdt's own FDT_MAX_DEPTH is 32); past this a blob is hostile or
 * corrupt, and stopping keeps decoding bounded.
 */
export const FDT_MAX_DEPTH = 64;

/** The header: field names as in the specification (camelCase). */
export interface FdtHeader {
  magic: number;
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  /** v17 only. */
  sizeDtStruct?: number;
}

/** Header fields in on-disk order; sizeDtStruct exists from v17. */
export const FDT_HEADER_FIELDS = [
  'magic',
  'totalsize',
  'offDtStruct',
  'offDtStrings',
  'offMemRsvmap',
  'version',
  'lastCompVersion',
  'bootCpuidPhys',
  'sizeDtStrings',
  'sizeDtStruct',
] as const satisfies readonly (keyof FdtHeader)[];

/** n rounded up to a multiple of `to` (n >= 0). In whole numbers: a fractional step (n / to) is a heap number per call while the code is still interpreted, and blob walks call this per token. */
export function alignUp(n: number, to: number): number {
  const r = n % to;
  return r === 0 ? n : n + (to - r);
}
