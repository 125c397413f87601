/**
 * Fixed-size field types. Each name carries its width and byte order
 * (DESIGN practice 4): ACPI is little-endian, FDT big-endian. Values are
 * `number` up to 32 bits, `bigint` for 64 bits, latin1 `string` for fixed
 * ASCII (every byte maps to one char, so any bytes round-trip) and
 * `Uint8Array` for opaque bytes.
 */

export type Endian = 'le' | 'be';

export interface UintType {
  readonly kind: 'uint';
  readonly size: 1 | 2 | 3 | 4;
  readonly endian: Endian;
}

export interface U64Type {
  readonly kind: 'u64';
  readonly size: 8;
  readonly endian: Endian;
}

/** Fixed-width text, not NUL-terminated; `pad` fills a shorter value on encode. */
export interface AsciiType {
  readonly kind: 'ascii';
  readonly size: number;
  readonly pad: number;
}

export interface BytesType {
  readonly kind: 'bytes';
  readonly size: number;
}

/**
 * Reserved bytes: kept as read (non-zero content is reported on decode and
 * written back on encode), absent from the model when all zero. `show` picks
 * iasl's rendering: a little-endian integer (`0000`) or a byte list (`00 00`).
 */
export interface ReservedType {
  readonly kind: 'reserved';
  readonly size: number;
  readonly show: 'int' | 'bytes';
}

export interface FlagBit {
  /** Lowest bit of the field. */
  readonly bit: number;
  /** Number of bits (1 for a flag, more for a small number inside the flags). */
  readonly width?: number;
  /** Name as the spec writes it (`INCLUDE_PCI_ALL`). */
  readonly name: string;
  /** Text of the line beneath the field, as iasl prints it. */
  readonly label: string;
  /**
   * iasl prints the bit's line only when a field of the root (the table's
   * revision) is at least `value`: it picks the flag list by revision (MADT
   * GICC Online Capable since MADT revision 6). The bit keeps its name in JSON.
   */
  readonly printedSince?: { readonly rootKey: string; readonly value: number };
}

/** An integer whose bits have names; bits not named are reserved. */
export interface FlagsType {
  readonly kind: 'flags';
  readonly base: UintType;
  readonly bits: readonly FlagBit[];
  /** Bits no FlagBit names: reserved. */
  readonly reservedMask: number;
  /** False where iasl prints the value alone: the bits still have names (JSON, checks), but no text lines. */
  readonly printBits?: boolean;
}

/** An integer with names for its values (printed as `01 [PCI Endpoint Device]`). */
export interface EnumType {
  readonly kind: 'enum';
  readonly base: UintType;
  readonly names: ReadonlyMap<number, string>;
  /** Shown for values without a name. */
  readonly unknownName: string;
  /** False where iasl prints the number alone: the values still have names (checks), but text shows no `[name]`. */
  readonly printName?: boolean;
}

export type FixedType = UintType | U64Type | AsciiType | BytesType | ReservedType | FlagsType | EnumType;
export type FixedValue = number | bigint | string | Uint8Array;

export const u8: UintType = { kind: 'uint', size: 1, endian: 'le' };
export const u16le: UintType = { kind: 'uint', size: 2, endian: 'le' };
export const u24le: UintType = { kind: 'uint', size: 3, endian: 'le' };
export const u32le: UintType = { kind: 'uint', size: 4, endian: 'le' };
export const u64le: U64Type = { kind: 'u64', size: 8, endian: 'le' };
export const u16be: UintType = { kind: 'uint', size: 2, endian: 'be' };
export const u32be: UintType = { kind: 'uint', size: 4, endian: 'be' };
export const u64be: U64Type = { kind: 'u64', size: 8, endian: 'be' };

export function ascii(size: number, pad = ' '): AsciiType {
  return { kind: 'ascii', size, pad: pad.charCodeAt(0) };
}

export function bytes(size: number): BytesType {
  return { kind: 'bytes', size };
}

export function reservedBytes(size: number, show: 'int' | 'bytes' = size <= 4 ? 'int' : 'bytes'): ReservedType {
  return { kind: 'reserved', size, show };
}

export function flags(base: UintType, bits: readonly FlagBit[], opts: { printBits?: boolean } = {}): FlagsType {
  let named = 0;
  // Indexed loops here and in enumOf: declarations are built once, by code the interpreter runs, where for-of
  // and Object.entries allocate a result or a pair per element (issue 21).
  for (let i = 0; i < bits.length; i++) named |= ((1 << (bits[i]!.width ?? 1)) - 1) << bits[i]!.bit;
  const all = base.size >= 4 ? 0xffffffff : (1 << (8 * base.size)) - 1;
  return { kind: 'flags', base, bits, reservedMask: (all & ~named) >>> 0, ...opts };
}

export function enumOf(base: UintType, names: Record<number, string>, unknownName = 'Unknown', opts: { printName?: boolean } = {}): EnumType {
  const map = new Map<number, string>();
  const keys = Object.keys(names);
  for (let i = 0; i < keys.length; i++) map.set(Number(keys[i]), names[Number(keys[i])]!);
  return { kind: 'enum', base, names: map, unknownName, ...opts };
}

export function sizeOfType(t: FixedType): number {
  return t.kind === 'flags' || t.kind === 'enum' ? t.base.size : t.size;
}

/** The integer type behind a numeric field, or undefined for text/bytes. */
export function intBase(t: FixedType): UintType | U64Type | undefined {
  if (t.kind === 'uint' || t.kind === 'u64') return t;
  if (t.kind === 'flags' || t.kind === 'enum') return t.base;
  return undefined;
}

export function bitValue(value: number, b: FlagBit): number {
  return (value >>> b.bit) & ((1 << (b.width ?? 1)) - 1);
}

/**
 * Checks that a value fits a field type; returns a message or undefined. Used
 * by encode (models built in code) and by fromJson after conversion, so both
 * refuse the same things.
 */
export function checkFixedValue(t: FixedType, v: unknown): string | undefined {
  switch (t.kind) {
    case 'uint':
    case 'flags':
    case 'enum': {
      const size = t.kind === 'uint' ? t.size : t.base.size;
      const max = 2 ** (8 * size) - 1;
      if (typeof v !== 'number' || !Number.isInteger(v)) return `expected an integer, got ${describe(v)}`;
      if (v < 0 || v > max) return `${v} does not fit in ${size} byte(s) (0..0x${max.toString(16)})`;
      return undefined;
    }
    case 'u64':
      if (typeof v !== 'bigint') return `expected a 64-bit integer (bigint), got ${describe(v)}`;
      if (v < 0n || v > 0xffff_ffff_ffff_ffffn) return `${v} does not fit in 8 bytes`;
      return undefined;
    case 'ascii': {
      if (typeof v !== 'string') return `expected a string, got ${describe(v)}`;
      if (v.length > t.size) return `"${v}" is longer than ${t.size} characters`;
      for (let i = 0; i < v.length; i++) {
        if (v.charCodeAt(i) > 0xff) return `"${v}" has a character outside latin1 at position ${i}`;
      }
      return undefined;
    }
    case 'bytes':
    case 'reserved':
      if (!(v instanceof Uint8Array)) return `expected bytes, got ${describe(v)}`;
      if (v.length !== t.size) return `expected ${t.size} bytes, got ${v.length}`;
      return undefined;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return typeof v === 'string' ? `"${v}"` : `${typeof v} ${String(v)}`;
}
