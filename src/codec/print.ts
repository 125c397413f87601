/**
 * Text output in iasl's field-line form, so that a diff against `iasl -d`
 * lines up:
 *
 *     [OOOh DDDD  W]                        Label : Value
 *
 * Offsets are relative to the start of the table; the label is right-aligned
 * in 28 columns; values are upper-case hex at the field's width. Named flag
 * bits follow their field as `Label : bit-value` lines aligned on the same
 * colon, like iasl's "decoded below" lines (only when some bit is set).
 * Blank lines group fields the way iasl does (header, each subtable, each
 * device scope, each path element).
 */
import { hexDumpLines } from './hexdump.js';
import { bytesToHexPairs, hexUpper, hexUpperBig, padLeft } from './hexfmt.js';
import { derivedValue } from './layout.js';
import { bitValue, sizeOfType, type FixedType } from './primitives.js';
import { pickVariant, STORED, TRAILING_KEY, TRUNCATED_AT, type FieldMember, type Model, type StructSpec } from './struct.js';
import { TextSink } from './text-sink.js';

/** Column of the label field (iasl prints `%28s`). */
const LABEL_WIDTH = 28;
/** Flag-bit lines put their colon under the field lines' colon. */
const BIT_LABEL_WIDTH = 44;

/** One iasl field line as a string: `[OOOh DDDD  W]  Label : Value`. */
export function fieldLine(offset: number, width: number, label: string, value: string): string {
  return fieldHead(new TextSink(), offset, width, label).str(value).toString();
}

/** A flag-bit line beneath its field. */
export function bitLine(label: string, value: number): string {
  return padLeft(label, BIT_LABEL_WIDTH) + ' : ' + value;
}

/** Labels padded to the label column, as bytes, once per label text. */
const paddedLabels = new Map<string, Uint8Array>();

function paddedLabel(label: string): Uint8Array {
  let b = paddedLabels.get(label);
  if (!b) paddedLabels.set(label, (b = TextSink.padded(label, LABEL_WIDTH)));
  return b;
}

/** Writes `[OOOh DDDD  W]  Label : ` (everything but the value). */
function fieldHead(out: TextSink, offset: number, width: number, label: string): TextSink {
  return out.fieldHead(offset, width, paddedLabel(label));
}

/**
 * Fixed-width text as iasl shows it: up to the first NUL, other bytes outside
 * printable ASCII shown as spaces.
 */
export function displayText(s: string): string {
  const nul = s.indexOf('\0');
  const t = nul >= 0 ? s.slice(0, nul) : s;
  return t.replace(/[^\x20-\x7e]/g, ' ');
}

/** A field's value as iasl prints it. */
export function formatValue(t: FixedType, v: unknown): string {
  switch (t.kind) {
    case 'uint':
    case 'flags':
      return hexUpper(v as number, 2 * sizeOfType(t));
    case 'enum': {
      const n = v as number;
      return hexUpper(n, 2 * t.base.size) + ' [' + (t.names.get(n) ?? t.unknownName) + ']';
    }
    case 'u64':
      return hexUpperBig(v as bigint, 16);
    case 'ascii':
      return '"' + displayText(v as string) + '"';
    case 'bytes':
      return bytesToHexPairs(v as Uint8Array);
    case 'reserved': {
      const b = (v as Uint8Array | undefined) ?? new Uint8Array(t.size);
      if (t.show === 'bytes') return bytesToHexPairs(b);
      return bytesToHexPairs(b.slice().reverse(), '');
    }
  }
}

/** Writes a value; integers go straight into the sink (the common, hot case). */
function writeValue(out: TextSink, t: FixedType, v: unknown): void {
  switch (t.kind) {
    case 'uint':
    case 'flags':
      out.hex(v as number, 2 * sizeOfType(t));
      return;
    case 'enum': {
      const n = v as number;
      out.hex(n, 2 * t.base.size).str(' [').str(t.names.get(n) ?? t.unknownName).str(']');
      return;
    }
    case 'u64':
      out.hex64(v as bigint);
      return;
    case 'reserved':
      // Absent means all zero (the usual case).
      if (v === undefined) {
        if (t.show === 'int') out.zeros(2 * t.size);
        else out.str(formatValue(t, v));
        return;
      }
      out.str(formatValue(t, v));
      return;
    default:
      out.str(formatValue(t, v));
  }
}

/** Text of a structure at `offset`, as a string of lines. */
export function printToString(spec: StructSpec, m: Model, offset = 0): string {
  const out = new TextSink();
  printStruct(spec, m, offset, out);
  return out.toString();
}

/** Writes the text lines of a structure at `offset`; returns the bytes it covers. */
export function printStruct(spec: StructSpec, m: Model, offset: number, out: TextSink): number {
  if (spec.line) {
    fieldHead(out, offset, spec.fixedSize, spec.line.label).str(spec.line.format(m)).nl();
    return spec.fixedSize;
  }
  let pos = offset;
  const truncatedAt = m[STORED]?.[TRUNCATED_AT];
  const members = truncatedAt === undefined ? spec.members : spec.members.slice(0, Number(truncatedAt));
  for (const member of members) {
    if (member.block) out.nl();
    switch (member.kind) {
      case 'field':
        printField(spec, member, m, pos, out);
        pos += sizeOfType(member.type);
        break;
      case 'list':
      case 'array':
        for (const item of (m[member.key] as Model[] | undefined) ?? []) {
          const s = member.kind === 'list' ? pickVariant(member.union, item) : member.element;
          if (typeof s === 'string') continue;
          out.nl();
          pos += printStruct(s, item, pos, out);
        }
        break;
      case 'cstring': {
        const s = String(m[member.key] ?? '');
        fieldHead(out, pos, s.length + 1, member.label).str('"' + displayText(s) + '"').nl();
        pos += s.length + 1;
        const pad = m[member.paddingKey];
        if (pad instanceof Uint8Array) {
          if (pad.some((b) => b !== 0)) bytesLines(out, pos, 'Padding', pad);
          pos += pad.length;
        }
        break;
      }
      case 'rest': {
        const b = m[member.key];
        if (b instanceof Uint8Array) {
          for (const l of hexDumpLines(b, pos)) out.line(l);
          pos += b.length;
        }
        break;
      }
    }
  }
  const trailing = m[TRAILING_KEY];
  if (trailing instanceof Uint8Array && trailing.length) {
    bytesLines(out, pos, 'Trailing Bytes', trailing);
    pos += trailing.length;
  }
  if (spec.blankAfter) out.nl();
  return pos - offset;
}

function printField(spec: StructSpec, member: FieldMember, m: Model, pos: number, out: TextSink): void {
  const t = member.type;
  const v = member.role !== undefined ? derivedValue(spec, m, member.key) : m[member.key];
  const size = sizeOfType(t);
  fieldHead(out, pos, size, member.label);
  if (v === undefined && t.kind !== 'reserved') {
    // A checksum of a model never encoded.
    out.str('??').nl();
    return;
  }
  writeValue(out, t, v);
  if (member.describe) out.str(member.describe(v));
  out.nl();
  // Named bits beneath the value, as iasl's "decoded below" lines; all-zero
  // flags (most device scopes) say nothing more, so they get none.
  if (t.kind === 'flags' && v !== 0) {
    for (const b of t.bits) out.padLeft(b.label, BIT_LABEL_WIDTH).str(' : ').str(String(bitValue(v as number, b))).nl();
  }
}

/** Short byte runs as one field line, longer ones as a labelled hex dump. */
function bytesLines(out: TextSink, pos: number, label: string, b: Uint8Array): void {
  if (b.length <= 16) {
    fieldHead(out, pos, b.length, label).str(bytesToHexPairs(b)).nl();
    return;
  }
  fieldHead(out, pos, b.length, label).str('(hex dump below)').nl();
  for (const l of hexDumpLines(b, pos)) out.line(l);
}
