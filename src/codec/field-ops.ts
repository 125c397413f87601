/**
 * A fixed field compiled once per member: how its value is read and what
 * decode finds about that value (reserved bytes or bits set, a value without
 * a name). decode.ts reports what `check` finds; the clean walk
 * (clean-walk.ts) calls a structure clean only where `check` finds nothing.
 * The field checks are stated here once, for both: a new kind of field
 * finding is added here or nowhere.
 */
import { BinCode } from './codes.js';
import type { FixedValue } from './primitives.js';
import { sizeOfType } from './primitives.js';
import type { ByteReader } from './reader.js';
import type { FieldMember } from './struct.js';

/** What decode finds about one field's value, by its diagnostic code. */
export type FieldFinding = typeof BinCode.reservedNonZero | typeof BinCode.reservedBits | typeof BinCode.unknownEnum;

export interface FieldOp {
  readonly size: number;
  /** The value as decode keeps it; undefined for reserved bytes (kept only when not zero, as their bytes). */
  readonly read: (r: ByteReader, at: number) => FixedValue | undefined;
  /**
   * What decode reports about the value `v` read at `at` (for reserved bytes, about the bytes there), or
   * undefined; itself undefined for fields with nothing to check (most: the walk then makes no call for them).
   * Every op has both members, so that all have one shape (V8 reads them fast).
   */
  readonly check: ((r: ByteReader, v: FixedValue | undefined, at: number) => FieldFinding | undefined) | undefined;
}

const ops = new WeakMap<FieldMember, FieldOp>();

/** The compiled form of a fixed field, made on first use. */
export function fieldOp(m: FieldMember): FieldOp {
  let op = ops.get(m);
  if (!op) ops.set(m, (op = compileField(m)));
  return op;
}

function compileField(m: FieldMember): FieldOp {
  const t = m.type;
  const size = sizeOfType(t);
  switch (t.kind) {
    case 'reserved':
      return { size, read: readNothing, check: (r, _v, at) => (r.isZero(at, at + size) ? undefined : BinCode.reservedNonZero) };
    case 'u64': {
      const le = t.endian === 'le';
      return { size, read: (r, at) => r.view.getBigUint64(at, le), check: undefined };
    }
    case 'ascii':
      return { size, read: (r, at) => r.latin1(at, at + size), check: undefined };
    case 'bytes':
      return { size, read: (r, at) => r.bytes.slice(at, at + size), check: undefined };
    default: {
      const base = t.kind === 'uint' ? t : t.base;
      const read = uintReader(base.size, base.endian === 'le');
      // A quiet field is the raw form of a union item: its type was reported already.
      if (m.quiet || t.kind === 'uint') return { size, read, check: undefined };
      if (t.kind === 'flags') {
        const mask = t.reservedMask;
        return { size, read, check: (_r, v) => (((v as number) & mask) === 0 ? undefined : BinCode.reservedBits) };
      }
      const names = t.names;
      return { size, read, check: (_r, v) => (names.has(v as number) ? undefined : BinCode.unknownEnum) };
    }
  }
}

/**
 * Integer readers specialised by width and byte order (the hot case: most
 * fields are these), one function each shared by every field of that
 * width: compiling a field makes no closure for them.
 */
const readU8: FieldOp['read'] = (r, at) => r.bytes[at]!;
const readU16le: FieldOp['read'] = (r, at) => r.view.getUint16(at, true);
const readU16be: FieldOp['read'] = (r, at) => r.view.getUint16(at, false);
const readU32le: FieldOp['read'] = (r, at) => r.view.getUint32(at, true);
const readU32be: FieldOp['read'] = (r, at) => r.view.getUint32(at, false);
/** Reserved bytes: no value is kept. */
const readNothing: FieldOp['read'] = () => undefined;

function uintReader(size: number, le: boolean): FieldOp['read'] {
  switch (size) {
    case 1:
      return readU8;
    case 2:
      return le ? readU16le : readU16be;
    case 4:
      return le ? readU32le : readU32be;
    default:
      return (r, at) => r.uint(at, size, le);
  }
}
